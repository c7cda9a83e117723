package targets_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// TestErrorBodyThatStalls: a server that answers 500 and then sends part
// of its error body and nothing more (a proxy whose upstream hung) is an
// HTTP 500, read for at most targets.ErrorReadWait: ReadHTTPError waited
// for the rest until the request's deadline, so the run held the worker for
// the whole --timeout and recorded the request as a timeout, not http_5xx.
// On synctest's clock, so that the wait is exact.
func TestErrorBodyThatStalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		body := &stalledBody{rest: `{"error": {"mess`, closed: make(chan struct{})}
		resp := &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
		start := time.Now()
		he := targets.ReadHTTPError(resp, targets.NewRedactor(""), targets.DecodeEngineError)
		if took := time.Since(start); took != targets.ErrorReadWait {
			t.Errorf("returned after %v, want %v", took, targets.ErrorReadWait)
		}
		if he.Status != 500 || !strings.Contains(he.Body, `{"error": {"mess`) || !strings.Contains(he.Body, "stopped") {
			t.Errorf("got %+v, want status 500 and the part of the body that came, said to have stopped", *he)
		}
	})
}

// stalledBody gives rest, then blocks until it is closed.
type stalledBody struct {
	rest   string
	once   sync.Once
	closed chan struct{}
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if b.rest != "" {
		n := copy(p, b.rest)
		b.rest = b.rest[n:]
		return n, nil
	}
	<-b.closed
	return 0, errors.New("read on closed body")
}

func (b *stalledBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}
