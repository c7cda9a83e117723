package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// The latency figure says why a run has no capacity ring: a mock run with
// injected faults (9 % and 6.5 % of its requests failed) had every TTFT
// and TPOT percentile far under the SLO lines and no ring, and its caption
// said only that "rings mark each run's capacity at SLO": a reader saw
// both levels pass with room to spare, while the load-level table further
// down failed both on their error rate.
func TestLatencyFigureSaysWhyNoCapacity(t *testing.T) {
	spec := rendertest.A100()
	spec.Levels = []int{8} // every 20th request fails: 5 %, over the 1 % budget
	root := writeRuns(t, map[string]rendertest.Spec{"faults": spec})
	rep := buildWith(t, []string{filepath.Join(root, "faults")}, report.SLO{TTFT: 10 * time.Second}, nil)
	if rep.Runs[0].Summary.Capacity != nil {
		t.Fatal("the run has a capacity at SLO; the test wants none")
	}
	var caption string
	for _, f := range rep.Plots() {
		if f.Name == "latency-throughput" {
			caption = f.Caption
		}
	}
	want := "No ring for faults: no level met the SLO (level 8: error rate 5.0% > 1.0%)."
	if !strings.Contains(caption, want) {
		t.Errorf("latency figure caption %q; want it to contain %q", caption, want)
	}

	// A run with a capacity, and a report without an SLO, get no such sentence.
	budget := 0.10
	ok := buildWith(t, []string{filepath.Join(root, "faults")}, report.SLO{TTFT: 10 * time.Second, MaxErrorRate: &budget}, nil)
	none := buildWith(t, []string{filepath.Join(root, "faults")}, report.SLO{}, nil)
	for name, r := range map[string]*Report{"error budget 10 %": ok, "no SLO": none} {
		for _, f := range r.Plots() {
			if f.Name == "latency-throughput" && strings.Contains(f.Caption, "No ring") {
				t.Errorf("%s: caption %q says no ring", name, f.Caption)
			}
		}
	}
}

// The summary's priced level says when a run was priced at its
// highest-throughput level because no level met the SLO: the faults run's
// row read "16 (highest-throughput level)", as a run without an SLO's does,
// and the reader took its $/1M for a price at SLO.
func TestSummarySaysNoLevelMetTheSLO(t *testing.T) {
	spec := rendertest.A100()
	spec.Levels = []int{8}
	root := writeRuns(t, map[string]rendertest.Spec{"faults": spec})
	rep := buildWith(t, []string{filepath.Join(root, "faults")}, report.SLO{TTFT: 10 * time.Second}, nil)
	want := "8 (" + report.BasisHighest + ": no level met the SLO)"
	if got := rep.summaryTable().Rows[0][3]; got != want {
		t.Errorf("priced level %q; want %q", got, want)
	}
	none := buildWith(t, []string{filepath.Join(root, "faults")}, report.SLO{}, nil)
	if got := none.summaryTable().Rows[0][3]; strings.Contains(got, "SLO") {
		t.Errorf("without an SLO, priced level %q speaks of one", got)
	}
}

// The verdict names the error budget where it says a run met the SLO at
// no level: a clean run against the faults run (6.5 % failed at its every
// level, every latency far under the thresholds) read "TTFT p95 ≤ 500ms,
// TPOT p95 ≤ 50ms met at no level by faults", as if its latencies had
// missed them.
func TestVerdictNamesTheErrorBudget(t *testing.T) {
	faults, clean := rendertest.A100(), rendertest.H100()
	faults.Levels, clean.Levels, clean.FailEvery = []int{8}, []int{8}, 0
	root := writeRuns(t, map[string]rendertest.Spec{"faults": faults, "clean": clean})
	rep := buildWith(t, []string{filepath.Join(root, "faults"), filepath.Join(root, "clean")}, report.SLO{TTFT: 10 * time.Second}, nil)
	if len(rep.Comparisons) != 1 {
		t.Fatalf("%d comparisons; want 1", len(rep.Comparisons))
	}
	h := rep.Comparisons[0].Headline
	if want := "faults's highest-throughput level 8 (TTFT p95 ≤ 10s with at most 1.0 % of requests failed met at no level)"; !strings.Contains(h, want) {
		t.Errorf("verdict %q; want it to contain %q", h, want)
	}
}
