package replicate_test

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a metric of the wrong JSON shape (a count of
// 2^63, 3.7 or "12", a time of 1e309 or {}) is not reported, and the
// prediction's other metrics still are. Before, one such value made the
// whole metrics object undecodable, and every metric was lost.
func TestBadNumbersNotReported(t *testing.T) {
	targettest.CheckBadNumbers(t, "Hi", targets.Final{FinishReason: "done", Usage: &targets.Usage{CompletionTokens: 7}, Server: &targets.ServerTiming{Total: 2 * time.Second}},
		func(t *testing.T, fill func(string) string) targettest.Result {
			api := newFakeAPI(t, sseHandler("event: output\ndata: Hi\n\nevent: done\ndata: {}\n\n", nil))
			api.metrics = fill(`{"id":"abc","status":"succeeded","metrics":{"input_token_count":{N},"output_token_count":7,"time_to_first_token":{T},"predict_time":{T},"total_time":2.0}}`)
			return targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "k"}}, targets.Request{Model: "o/m", Prompt: "p"})
		})
}
