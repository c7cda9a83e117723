package adaptive_test

import (
	"math"
	"testing"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/session"
)

// TestSpendEstimatesTheFixedRateSweep checks adaptive.Account's estimate of
// a fixed open-loop sweep against the sweep itself, on the fixed-timing mock
// inside a synctest bubble (every request takes exactly 100 + 7·50 = 450
// ms): rates 5, 10, 20 and 40 a second, constant arrivals, 30 measured
// requests or 2 s a level, no warm-up. A fixed level sends on its schedule
// whatever the server does, so by hand:
//
//	rate  sent  bound     last send   level wall (last send + 0.45)
//	5     10    2 s       1.8         2.25
//	10    20    2 s       1.9         2.35
//	20    30    30 ids    1.45        1.9
//	40    30    30 ids    0.725       1.175
//
// 90 requests, 7.675 s. The adaptive run spends its own (80 requests in
// 2.4 s at 40/s); its estimate of the fixed sweep must be the sweep's.
// Before Fixed.Sends it read each rate as that many closed-loop streams
// and priced the sweep at 6.862 s (−11 %), the 40/s level at 0.725 s
// (−38 %: no drain).
func TestSpendEstimatesTheFixedRateSweep(t *testing.T) {
	byHand := map[float64]sweepLevel{5: {10, 2.25}, 10: {20, 2.35}, 20: {30, 1.9}, 40: {30, 1.175}}
	run := func(precision float64) (*rundir.Adaptive, map[float64]sweepLevel) {
		return runFixedMock(t, &session.Options{Kind: "vllm", URL: "http://mock", Model: "m", API: "chat", Rates: []float64{5, 10, 20, 40},
			Arrival: loadgen.ArrivalConstant, Requests: 30, Duration: 2 * time.Second, SpreadAuto: true,
			MaxTokens: 8, PromptTokens: 4, Timeout: 10 * time.Second, GPUBackend: "none", ServerMetrics: "off",
			GPUInterval: 50 * time.Millisecond, NoProbe: true, Precision: precision, SLO: report.SLO{TTFT: time.Second}})
	}
	_, fixed := run(0)
	for lv, h := range byHand {
		if g := fixed[lv]; g.requests != h.requests || math.Abs(g.wall-h.wall) > 1e-6 {
			t.Errorf("fixed level %g: %d requests in %.6f s; by hand %d in %.6f s", lv, g.requests, g.wall, h.requests, h.wall)
		}
	}
	a, _ := run(0.05)
	if a == nil || a.Spend == nil || len(a.Spend.Levels) != len(byHand) {
		t.Fatalf("adaptive section %+v; want a spend of the four levels", a)
	}
	var wantN int
	var wantW float64
	for _, l := range a.Spend.Levels {
		h := byHand[l.Level]
		wantN += h.requests
		wantW += h.wall
		if l.FixedRequests != h.requests || math.Abs(l.FixedWallS-h.wall) > 1e-3 {
			t.Errorf("level %g (ran %d requests in %.3f s): estimated %d requests in %.3f s; the fixed level sent %d in %.3f s",
				l.Level, l.Requests, l.WallS, l.FixedRequests, l.FixedWallS, h.requests, h.wall)
		}
	}
	if a.Spend.FixedRequests != wantN || math.Abs(a.Spend.FixedWallS-wantW) > 1e-3 {
		t.Errorf("fixed sweep estimated at %d requests, %.3f s; it sent %d in %.3f s", a.Spend.FixedRequests, a.Spend.FixedWallS, wantN, wantW)
	}
}
