package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestSummarizeOwnJudgesAsAlone: SummarizeOwn summarizes the records once
// and judges them by two SLOs (goodput, over the window and the steady
// state with its warm-ups, and capacity); each of its two summaries is
// the one Summarize makes by that SLO alone, in every field summary.json
// holds (telemetry included).
func TestSummarizeOwnJudgesAsAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	// The run's own SLO judges TPOT at p50, the report's TTFT at p95: the
	// levels' goodputs and the capacities differ.
	own := report.SLO{TPOT: 30 * time.Millisecond, Percentile: 50}
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.Scenario = json.RawMessage(`{"name":"qualify","slo":{"tpot":"30ms","percentile":50}}`)
	})
	asked := report.SLO{TTFT: 100 * time.Millisecond}

	alone := func(slo report.SLO) []byte {
		rd, err := rundir.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := report.Summarize(rd, slo, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(sum, "", " ")
		return b
	}
	rd, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, ownSum, mine, err := report.SummarizeOwn(rd, asked, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !report.SameSLO(mine, own) {
		t.Errorf("SummarizeOwn's own SLO %+v; want run.json's, %+v", mine, own)
	}
	differ := false
	for i, l := range sum.Levels {
		if l.GoodputRPS != ownSum.Levels[i].GoodputRPS && l.GoodputRPS > 0 && ownSum.Levels[i].GoodputRPS > 0 {
			differ = true
		}
		if l.Steady == nil {
			t.Errorf("level %g has no steady state; the test wants its goodput over one", l.Level)
		}
	}
	if !differ {
		t.Fatalf("no level's goodput differs between %s and %s; the test judges nothing", asked.Bounds(), own.Bounds())
	}
	for _, c := range []struct {
		name string
		got  *report.Summary
		slo  report.SLO
	}{{"sum", sum, asked}, {"own", ownSum, own}} {
		got, _ := json.MarshalIndent(c.got, "", " ")
		if want := alone(c.slo); !bytes.Equal(got, want) {
			t.Errorf("SummarizeOwn's %s is not the summary by %s alone:\n%s\nwant\n%s", c.name, c.slo.Bounds(), got, want)
		}
	}
}
