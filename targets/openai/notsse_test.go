package openai_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// TestEventStreamWithoutEvents: a body labelled text/event-stream that
// holds no SSE event (a whole non-streamed completion, a proxy's HTML
// page) is a protocol error that says what the body began with. Before,
// it said only "stream ended before [DONE] and without a finish_reason,
// after 0 events".
func TestEventStreamWithoutEvents(t *testing.T) {
	for body, begins := range map[string]string{
		`{"id":"c","object":"chat.completion","choices":[{"message":{"content":"hi"}}],"usage":{"completion_tokens":9}}` + "\n": "chat.completion",
		"<html>\n<body>Bad gateway</body>\n</html>\n": "<html> <body>Bad gateway",
	} {
		r := replay(t, openai.Config{}, 200, sseHeader, body, nil)
		var pe *targets.ProtocolError
		if !errors.As(r.Err, &pe) || !strings.Contains(r.Err.Error(), "no SSE data event") || !strings.Contains(r.Err.Error(), begins) {
			t.Errorf("body %.30q: error %v; want a ProtocolError saying there was no SSE data event and how the body began", body, r.Err)
		}
		if len(r.Chunks) != 0 {
			t.Errorf("body %.30q: %d chunks; want none", body, len(r.Chunks))
		}
	}
}
