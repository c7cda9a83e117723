package mock

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// TestLlamaCppTimingsExact: the last event's timings are the fixed
// timing the mock served, to the millisecond on synctest's clock:
// prompt_ms is the TTFT (receipt → first token, llama-server's prompt
// processing) and predicted_ms the n − 1 gaps after it (first token →
// last), streamed or not. (The other tests only saw them ≥ 0.)
func TestLlamaCppTimingsExact(t *testing.T) {
	const ttft, itl, n = 50 * time.Millisecond, 10 * time.Millisecond, 5
	for _, stream := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			s := newServer(t, Config{TTFT: ttft, ITL: itl, OutputTokens: n})
			rec := newFlushRecorder()
			body := `{"prompt":"Say hi to me","n_predict":16}`
			if stream {
				body = `{"prompt":"Say hi to me","n_predict":16,"stream":true}`
			}
			s.ServeHTTP(rec, post(t.Context(), "/completion", body))
			raw := rec.all()
			if rec.status != http.StatusOK {
				t.Fatalf("status %d: %s", rec.status, raw)
			}
			last := raw
			if stream {
				evs := sseEvents(raw)
				last = evs[len(evs)-1].data
			}
			e := decodeNative(t, last)
			if e.Timings == nil || e.Timings.PromptMS != 50 || e.Timings.PredictedMS != 40 || e.Timings.PredictedN != n {
				t.Errorf("stream %v: timings %+v; want prompt_ms 50, predicted_ms 40 over %d tokens", stream, e.Timings, n)
			}
		})
	}
}
