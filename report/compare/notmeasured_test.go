package compare

import (
	"math"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestLevelWithNoSuccessSaysNotMeasured: a candidate whose every request
// failed has no latency; its gated latency rows are "not measured" (they
// were left out, so the table, the Markdown and the JUnit file lost
// them without a word), its error rate regresses, and the JUnit file
// skips the latency cases, saying why.
func TestLevelWithNoSuccessSaysNotMeasured(t *testing.T) {
	b := base()
	b.levels = []float64{8}
	c := b
	c.seed, c.failEvery = 2, 1
	res, err := Compare(RunBaseline(load(t, b)), load(t, c), Options{})
	if err != nil {
		t.Fatal(err)
	}
	gatedLatency := 0
	for name := range res.Thresholds {
		if m, ok := LookupMetric(name); !ok || m.field == noField {
			continue
		}
		gatedLatency++
		r := find(t, res, 8, name)
		if r.Verdict != NotMeasured || !math.IsNaN(r.Candidate) || math.IsNaN(r.Baseline) || !math.IsNaN(r.Change) {
			t.Errorf("%s: %+v; want not measured, the baseline's value, no change", name, r)
		}
	}
	if gatedLatency == 0 {
		t.Fatal("no gated latency metric in the default limits")
	}
	if r := find(t, res, 8, "error_rate"); r.Verdict != Regression {
		t.Errorf("error rate %+v; want a regression", r)
	}
	doc := junitOf(t, res)
	skipped := 0
	for _, c := range doc.Suites[0].Cases {
		if c.Skipped != nil {
			skipped++
		}
	}
	if skipped != gatedLatency || doc.Suites[0].Skipped != gatedLatency {
		t.Errorf("JUnit: %d cases skipped (suite says %d); want %d", skipped, doc.Suites[0].Skipped, gatedLatency)
	}
}

// TestNotMeasuredCountsBaselineRuns: a candidate level with no successful
// request against summaries that have the metric says "not measured" with
// the baseline's median and the number of runs behind it, as a measured
// row would: 3 for the history (50, 52, 54 → 52), 2 for a fixed baseline
// (50, 54 → 52), not newRow's 1.
func TestNotMeasuredCountsBaselineRuns(t *testing.T) {
	c := base()
	c.levels, c.n, c.failEvery = []float64{8}, 50, 1
	cand := load(t, c)
	for _, tt := range []struct {
		sums   []*report.Summary
		method string
	}{
		{[]*report.Summary{summaryWith(50), summaryWith(54), summaryWith(52)}, MethodHistory},
		{[]*report.Summary{summaryWith(50), summaryWith(54)}, MethodFixedBaseline},
	} {
		res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: tt.sums}, cand, Options{Resamples: 50})
		if err != nil {
			t.Fatal(err)
		}
		r := find(t, res, 8, "ttft_p95")
		if r.Verdict != NotMeasured || r.Method != tt.method || r.Baseline != 52 || r.N != len(tt.sums) {
			t.Errorf("%s: %+v; want not measured, baseline 52 over %d runs", tt.method, r, len(tt.sums))
		}
	}
}
