package live

import (
	"math"
	"testing"
	"time"
)

// TestResultLeavesOutRampUp: the result line the live view computes itself
// (no summary handed to LevelFinished, as under `run` without a bisection,
// and `watch`) leaves an open level's --ramp-up out of its steady state, as
// summary.json does (report's TestOpenLoopRampUpLeftOut): 20 req/s climbing
// over 3 s, then 3 s at 20 req/s, reads 20 req/s, not the 15.7 of the whole
// climb and hold.
func TestResultLeavesOutRampUp(t *testing.T) {
	const rate, ramp, span = 20.0, 3.0, 6.0
	s := New(Options{})
	s.LevelStarted(LevelPlan{Level: rate, Duration: 6 * time.Second, RampUp: 3 * time.Second})
	for k := 0; ; k++ {
		u := float64(k) + 0.5
		at := ramp + (u-rate*ramp/2)/rate
		if u < rate*ramp/2 {
			at = math.Sqrt(2 * ramp * u / rate)
		}
		if at >= span {
			break
		}
		r := rec(rate, 500*ms+int64(at*1e9), 50*ms, 10*ms, 16)
		r.Worker = 0
		s.Add(r)
	}
	s.LevelFinished(rate, nil)
	snap := s.Snapshot()
	res := snap.Levels[0].Result
	if res == nil {
		t.Fatal("no result")
	}
	if math.Abs(res.RequestsPerS-rate) > 0.5 {
		t.Errorf("result %.2f req/s; want %g (the ramp-up left out)", res.RequestsPerS, rate)
	}
}
