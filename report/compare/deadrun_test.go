package compare

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestHistoryLeavesOutRunsThatAllFailed: an earlier run in which every
// request failed at a level (the server was down, a key expired: its
// error rate 100 %, its throughput 0, no latency at all) was part of the
// history's baseline like any other. The error rate of a healthy history
// is 0 in every run, so the outlier rule (MAD 0: nothing left out) kept
// the dead night, and the interval it widened let a candidate with half
// its requests failing pass: error rate +50 pt, interval [+0 pt, +135 pt],
// "within noise", exit 0 (measured with the mock: six healthy nightly runs
// and one with --fault-rate 500=1 in the history, then 52 % of the
// requests failing passed). The first night's path of README's script
// lets such a run in: compare --allow-empty-baseline passes it, and
// history add adds it. At that level such runs are left out while others
// remain, and a warning counts them.
func TestHistoryLeavesOutRunsThatAllFailed(t *testing.T) {
	healthy := func(v float64) *report.Summary {
		s := summaryWith(v)
		s.Levels[0].OutputTokensPerS = 700
		return s
	}
	dead := &report.Summary{Levels: []report.Level{{Level: 8, Requests: report.Requests{Total: 50, Failed: 50}}}}
	sums := []*report.Summary{healthy(50), healthy(51), healthy(49), healthy(50.5), healthy(49.5), healthy(50), dead}
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, 50, 0, 2
	cand := load(t, c)
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, res, 8, "error_rate"); r.Verdict != Regression || r.N != 6 {
		t.Errorf("half the requests failing against six healthy runs and one that all failed: error rate %s over %d runs, interval [%g, %g]; want a regression over the six",
			r.Verdict, r.N, r.CILow, r.CIHigh)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "level 8: 1 of 7 earlier runs left out of the baseline: every request failed") {
		t.Errorf("warnings %q; want one counting the run left out", res.Warnings)
	}
	// A history of dead runs only is still the baseline.
	res, err = Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: []*report.Summary{dead, dead, dead}}, cand, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, res, 8, "error_rate"); r.N != 3 {
		t.Errorf("against three runs that all failed: error rate over %d runs; want the three", r.N)
	}
}

// TestHistoryLeavesOutOneNightOfErrors: one earlier night with 30 % of its
// requests failed among six with none (README's first night passes with
// --allow-empty-baseline and is added) kept its place in the error rate's
// interval, as the MAD of six zeros and 0.3 is 0 and the outlier rule left
// nothing out then: a candidate with 20 % failing passed, error rate
// +20 pt, interval [+0 pt, +48 pt] (measured on the mock: 21 % passed).
// The night is an outlier by the mean absolute deviation, left out, and
// the candidate regresses.
func TestHistoryLeavesOutOneNightOfErrors(t *testing.T) {
	night := func(failed int) *report.Summary {
		s := summaryWith(50)
		s.Levels[0].Requests = report.Requests{Total: 100, OK: 100 - failed, Failed: failed}
		return s
	}
	sums := []*report.Summary{night(0), night(0), night(0), night(30), night(0), night(0), night(0)}
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, 50, 0, 5
	cand := load(t, c)
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, res, 8, "error_rate"); r.Verdict != Regression || len(r.Outliers) != 1 {
		t.Errorf("20 %% failing against six nights of none and one of 30 %%: error rate %s, interval [%g, %g], outliers %v; want a regression, the 30 %% night left out",
			r.Verdict, r.CILow, r.CIHigh, r.Outliers)
	}
}
