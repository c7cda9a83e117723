package render

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// The adaptive table says what its intervals are of, and what "…" means:
// in the demo's A100 run level 56 read "TTFT p95 1180 ms [1085, …]" there
// and 1146 in the load-level table above it (the level stopped at 128
// completed requests; 22 more were in flight and finished after), with
// nothing to say why the two differ or that "…" is an end the data could
// not bound.
func TestAdaptiveTableExplainsItsIntervals(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100()})
	lo, hi := 1085.0, 1574.0
	rep := buildWith(t, []string{filepath.Join(root, "a100")}, report.SLO{TTFT: time.Second}, func(runs []*Run) {
		runs[0].Summary.Adaptive = &rundir.Adaptive{Precision: 0.05, Confidence: 0.95, Levels: []rundir.AdaptiveLevel{
			{Level: 4, Reason: "verdict certain", Verdict: "fail", Certain: true, N: 128, Judged: 114,
				Intervals: []rundir.Interval{{Name: "TTFT p95", Value: 1180, Lo: &lo, N: 114}}},
			{Level: 8, Reason: "verdict certain", Verdict: "fail", Certain: true, N: 146, Judged: 134,
				Intervals: []rundir.Interval{{Name: "TTFT p95", Value: 1472, Lo: &lo, Hi: &hi, N: 134}}},
		}}
	})
	tab, ok := rep.adaptiveTable(0)
	if !ok {
		t.Fatal("no adaptive table")
	}
	for _, want := range []string{"when the level stopped", "the load-level table", "…: an end"} {
		if !slices.ContainsFunc(tab.Notes, func(n string) bool { return strings.Contains(n, want) }) {
			t.Errorf("adaptive table notes %q; want one saying %q", tab.Notes, want)
		}
	}
}
