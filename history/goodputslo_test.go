package history

import (
	"encoding/json"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// withTTFTSLO sets the scenario in run.json to have the SLO TTFT ≤ ttft
// ("30ms"), as a scenario edited between nights does.
func withTTFTSLO(ttft string) func(*rundir.Manifest) {
	return func(m *rundir.Manifest) {
		var sc map[string]any
		_ = json.Unmarshal(m.Scenario, &sc)
		sc["slo"] = map[string]any{"ttft": ttft}
		m.Scenario, _ = json.Marshal(sc)
	}
}

// rowAt returns the row of metric name at level lv of res.
func rowAt(t *testing.T, res *compare.Result, name string, lv float64) compare.Row {
	t.Helper()
	for _, r := range res.Rows {
		if r.Metric == name && r.Level == lv {
			return r
		}
	}
	t.Fatalf("no %s row at level %g", name, lv)
	return compare.Row{}
}

// TestBaselineJudgesGoodputByTheCandidatesSLOOnly: a history:median-of-N
// baseline summarizes its runs again with the candidate's SLO, but a
// candidate with none (its scenario sets no slo: every successful request
// is good) had each run judged by its own scenario's SLO instead. Two
// nights, each of 40 requests, all successful, TTFT 49–51 ms: the first of
// no SLO, the second of TTFT ≤ 30 ms. Judged as the candidate is, by no
// SLO, each night's goodput is its request rate; judged by its own, the
// second's was 0 (no request under 30 ms), and the goodput median was
// half the request rate's: a gate reading the candidate's goodput as
// twice the baseline's.
func TestBaselineJudgesGoodputByTheCandidatesSLOOnly(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	addRun(t, s, dayRun(t, root, "night1", 1, nil))
	addRun(t, s, dayRun(t, root, "night2", 2, withTTFTSLO("30ms")))
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-2", cand)
	if err != nil {
		t.Fatal(err)
	}
	for i, sum := range b.Summaries {
		l := sum.Levels[0]
		if l.GoodputRPS != l.RequestsPerS {
			t.Errorf("baseline run %d of 2: goodput %g req/s of %g req/s, every request successful; want all of them good, by the candidate's SLO (none)", i+1, l.GoodputRPS, l.RequestsPerS)
		}
	}
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	good, rps := rowAt(t, res, "goodput_rps", 4), rowAt(t, res, "requests_per_s", 4)
	if good.Baseline != rps.Baseline || good.N != 2 {
		t.Errorf("baseline goodput %g req/s over %d runs; want the request rate, %g req/s over 2: every request of both nights met the candidate's SLO (none)", good.Baseline, good.N, rps.Baseline)
	}
}
