package targets_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// TestOpenRefusesSwitchingProtocols: a 101 Switching Protocols answer to
// the POST is refused at once, naming the status: its "body" is the
// upgraded connection, which the request's deadline does not bound. Before,
// ReadHTTPError read it and the request hung as long as the server held
// the connection (a probe with --timeout 3s ran past a minute).
func TestOpenRefusesSwitchingProtocols(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, bw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		bw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		bw.Flush()
		select { // hold the connection open, as a hostile server does
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "", "")
	httpError := func(resp *http.Response) error {
		return targets.ReadHTTPError(resp, e.Redact, targets.DecodeEngineError)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := e.Open(ctx, srv.URL, nil, httpError, nil)
	var pe *targets.ProtocolError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "101") || ctx.Err() != nil {
		t.Errorf("Open of a 101: %v (context: %v); want a ProtocolError naming status 101, before the deadline", err, ctx.Err())
	}
}
