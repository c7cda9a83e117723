package bedrock_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
)

// TestSuccessThatIsNoEventStream: a 200 whose Content-Type is not an event
// stream (a proxy's HTML page, a JSON answer) is refused by its type, as
// every other adapter refuses one: its bytes read as event-stream frames
// made "decode event: message checksum mismatch", which says nothing of
// what came back.
func TestSuccessThatIsNoEventStream(t *testing.T) {
	for _, ct := range []string{"text/html; charset=utf-8", "application/json"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write([]byte("<!DOCTYPE html><html><body><h1>Sign in to the proxy</h1></body></html>\n"))
		}))
		r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL}), t.Context(), targets.Request{Model: "m", Prompt: "p"})
		srv.Close()
		pe, ok := errors.AsType[*targets.ProtocolError](r.Err)
		if !ok || !strings.Contains(pe.Msg, ct) || !strings.Contains(pe.Msg, "application/vnd.amazon.eventstream") {
			t.Errorf("%s: got %v; want a protocol error naming the type that came and the one wanted", ct, r.Err)
		}
	}
}
