package replicate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a metric of the wrong JSON shape (a count of
// 2^63, 3.7 or "12", a time of 1e309 or {}) is not reported, and the
// prediction's other metrics still are. Before, one such value made the
// whole metrics object undecodable, and every metric was lost.
func TestBadNumbersNotReported(t *testing.T) {
	for i, bad := range targettest.BadInts {
		badTime := targettest.BadFloats[i%len(targettest.BadFloats)]
		t.Run(bad, func(t *testing.T) {
			api := newFakeAPI(t, sseHandler("event: output\ndata: Hi\n\nevent: done\ndata: {}\n\n", nil))
			api.metrics = strings.NewReplacer("{N}", bad, "{T}", badTime).Replace(
				`{"id":"abc","status":"succeeded","metrics":{"input_token_count":{N},"output_token_count":7,"time_to_first_token":{T},"predict_time":{T},"total_time":2.0}}`)
			r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "k"}}, targets.Request{Model: "o/m", Prompt: "p"})
			if r.Err != nil {
				t.Fatalf("count %s, time %s: %v", bad, badTime, r.Err)
			}
			if _, text := r.FirstToken(); text != "Hi" {
				t.Errorf("first token %q; want Hi", text)
			}
			want := targets.Final{FinishReason: "done", Usage: &targets.Usage{CompletionTokens: 7}, Server: &targets.ServerTiming{Total: 2 * time.Second}}
			if diff := cmp.Diff(want, r.Final); diff != "" {
				t.Errorf("count %s, time %s: final (-want +got):\n%s", bad, badTime, diff)
			}
		})
	}
}
