package adaptive

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The synthetic server of these tests has 64 slots and requests of 2.82 s
// on average (sim_test.go: TTFT 200 ms median, 64–192 tokens at 20 ms), so
// it serves at most 64/2.818 = 22.7 req/s.
const (
	simTTFT = 200 * time.Millisecond
	simTPOT = 20 * time.Millisecond
)

// openPlan has no precision stop and 2,000 requests at most.
func openPlan(t *testing.T) *Plan {
	return mustPlan(t, Options{Precision: 1e-4, OpenLoop: true, MaxRequests: 2000})
}

// openLevel runs an open-loop level of p at rate against the 64-slot
// server (cap: the client's in-flight cap, 0 none) and returns the decision
// at which it stopped.
func openLevel(p *Plan, rate float64, cap int, seed uint64) Decision {
	cs := openLoop(rand.New(rand.NewPCG(seed, 9)), 2800, rate, 64, cap, simTTFT, simTPOT)
	return feed(p, cs, rate, nil)
}

// TestOpenLoopStable: at 66 % and 92 % of capacity, with and without a
// client cap at the server's 64 slots, no look of 2,000 requests flags
// saturation. 92 % is the hard case: the queue wanders for tens of seconds
// and a trend test over a short window would call it growing.
func TestOpenLoopStable(t *testing.T) {
	p := openPlan(t)
	for _, rate := range []float64{15, 21} {
		for _, cap := range []int{0, 64} {
			for seed := range uint64(3) {
				if d := openLevel(p, rate, cap, seed); d.Saturated || d.Reason != StopMaxRequests {
					t.Errorf("%g req/s cap %d seed %d: %v at %d: %s", rate, cap, seed, d.Reason, d.N, d.Saturation)
				}
			}
		}
	}
}

// TestOpenLoopSaturated: at 30 req/s (132 % of capacity) the level is
// flagged within 300 requests, capped (the client holds requests back) or
// not (they pile up at the server), on the served rate (about 22.7 of 30
// req/s), and at 24 req/s (106 %) within MaxRequests, falling behind its
// schedule; a saturated level fails, certainly.
func TestOpenLoopSaturated(t *testing.T) {
	p := openPlan(t)
	for _, c := range []struct {
		rate   float64
		cap    int
		within int
	}{{30, 0, 300}, {30, 64, 300}, {24, 0, 2000}, {24, 64, 2000}} {
		d := openLevel(p, c.rate, c.cap, 1)
		if !d.Saturated || d.Reason != StopSaturated || d.N > c.within || !strings.Contains(d.Saturation, fmt.Sprintf("of the %g req/s target", c.rate)) ||
			!strings.Contains(d.Saturation, "falling behind its schedule") {
			t.Errorf("%g req/s cap %d: %v at %d: %q; want saturated within %d", c.rate, c.cap, d.Reason, d.N, d.Saturation, c.within)
		}
		if d.Verdict != Fail || !d.Certain {
			t.Errorf("%g req/s cap %d: verdict %v certain %v; a saturated level fails", c.rate, c.cap, d.Verdict, d.Certain)
		}
	}
}

// TestClosedLoopSaturation climbs concurrency 16 → 32 → 64 → 128 against a
// 40-slot server: throughput doubles to 32, rises a quarter to 64 (40
// slots busy: not flagged, it still rose more than a tenth of linear), and
// is flat at 128, where the median E2E doubles: saturated. Each level is
// judged against the best lower level.
func TestClosedLoopSaturation(t *testing.T) {
	p := mustPlan(t, Options{Precision: 0.05, MaxRequests: 2000})
	r := rand.New(rand.NewPCG(0, 9))
	var best *Decision
	for _, c := range []int{16, 32, 64, 128} {
		d := feed(p, closedLoop(r, 2000, c, 40, simTTFT, simTPOT), float64(c), best)
		if want := c == 128; d.Saturated != want {
			t.Errorf("concurrency %d: saturated %v (%s), throughput %v; want %v", c, d.Saturated, d.Saturation, d.Throughput, want)
		}
		if best == nil || d.Throughput.Value > best.Throughput.Value {
			best = &d
		}
	}
}

// TestClosedLoopRules pins the rule on hand-made decisions: from 1,000
// tok/s at 32 with a 2 s median E2E, concurrency 64 (r = 2) is saturated
// when its throughput's upper bound is under 1,100 (a tenth of the linear
// gain) and its median E2E at least 3 s (half the ratio's excess).
func TestClosedLoopRules(t *testing.T) {
	base := &Decision{Level: 32, Throughput: Estimate{Value: 1000}, MedianE2E: 2000}
	for _, c := range []struct {
		hi, e2e float64
		want    bool
	}{
		{1099, 3000, true},
		{1100, 3000, false}, // could still have gained a tenth
		{1099, 2999, false}, // latency did not rise enough
	} {
		d := &Decision{Level: 64, Throughput: Estimate{Value: 1000, Lo: 900, Hi: c.hi}, MedianE2E: c.e2e}
		if got, why := closedLoopSaturation(d, base); got != c.want {
			t.Errorf("hi %g, E2E %g: saturated %v (%s); want %v", c.hi, c.e2e, got, why, c.want)
		}
	}
	if got, _ := closedLoopSaturation(&Decision{Level: 16, Throughput: Estimate{Hi: 10}, MedianE2E: 1e6}, base); got {
		t.Error("a level below its baseline was judged")
	}
}
