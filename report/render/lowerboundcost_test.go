package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A run priced at a capacity that is a lower bound (its highest level met
// the SLO) says so where it is priced: the demo's h100-sxm, capacity at
// level 128 of 128, read "cost per GPU offer at level 128 (capacity at SLO,
// 5891.3 output tok/s …)" and the cost figure "h100-sxm: level 128,
// capacity at SLO", while the summary table called it a lower bound. A
// lower-bound capacity makes its $/1M an upper bound (the GPU may serve
// more), and a procurement reader reads the cost section alone.
func TestCostSaysLowerBound(t *testing.T) {
	spec := rendertest.H100()
	spec.FailEvery = 0
	root := writeRuns(t, map[string]rendertest.Spec{"h100": spec})
	rep := buildWith(t, []string{filepath.Join(root, "h100")}, report.SLO{TTFT: 10 * time.Second}, nil)
	if c := rep.Runs[0].Summary.Capacity; c == nil || !c.LowerBound {
		t.Fatalf("capacity %+v; the test wants a lower bound", c)
	}
	ct, ok := rep.costTable(0)
	if !ok {
		t.Fatal("no cost table")
	}
	if want := "(capacity at SLO, a lower bound: the highest level run met the SLO, "; !strings.Contains(ct.Title, want) {
		t.Errorf("cost table title %q; want it to contain %q", ct.Title, want)
	}
	if !strings.Contains(strings.Join(ct.Notes, "\n"), "an upper bound") {
		t.Errorf("cost table notes %q; want one saying the $/1M is an upper bound", ct.Notes)
	}
	var caption string
	for _, f := range rep.Plots() {
		if f.Name == "cost" {
			caption = f.Caption
		}
	}
	if want := "h100: level 8, capacity at SLO, a lower bound"; !strings.Contains(caption, want) {
		t.Errorf("cost figure caption %q; want it to contain %q", caption, want)
	}

	runs, slo, _, err := LoadRuns([]string{filepath.Join(root, "h100")}, report.SLO{TTFT: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err = Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100, TokensPerDay: 1e8}); err != nil {
		t.Fatal(err)
	}
	// Its break-even utilization too (the volume over a capacity that may
	// be larger): the table's last column, which the note left out.
	if xt, ok := rep.crossoverTable(); !ok || !strings.Contains(strings.Join(xt.Notes, "\n"), "h100: its capacity at SLO (level 8) is a lower bound, so its GPUs needed, self-hosted monthly, break-even volume and break-even utilization are upper bounds") {
		t.Errorf("crossover notes %q (table %v); want the h100's capacity called a lower bound", xt.Notes, ok)
	}

	for _, f := range rep.Plots() {
		if f.Name == "crossover" && !strings.Contains(f.Caption, "The capacity of h100 is a lower bound") {
			t.Errorf("crossover caption %q; want the h100's capacity called a lower bound", f.Caption)
		}
	}

	// A capacity below the highest level is no bound, and is not called one.
	spec.Levels = []int{1, 2, 4, 8}
	spec.FailEvery = 20
	root = writeRuns(t, map[string]rendertest.Spec{"h100": spec})
	rep = buildWith(t, []string{filepath.Join(root, "h100")}, report.SLO{TTFT: 10 * time.Second}, nil)
	if c := rep.Runs[0].Summary.Capacity; c == nil || c.LowerBound {
		t.Fatalf("capacity %+v; the test wants one below the highest level", c)
	}
	if ct, _ := rep.costTable(0); strings.Contains(ct.Title, "lower bound") {
		t.Errorf("cost table title %q calls a capacity under the highest level a lower bound", ct.Title)
	}
}
