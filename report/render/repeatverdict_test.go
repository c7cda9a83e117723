package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// The verdict with repeats: the advice to run each side again is not
// given where reruns of both sides were (grouping.reruns; the verdicts
// themselves: TestRepeatedRunsGrouping); an across-runs ratio of setups priced
// on different bases, or of different models, says it is not like for
// like; two repeats are not called unlike for their seeds.
func TestRepeatedRunsVerdict(t *testing.T) {
	t.Parallel()
	mk := func(label, model, basis string, v float64) RunReport {
		return RunReport{Label: label, Summary: &report.Summary{}, Manifest: &rundir.Manifest{Target: rundir.TargetInfo{Model: model}},
			Priced: &PricedInfo{Level: 4, Basis: basis, OutputTokensPerS: v}}
	}
	verdict := "b serves 3.00× [2.98–3.02] the output tokens/s of a, significant at 95 % over these runs' requests (p = 0.001" + rerunAdvice + ")."
	rr := []RunReport{mk("a", "m", report.BasisCapacity, 100), mk("a-2", "m", report.BasisCapacity, 110),
		mk("b", "m", report.BasisCapacity, 300), mk("b-2", "m", report.BasisCapacity, 310)}
	for _, c := range []struct {
		setups [][]int
		i, j   int
		want   bool
	}{
		{[][]int{{0, 1}, {2, 3}}, 0, 2, true},
		{[][]int{{0, 1}, {2}}, 0, 2, false},
		{[][]int{{0}, {2, 3}}, 0, 2, false},
		{[][]int{{0, 1}, {2, 3}}, 0, 1, false},
		{[][]int{{0, 1}, {2, 3}}, 0, 3, false},
	} {
		if got := (grouping{setups: c.setups}).reruns(c.i, c.j); got != c.want {
			t.Errorf("setups %v: reruns(%d, %d) = %v; want %v", c.setups, c.i, c.j, got, c.want)
		}
	}
	comps := []Comparison{{Baseline: "a", Candidate: "b", Headline: verdict}}
	repeatedRuns(grouping{setups: [][]int{{0, 1}, {2, 3}}}, rr, comps)
	if strings.Contains(comps[0].Headline, "like-for-like") {
		t.Errorf("like setups called unlike: %q", comps[0].Headline)
	}
	rr[2], rr[3] = mk("b", "m2", report.BasisHighest, 300), mk("b-2", "m2", report.BasisHighest, 310)
	comps = []Comparison{{Baseline: "a", Candidate: "b", Headline: verdict}}
	sec := repeatedRuns(grouping{setups: [][]int{{0, 1}, {2, 3}}}, rr, comps)
	// The models' difference is the pair's verdict's (fairness), not said
	// again, reversed, by the ratio.
	want := "Not a like-for-like ratio: priced on different bases (b's runs at highest-throughput level, a's at capacity at SLO)."
	if !strings.Contains(comps[0].Headline, want) || len(sec.Ratios[0].Unlike) != 1 {
		t.Errorf("unlike setups: %q, %+v; want %q", comps[0].Headline, sec.Ratios[0], want)
	}

	a2 := rendertest.A100()
	a2.Seed, a2.Start = 11, a2.Start.Add(2*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "a100-2": a2})
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 3)
	rep := buildRepeats(t, root, "a100", "a100-2")
	c := rep.Comparisons[0]
	if strings.Contains(c.Headline, "workload.seed") || len(c.Unfair) != 0 || !strings.Contains(c.Headline, "runs of one setup") {
		t.Errorf("two repeats: unfair %q, verdict %q; want no seed unfairness", c.Unfair, c.Headline)
	}
}
