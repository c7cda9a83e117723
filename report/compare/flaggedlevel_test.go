package compare

import (
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestHistoryLevelRunOnceAndFlagged: four earlier runs, only one of which
// ran level 8 (a capacity search's levels differ from night to night), and
// CLIENT-BOUND there. Its flagged run is the level's whole baseline, held
// fixed, as one unflagged run would be; but the level's baseline counted
// all four runs, three without the level, so the history's interval was
// taken of one value, undefined, and level 8 read "within noise" whatever
// the candidate did (TTFT 50 → 65 ms here): the flag made the gate blind
// where the history was thin.
func TestHistoryLevelRunOnceAndFlagged(t *testing.T) {
	at := func(lv, v float64) report.Level {
		return report.Level{Level: lv, Requests: report.Requests{Total: 10, OK: 10}, TTFTMS: report.Dist{N: 10, P50: v, P90: v, P95: v, P99: v}}
	}
	only2 := func(v float64) *report.Summary { return &report.Summary{Levels: []report.Level{at(2, v)}} }
	flagged8 := &report.Summary{Levels: []report.Level{at(2, 50), at(8, 50)}}
	flagged8.Levels[1].Client = &report.ClientLevel{Bound: true, Reasons: []string{"client CPU at 95% of its 2 cores"}}
	c := base()
	c.n, c.ttftMS, c.noiseMS, c.failEvery = 50, 65, 0, 0
	cand := load(t, c)
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: []*report.Summary{only2(50), only2(51), flagged8, only2(49)}}, cand, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if r8 := find(t, res, 8, "ttft_p95"); r8.N != 1 || r8.Method != MethodFixedBaseline || r8.Verdict != Regression {
		t.Errorf("level 8 run once before, flagged: %s over %d runs (%s), interval [%g, %g]; want a regression against that run, held fixed",
			r8.Verdict, r8.N, r8.Method, r8.CILow, r8.CIHigh)
	}
	if r2 := find(t, res, 2, "ttft_p95"); r2.N != 4 || r2.Method != MethodHistory {
		t.Errorf("level 2: %d runs (%s); want all four, by their interval", r2.N, r2.Method)
	}
}
