package render

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// The summary table says when requests failed at the level a run is
// priced at: without an SLO a run is priced at its highest-throughput
// level, and a mock run with 30 % of its requests failed (500s and cut
// streams) was priced at $1.687 per 1M output tokens with nothing beside
// the price to say so but the load-level table further down.
func TestSummaryNamesFailuresAtThePricedLevel(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": rendertest.A100()})
	st := buildWith(t, []string{filepath.Join(root, "a100-80gb")}, report.SLO{}, nil).summaryTable()
	want := "a100-80gb: 2 of 40 measured requests failed at its priced level, 8 (5.0 %); its tok/s and $/1M are of the requests that succeeded"
	if !slices.Contains(st.Notes, want) {
		t.Errorf("summary notes %q; want %q", st.Notes, want)
	}
	rep, _ := goldenReport(t, "qualification") // priced at capacity, where none failed
	for _, n := range rep.summaryTable().Notes {
		if strings.Contains(n, "failed at its priced level") {
			t.Errorf("note %q for a run with no failure at its priced level", n)
		}
	}
}

// A run whose every measured request failed says so in the summary: its
// row read "none" and "-" in every column, and the 40 failures of its one
// level were in the load-level table further down alone.
func TestSummaryNamesARunThatOnlyFailed(t *testing.T) {
	spec := rendertest.A100()
	spec.Levels, spec.FailEvery = []int{4}, 1
	root := writeRuns(t, map[string]rendertest.Spec{"allfail": spec})
	st := buildWith(t, []string{filepath.Join(root, "allfail")}, report.SLO{}, nil).summaryTable()
	want := "allfail: every measured request failed (40 of 40), so no level is priced"
	if !slices.Contains(st.Notes, want) {
		t.Errorf("summary notes %q; want %q", st.Notes, want)
	}
}
