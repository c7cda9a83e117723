package gemini_test

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestHTMLPageAsEventStream: a proxy's HTML page sent as
// text/event-stream holds no SSE data event, and the error quotes how it
// began (targets.Endpoint.ReadEvents), as the OpenAI adapter's did: it
// said "stream ended without a finishReason, after 0 events".
func TestHTMLPageAsEventStream(t *testing.T) {
	r, _ := replay(t, 200, sseHeader, "<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1></body></html>\n", targettest.Whole)
	pe, ok := r.Err.(*targets.ProtocolError)
	if !ok || !strings.Contains(pe.Msg, "held no SSE data event") || !strings.Contains(pe.Msg, "502 Bad Gateway") {
		t.Errorf("got %v; want a protocol error quoting the page", r.Err)
	}
}
