package vertex_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/vertex"
)

// TestStoppedBySequence: Vertex's Gemini says STOP of a stop sequence and
// of the model's end alike ("natural stop point of the model or provided
// stop sequence"): through the Vertex URL and bearer token too,
// Final.StoppedBySequence is set on STOP only when the request sent stop
// sequences, never on MAX_TOKENS. The recorded stream ends by STOP.
func TestStoppedBySequence(t *testing.T) {
	body := string(targettest.Testdata(t, "gemini-alt-sse-multi-token-chunks-thoughts-usage"))
	const stopped = `"finishReason": "STOP"`
	if !strings.Contains(body, stopped) {
		t.Fatalf("the fixture has no %s", stopped)
	}
	for _, tc := range []struct {
		finish string
		stop   []string
		want   bool
	}{
		{stopped, []string{"\n\nUser:"}, true},
		{stopped, nil, false},
		{`"finishReason": "MAX_TOKENS"`, []string{"\n\nUser:"}, false},
	} {
		srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, strings.Replace(body, stopped, tc.finish, 1), nil)
		r := targettest.Stream(t, vertex.New, vertex.Config{BaseURL: srv.URL, Project: "p", Location: "l", AccessToken: "ya29.token"},
			targets.Request{Model: "gemini-2.5-flash", Prompt: "p", Stop: tc.stop})
		if r.Err != nil {
			t.Fatalf("%s: %v", tc.finish, r.Err)
		}
		if r.Final.StoppedBySequence != tc.want {
			t.Errorf("%s, stop %q: StoppedBySequence %v, want %v", tc.finish, tc.stop, r.Final.StoppedBySequence, tc.want)
		}
	}
}
