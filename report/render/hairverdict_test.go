package render

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// hairSLO is a TTFT SLO off by − or + 0.05 ms from the A100's best p95
// TTFT over its levels (level 1's, the lightest load): the A100 meets it
// at no level, or at level 1 by a hair. The H100 meets both at the same
// level.
func hairSLO(t *testing.T, by time.Duration) report.SLO {
	t.Helper()
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), report.SLO{TTFT: time.Second})
	best := math.Inf(1)
	for _, l := range runs[0].Summary.Levels {
		best = min(best, l.TTFTMS.At(report.DefaultSLOPercentile))
	}
	return report.SLO{TTFT: time.Duration(best*float64(time.Millisecond)) + by}
}

// verdictAt builds the A100-against-H100 report at slo.
func verdictAt(t *testing.T, slo report.SLO) (Comparison, *Report) {
	t.Helper()
	rep, err := Build(loadPair(t, rendertest.A100(), rendertest.H100(), slo), Options{SLO: slo, Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Comparisons[0], rep
}

// TestVerdictOfARunThatMissedTheSLOByAHair: the A100 misses the SLO at
// its best level by 0.05 ms of its p95 TTFT (an outside QA pass's case),
// so it is priced at its highest-throughput level, and the verdict read
// that ratio with the tight interval of fixed levels; moving the SLO by
// 0.1 ms, so that level 1 passes by a hair, moved the verdict to the ratio
// over level 1, far outside it. A sizeable share of the resamples of the
// A100's requests meet the SLO at level 1: the interval must reach the
// ratio the verdict reads a hair away, and the verdict say how often the
// A100 met the SLO, its other words as they were.
func TestVerdictOfARunThatMissedTheSLOByAHair(t *testing.T) {
	tight, loose := hairSLO(t, -50*time.Microsecond), hairSLO(t, 50*time.Microsecond)
	c, rep := verdictAt(t, tight)
	h, tp := c.Headline, c.Capacity[0]
	if a, b := rep.Runs[0].Priced, rep.Runs[1].Priced; a.Basis != report.BasisHighest || b.Basis != report.BasisCapacity {
		t.Fatalf("fixture at %s: priced %+v / %+v; want the A100 at its highest throughput, the H100 at its capacity", tight.Bounds(), a, b)
	}
	cl, repL := verdictAt(t, loose)
	hl, tl := cl.Headline, cl.Capacity[0]
	if a, b := repL.Runs[0].Priced, repL.Runs[1].Priced; a.Basis != report.BasisCapacity || a.Level != 1 || b.Level != rep.Runs[1].Priced.Level {
		t.Fatalf("fixture at %s: priced %+v / %+v; want the A100's capacity at level 1, the H100 at the same level", loose.Bounds(), a, b)
	}
	t.Logf("at %s: %s", tight.Bounds(), h)
	t.Logf("at %s: %s", loose.Bounds(), hl)
	if !(tp.CILow <= tl.Ratio && tl.Ratio <= tp.CIHigh) || !(tp.CILow <= tp.Ratio && tp.Ratio <= tp.CIHigh) {
		t.Errorf("at %s: %.3f× [%.3f–%.3f]; want the interval to reach %.3f×, the ratio a hair away (at %s)",
			tight.Bounds(), tp.Ratio, tp.CILow, tp.CIHigh, tl.Ratio, loose.Bounds())
	}
	// A hair the other way, the A100 has no capacity in a sizeable share
	// of the resamples and is priced at level 8 in them: that pair joins.
	if !(tl.CILow <= tp.Ratio && tp.Ratio <= tl.CIHigh) {
		t.Errorf("at %s: %.3f× [%.3f–%.3f]; want the interval to reach %.3f×, the ratio a hair away (at %s)",
			loose.Bounds(), tl.Ratio, tl.CILow, tl.CIHigh, tp.Ratio, tight.Bounds())
	}
	met := 1 - tp.BaselineNoCapacity
	if met < compare.MinPairShare || met > 1-compare.MinPairShare || len(tp.CapacityPairs) < 2 {
		t.Errorf("the A100 met the SLO in %.3f of the resamples, pairs %+v; want a sizeable share, both pairs joined", met, tp.CapacityPairs)
	}
	want := "; a100-80gb met the SLO at some level in " + percent(met) + " of resamples of its requests, "
	for _, w := range []string{want, "h100-sxm's capacity at " + tight.Bounds(), "a100-80gb's highest-throughput level 8 (" + tight.Bounds() + " with at most 1.0 % of requests failed met at no level)",
		"a capacity against a throughput past the SLO"} {
		if !strings.Contains(h, w) {
			t.Errorf("verdict %q\nlacks %q", h, w)
		}
	}
	if strings.Contains(h, "a100-80gb's is") {
		t.Errorf("verdict %q reads the A100's capacity shares as its priced level's", h)
	}
}

// TestVerdictOfARunThatMissedTheSLOByFar: at TTFT 50ms the A100 meets
// the SLO in no resample; the verdict and its interval are the fixed
// levels' comparison, as they were, and say nothing of resamples.
func TestVerdictOfARunThatMissedTheSLOByFar(t *testing.T) {
	slo := report.SLO{TTFT: 50 * time.Millisecond}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparisons[0]
	tp := c.Capacity[0]
	t.Logf("at %s: %s", slo.Bounds(), c.Headline)
	pa, pb := rep.Runs[0].Priced, rep.Runs[1].Priced
	if pa.Basis != report.BasisHighest || pb.Basis != report.BasisCapacity {
		t.Fatalf("fixture: priced %+v / %+v; want the A100 at its highest throughput, the H100 at its capacity", pa, pb)
	}
	fixed := bootstrapper{resamples: 500, seed: DefaultSeed}.ratios("capacity", runs[0].levels[pa.Level].sample, runs[1].levels[pb.Level].sample,
		[]compare.Metric{compare.OutputTokensPerS()})
	if tp.Ratio != fixed[0].Ratio || tp.CILow != fixed[0].CILow || tp.CIHigh != fixed[0].CIHigh || tp.PValue != fixed[0].PValue || tp.CapacityPairs != nil {
		t.Errorf("%.4f× [%.4f–%.4f] p %g, pairs %+v; want the fixed levels' %.4f× [%.4f–%.4f] p %g", tp.Ratio, tp.CILow, tp.CIHigh, tp.PValue, tp.CapacityPairs,
			fixed[0].Ratio, fixed[0].CILow, fixed[0].CIHigh, fixed[0].PValue)
	}
	if strings.Contains(c.Headline, "resamples") {
		t.Errorf("verdict %q speaks of resamples", c.Headline)
	}
}
