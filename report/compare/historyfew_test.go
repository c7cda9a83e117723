package compare

import (
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestHistoryMetricOfFewRunsIsHeldFixed: a level three earlier runs have,
// whose TPOT only one of them measured, is gated on TPOT against that run
// held fixed (the candidate's requests bootstrapped), as a level only one
// or two runs have is: the history's interval of one value is undefined,
// and the row read "within noise" whatever the candidate did (TPOT twice
// the baseline's passed). TTFT, which all three have, keeps the history's
// interval.
func TestHistoryMetricOfFewRunsIsHeldFixed(t *testing.T) {
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, 52, 0, 0
	cand := load(t, c)
	m, _ := LookupMetric("tpot_p95")
	tpot, ok := m.Value(&cand.Summary.Levels[0])
	if !ok || tpot <= 0 {
		t.Fatalf("candidate TPOT p95 %v, %v; want one", tpot, ok)
	}
	sums := []*report.Summary{summaryWith(50), summaryWith(52), summaryWith(54)}
	half := tpot / 2
	sums[2].Levels[0].TPOTMS = report.Dist{N: 10, P50: half, P90: half, P95: half, P99: half}
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := find(t, res, 8, "tpot_p95")
	if r.Method != MethodFixedBaseline || r.N != 1 || r.Baseline != half || r.Verdict != Regression {
		t.Errorf("tpot_p95 of one earlier run: %+v; want it held fixed (%s, 1 run, baseline %g) and a regression", r, MethodFixedBaseline, half)
	}
	if r := find(t, res, 8, "ttft_p95"); r.Method != MethodHistory || r.N != 3 {
		t.Errorf("ttft_p95 of three runs: %+v; want the history's interval", r)
	}
}
