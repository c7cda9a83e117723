package adaptive

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestPaceVetoKeptSchedule: an open-loop level asked for 20 req/s whose
// schedule offered 15 (a Poisson window can run short; here it runs short
// throughout, regular arrivals 1/15 s apart) and which keeps up with it:
// each request completes 300–500 ms after it was due, the lag creeping up
// by 0.05 % of the time, so that its pace γ lies a hair under 1. The served
// rate, about 15 req/s, lies certainly under the target; only the pace
// veto (γ within paceVeto standard errors of 1) keeps the level from being
// judged saturated, at every look. The test checks the premise at the
// level's last look: served rate's upper end under 20, and
// 1 − paceVeto·se ≤ γ < 1, so that dropping the veto, or lowering it to 0
// (γ < 1 by any amount), flags the level.
func TestPaceVetoKeptSchedule(t *testing.T) {
	const target, offered, n = 20.0, 15.0, 600
	p := mustPlan(t, Options{Precision: 1e-4, OpenLoop: true, MaxRequests: n})
	r := rand.New(rand.NewPCG(4, 4))
	cs := make([]Completion, n)
	for i := range cs {
		due := time.Duration(float64(i) / offered * float64(time.Second))
		lag := 300*time.Millisecond + due/2000 + time.Duration(r.Float64()*float64(200*time.Millisecond))
		ms := float64(lag) / float64(time.Millisecond)
		c := okAt(due+lag, ms/4, ms, 64)
		c.ID, c.Due, c.HasDue = uint64(i), due, true
		cs[i] = c
	}
	slices.SortFunc(cs, func(a, b Completion) int { return cmp.Compare(a.Done, b.Done) })
	l := p.NewLevel(target, 0, 0, nil)
	var d Decision
	for _, c := range cs {
		if !l.Add(c) {
			continue
		}
		if d = l.Check(); d.Saturated {
			t.Fatalf("look %d at %d completions: saturated (%s); the level kept its schedule", d.Look, d.N, d.Saturation)
		}
		if d.Stop {
			break
		}
	}
	if !d.Stop {
		t.Fatalf("the level did not stop: %v at %d", d.Reason, d.N)
	}
	// The last look's state, as evaluate read it: the fill is the p95 E2E.
	l.e2e.flush()
	fill := time.Duration(report.Quantile7(l.e2e.sorted, fillPercentile) * float64(time.Millisecond))
	s := l.servedRate(fill)
	g, gse, _ := l.tl.pace(l.last, fill, maxBuckets)
	t.Logf("%d looks, %d completions: served %.3f req/s (at most %.3f) of %g, pace %.5f ± %.5f", d.Look, d.N, s.rate, s.rate+s.spread+s.edge, target, g, gse)
	if hi := s.rate + s.spread + s.edge; !(s.batches >= minRateBuckets && hi < target) {
		t.Fatalf("the premise fails: served %.3g req/s at most %.3g over %d buckets, not certainly under the %g target", s.rate, hi, s.batches, target)
	}
	if !(g < 1 && g >= 1-paceVeto*gse) {
		t.Fatalf("the premise fails: pace %.5f ± %.5f is not under 1 within %g standard errors", g, gse, float64(paceVeto))
	}
}
