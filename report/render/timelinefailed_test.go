package render

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// The timeline's failures per second count every failed record, binned at
// its end: their integral over the run is the number that failed (the
// rendertest run's highest level fails every 20th of its 40 requests: 2).
// A run where none failed has the series at 0 (the figure leaves the panel
// out when every run's is).
func TestTimelineCountsFailures(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100()})
	r, err := LoadRun(filepath.Join(root, "a100"), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	var failed int
	for _, l := range r.Summary.Levels {
		failed += l.Requests.Failed
	}
	if failed == 0 {
		t.Fatal("the test run has no failure")
	}
	var sum float64
	for _, p := range r.timeline.Series[plot.FailedPerS] {
		sum += p.V * r.timeline.BinS
	}
	if math.Abs(sum-float64(failed)) > 1e-9 {
		t.Errorf("failures on the timeline integrate to %g; %d measured requests failed", sum, failed)
	}

	clean := &Run{levels: map[float64]*levelData{}}
	var tl timelineAcc
	clean.addRecord(&rundir.Record{SentNS: 0, DoneNS: 1e9, OK: true, Chunks: [][2]int64{{5e8, 1}}}, &tl)
	clean.finishTimeline(&tl)
	s, ok := clean.timeline.Series[plot.FailedPerS]
	if !ok {
		t.Error("a run where nothing failed has no failure series: beside a run where some did, it is left out, not drawn at 0")
	}
	for _, p := range s {
		if p.V != 0 {
			t.Errorf("a run where nothing failed has failures on its timeline: %v", s)
			break
		}
	}
}
