package history

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestBaselineLeavesOutGoodputJudgedByAnotherSLO: a run whose directory
// is gone gives the baseline its summary as stored, its goodput judged by
// the SLO of its own scenario when it was added, which need not be the
// candidate's: the goodput median mixed two SLOs. Three nights, each of 40
// requests, all successful, TTFT 49–51 ms, and a candidate of TTFT ≤ 1 s:
// night 1 of TTFT ≤ 1 s, its directory there, judged again: every request
// good, goodput its request rate r1; night 2 stored under TTFT ≤ 30 ms,
// no request good, goodput 0, its directory gone; night 3 stored under
// TTFT ≤ 1 s, goodput its request rate r3, its directory gone. The median
// of all three mixed two SLOs (r1, 0, r3); of one, it is (r1 + r3) / 2
// over 2 runs: night 2's goodput is left out, said in a warning, its
// latencies and request rate kept (over 3).
func TestBaselineLeavesOutGoodputJudgedByAnotherSLO(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	addRun(t, s, dayRun(t, root, "night1", 1, withTTFTSLO("1s")))
	// In order, so night 2 is #2 and night 3 is #3 (a map's order is random).
	for _, n := range []struct {
		day int
		slo string
	}{{2, "30ms"}, {3, "1s"}} {
		gone := dayRun(t, root, fmt.Sprintf("night%d", n.day), n.day, withTTFTSLO(n.slo))
		addRun(t, s, gone)
		if err := os.RemoveAll(gone); err != nil {
			t.Fatal(err)
		}
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, withTTFTSLO("1s")), report.SLO{TTFT: time.Second}) // its scenario's, as the gate judges it
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: night 3, 2, 1.
	r3, r1 := b.Summaries[0].Levels[0].RequestsPerS, b.Summaries[2].Levels[0].RequestsPerS
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	good, rps := rowAt(t, res, "goodput_rps", 4), rowAt(t, res, "requests_per_s", 4)
	if want := (r1 + r3) / 2; good.N != 2 || math.Abs(good.Baseline-want) > 1e-9*want {
		t.Errorf("baseline goodput %g req/s over %d runs; want %g over 2, the median of nights 1 and 3 (%g, %g: every request under 1 s): night 2's goodput (0, under 30 ms) is of another SLO", good.Baseline, good.N, want, r1, r3)
	}
	if rps.N != 3 {
		t.Errorf("baseline request rate over %d runs; want 3: night 2's other numbers stand", rps.N)
	}
	w := strings.Join(res.Warnings, "\n")
	if !strings.Contains(w, "#2's goodput is left out") || !strings.Contains(w, "TTFT ≤ 30ms") || strings.Contains(w, "#3's goodput") {
		t.Errorf("warnings:\n%s\nwant one saying #2's goodput (judged under TTFT ≤ 30ms) is left out, and none of #3's", w)
	}
}

// TestOneRunBaselineJudgesGoodputByTheCandidatesSLO: a baseline of one run
// (history:latest, history:ID, or a run directory) is loaded request by
// request with the candidate's SLO, but a candidate of none had the
// baseline judged by its own scenario's SLO (compare.LoadRun took a zero
// SLO for the scenario's). A night of 40 successful requests at TTFT
// 49–51 ms, its scenario TTFT ≤ 30 ms, against a candidate of no SLO:
// baseline goodput 0 against a candidate's equal to its request rate.
// Judged as the candidate is, every request is good: the baseline's
// goodput is its request rate.
func TestOneRunBaselineJudgesGoodputByTheCandidatesSLO(t *testing.T) {
	store, root := filepath.Join(t.TempDir(), "h.db"), t.TempDir()
	night := dayRun(t, root, "night1", 1, withTTFTSLO("30ms"))
	addRun(t, openStore(t, store), night)
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	for _, baseline := range []string{"history:latest", "history:1", night} {
		b, err := ResolveBaseline(t.Context(), store, baseline, cand)
		if err != nil {
			t.Fatal(err)
		}
		if b.Run == nil {
			t.Fatalf("%s: baseline of summaries (%s); want the run, request by request", baseline, b.Label)
		}
		res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
		if err != nil {
			t.Fatal(err)
		}
		good, rps := rowAt(t, res, "goodput_rps", 4), rowAt(t, res, "requests_per_s", 4)
		if good.Baseline != rps.Baseline {
			t.Errorf("%s: baseline goodput %g req/s; want its request rate, %g: every request met the candidate's SLO (none)", baseline, good.Baseline, rps.Baseline)
		}
	}
}
