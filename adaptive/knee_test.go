package adaptive

import (
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

// This file measures the open-loop saturation judgment near a server's
// knee: the fraction of Poisson levels judged saturated at loads from 80 %
// to 120 % of 16 slots' capacity, on the fixed-timing mock's timing
// (schedule_test.go's loadCase), at the default plan.

// kneeRow is what reps levels at one load did: the fraction judged
// saturated, and of those by which rule.
type kneeRow struct {
	saturated, byRate, byQueue, meanN float64
}

func kneeRuns(p *Plan, c windowCase, reps int, seed uint64) kneeRow {
	var sat, rate, queue, n int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range reps {
		wg.Go(func() {
			d := windowLevel(p, c, seed*1_000_003+uint64(i)).dec
			mu.Lock()
			defer mu.Unlock()
			n += d.N
			if !d.Saturated {
				return
			}
			sat++
			if strings.HasPrefix(d.Saturation, "queue") {
				queue++
			} else {
				rate++
			}
		})
	}
	wg.Wait()
	f := float64(reps)
	return kneeRow{saturated: float64(sat) / f, byRate: float64(rate) / f, byQueue: float64(queue) / f, meanN: float64(n) / f}
}

// kneeLoads are the loads of the table, fractions of capacity.
var kneeLoads = []float64{0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2}

// TestKneeTable prints docs/adaptive.md's table "Saturation near the knee":
// set ADAPTIVE_SIM=1 (ADAPTIVE_SIM_REPS for the seeds a cell, default 400).
func TestKneeTable(t *testing.T) {
	if os.Getenv("ADAPTIVE_SIM") == "" {
		t.Skip("set ADAPTIVE_SIM=1 for the saturation table near the knee")
	}
	reps := 400
	if s := os.Getenv("ADAPTIVE_SIM_REPS"); s != "" {
		fmt.Sscan(s, &reps)
	}
	p := mustPlan(t, Options{Precision: 0.05, OpenLoop: true})
	var b strings.Builder
	fmt.Fprintf(&b, "%d seeds a cell; judged saturated %% (by the rate rule / by the queue rule), mean completions\n", reps)
	for _, v := range []struct{ fixed, capped bool }{{true, false}, {false, false}, {true, true}} {
		c := loadCase(1, v.fixed)
		name := strings.TrimPrefix(c.name, "Poisson at 100 % of ")
		if v.capped {
			name += ", client cap 16"
		}
		fmt.Fprintf(&b, "| %s |", name)
		for i, rho := range kneeLoads {
			c := loadCase(rho, v.fixed)
			c.capped = v.capped
			k := kneeRuns(p, c, reps, uint64(100+i))
			fmt.Fprintf(&b, " %.1f (%.1f/%.1f) %.0f |", 100*k.saturated, 100*k.byRate, 100*k.byQueue, k.meanN)
		}
		fmt.Fprintln(&b)
	}
	t.Log("\n" + b.String())
}

// TestSaturationNearTheKnee: a Poisson level at 95 % of 16 slots' capacity
// keeps up, and is judged saturated in at most about the rule's one-sided
// error, 2.5 % (measured 0.8–2.2 %); at 105 % and 110 % it cannot, and is
// judged saturated in at least 85 % and 99 % of the levels
// (docs/adaptive.md, "Saturation near the knee", gives these targets and
// why). Each bound allows its binomial noise over the seeds run (3
// standard errors over the nominal false rate, 2 under the detection
// rates). With fixed (64) and variable (64–192) lengths, the queue at the
// server, and with a client cap at the 16 slots (the wait is send lag).
// Judged also by a Mann–Kendall trend of in-flight requests and TTFT, 29 %
// (64 tokens) and 39 % (64–192) of these levels at 95 % were judged
// saturated.
func TestSaturationNearTheKnee(t *testing.T) {
	p := mustPlan(t, Options{Precision: 0.05, OpenLoop: true})
	reps := runs(80)
	se := func(q float64) float64 { return math.Sqrt(q * (1 - q) / float64(reps)) }
	for _, v := range []struct{ fixed, capped bool }{{true, false}, {false, false}, {true, true}} {
		for i, c := range []struct{ rho, lo, hi float64 }{
			{0.95, 0, 0.025 + 3*se(0.025)},
			{1.05, 0.85 - 2*se(0.85), 1},
			{1.1, 0.99 - 2*se(0.99), 1},
		} {
			lc := loadCase(c.rho, v.fixed)
			lc.capped = v.capped
			k := kneeRuns(p, lc, reps, uint64(200+i))
			t.Logf("%s, capped %v: %.1f %% judged saturated (rate %.1f %%, queue %.1f %%), %.0f completions",
				lc.name, v.capped, 100*k.saturated, 100*k.byRate, 100*k.byQueue, k.meanN)
			if k.saturated < c.lo || k.saturated > c.hi {
				t.Errorf("%s, capped %v: %.1f %% of %d levels judged saturated; want %.1f–%.1f %%",
					lc.name, v.capped, 100*k.saturated, reps, 100*c.lo, 100*c.hi)
			}
		}
	}
}
