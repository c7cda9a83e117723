package ollama_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/ollama"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a count or a duration of the wrong JSON
// shape (prompt_eval_duration 1e300 as 1e309, 2^63, 3.7, "12", true, {},
// []) is not reported, as if absent, and the stream still succeeds with
// its text, its done_reason and the metrics that were right. Before, the
// done line failed to decode and the request was a protocol error.
func TestBadNumbersNotReported(t *testing.T) {
	for _, bad := range append([]string{`1e300`}, targettest.BadInts...) {
		t.Run(bad, func(t *testing.T) {
			body := `{"model":"m","created_at":"2025-01-01T00:00:00Z","response":"Hi","done":false}` + "\n" +
				strings.ReplaceAll(`{"model":"m","created_at":"2025-01-01T00:00:00Z","response":"","done":true,"done_reason":"stop",`+
					`"total_duration":{N},"load_duration":1000,"prompt_eval_count":{N},"prompt_eval_duration":{N},"eval_count":5,"eval_duration":{N}}`, "{N}", bad) + "\n"
			r, _ := replay(t, ollama.Config{}, 200, ndjsonHeader, body, byLine)
			if r.Err != nil {
				t.Fatalf("%s: %v", bad, r.Err)
			}
			if _, text := r.FirstToken(); text != "Hi" {
				t.Errorf("first token %q; want Hi", text)
			}
			want := targets.Final{FinishReason: "stop", Model: "m", Usage: &targets.Usage{CompletionTokens: 5},
				Server: &targets.ServerTiming{Load: time.Microsecond}}
			if diff := cmp.Diff(want, r.Final); diff != "" {
				t.Errorf("%s: final (-want +got):\n%s", bad, diff)
			}
		})
	}
}
