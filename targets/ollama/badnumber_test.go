package ollama_test

import (
	"testing"
	"time"

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
	targettest.CheckBadNumbers(t, "Hi", targets.Final{FinishReason: "stop", Model: "m", Usage: &targets.Usage{CompletionTokens: 5},
		Server: &targets.ServerTiming{Load: time.Microsecond}},
		func(t *testing.T, fill func(string) string) targettest.Result {
			body := `{"model":"m","created_at":"2025-01-01T00:00:00Z","response":"Hi","done":false}` + "\n" +
				fill(`{"model":"m","created_at":"2025-01-01T00:00:00Z","response":"","done":true,"done_reason":"stop",`+
					`"total_duration":{N},"load_duration":1000,"prompt_eval_count":{N},"prompt_eval_duration":{N},"eval_count":5,"eval_duration":{N}}`) + "\n"
			r, _ := replay(t, ollama.Config{}, 200, ndjsonHeader, body, byLine)
			return r
		}, `1e300`)
}
