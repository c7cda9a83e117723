package history

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// A trend plot of runs made against the mock carries the SIMULATED mark,
// as every figure of a report of them does: it drew simulated TTFTs as if
// measured.
func TestTrendPlotMarksSimulatedRuns(t *testing.T) {
	ctx := t.Context()
	for _, simulated := range []bool{false, true} {
		store := filepath.Join(t.TempDir(), "history.db")
		s, err := Open(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		base := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
		for i := range 2 {
			dir := filepath.Join(t.TempDir(), "run")
			writeRun(t, dir, "nightly", 50, base.Add(time.Duration(i)*24*time.Hour), uint64(i))
			if simulated && i == 1 {
				rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
					m.Simulated = true
				})
			}
			e, _, err := NewEntry(dir, report.SLO{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Add(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		out := filepath.Join(t.TempDir(), "trend.svg")
		var stdout bytes.Buffer
		if err := RunTrend(ctx, CommandOptions{Store: store, Metric: "ttft_p95", Out: out}, &stdout, &stdout); err != nil {
			t.Fatal(err)
		}
		svg, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(svg), ">SIMULATED<"); got != simulated {
			t.Errorf("a trend of runs one of which simulated = %v: SIMULATED mark drawn = %v", simulated, got)
		}
	}
}
