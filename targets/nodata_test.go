package targets_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// TestReadEventsWithoutAnyDataEvent: a body that ends without one SSE data
// event, having held other lines (a proxy's HTML error page sent as
// text/event-stream), is a protocol error that quotes its start, redacted,
// as the OpenAI adapter's was: TGI, Anthropic, Gemini, Responses, Triton
// and Replicate said only "stream ended before …, after 0 events". A body
// with a data event, or with comments alone, ends in io.EOF for the
// adapter to judge.
func TestReadEventsWithoutAnyDataEvent(t *testing.T) {
	e := targets.NewEndpoint("x", nil, nil, "text/event-stream", "Authorization", "sk-secret-123456")
	for _, c := range []struct {
		name, body, want string
	}{
		{"HTML page", "<!DOCTYPE html>\n<html><body>502 Bad Gateway sk-secret-123456</body></html>\n",
			`the body held no SSE data event: it began "<!DOCTYPE html> <html><body>502 Bad Gateway [REDACTED]</body></html>"`},
		{"a data event, then lines", "data: a\n\n<html>\n", ""},
		{"comments alone", ": ping\n\n: ping\n\n", ""},
	} {
		body := strings.NewReader(c.body)
		err := e.ReadEvents(context.Background(), sse.NewReader(body), body, func() {}, func(sse.Event) (bool, error) { return false, nil })
		if c.want == "" {
			if err != io.EOF {
				t.Errorf("%s: %v; want io.EOF", c.name, err)
			}
			continue
		}
		if pe, ok := err.(*targets.ProtocolError); !ok || pe.Msg != c.want {
			t.Errorf("%s: %v; want a protocol error %q", c.name, err, c.want)
		}
	}
}
