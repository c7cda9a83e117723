package live

import (
	"math"
	"testing"
	"testing/synctest"
	"time"
)

// TestSlowOpenLevelResultOverItsTime: an open level at 0.0001 req/s that
// ran 8 s and sent one request (128 tokens, done 1.32 s after its send)
// reads, on its result line, its rate over the 8 s the level ran, as
// summary.json does (report.LevelWindow): 16 output tok/s and 0.125 req/s,
// not the request's own 97 tok/s and 0.76 req/s.
func TestSlowOpenLevelResultOverItsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 5 * time.Second})
		s.LevelStarted(LevelPlan{Level: 0.0001, Profile: "rate", Duration: 8 * time.Second})
		r := rec(0.0001, 0, 50*ms, 10*ms, 128)
		sleepTo(t0, r.DoneNS)
		s.Add(r)
		sleepTo(t0, 8*int64(time.Second))
		s.LevelFinished(0.0001, nil)
		res := s.Snapshot().Levels[0].Result
		if res == nil || math.Abs(res.OutputTokensPerS-16) > 1e-9 || math.Abs(res.RequestsPerS-0.125) > 1e-12 {
			t.Fatalf("result %+v; want 16 out tok/s and 0.125 req/s over the level's 8 s", res)
		}
	})
}
