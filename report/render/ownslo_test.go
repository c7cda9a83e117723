package render

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// withSLO records slo (a scenario's slo section, JSON) in dir's run.json
// as `run` applied it.
func withSLO(t *testing.T, dir, slo string) {
	t.Helper()
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.Scenario = json.RawMessage(`{"name":"qualify","slo":` + slo + `}`)
	})
}

// summaryJSON is dir/summary.json as the report command left it, and as
// the run's own SLO (its run.json's) judges its records.
func summaryJSON(t *testing.T, dir string) (written, own []byte) {
	t.Helper()
	written, err := os.ReadFile(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, _, err := report.SummarizeRun(dir, report.ManifestSLO(m.Scenario))
	if err != nil {
		t.Fatal(err)
	}
	if own, err = json.MarshalIndent(sum, "", "  "); err != nil {
		t.Fatal(err)
	}
	return written, append(own, '\n')
}

// `report rA rN` judged rN by rA's SLO (TTFT 1s) and wrote that into
// rN/summary.json: rN, which failed its own SLO (TTFT 10ms), then had a
// capacity, and `cost --run rN` priced it "at SLO". `report --slo-tpot
// 10ms rA` likewise took rA's capacity away on disk. A run's summary.json
// is written as its own run.json's SLO judges it; another SLO is for what
// the report prints and writes under --out.
func TestReportKeepsEachRunsOwnSLOInSummary(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"rA": rendertest.A100(), "rN": rendertest.H100()})
	rA, rN := filepath.Join(root, "rA"), filepath.Join(root, "rN")
	withSLO(t, rA, `{"ttft":"1s"}`)
	withSLO(t, rN, `{"ttft":"10ms"}`)

	var stdout bytes.Buffer
	if err := Command([]string{rA, rN}, "", nil, Options{Version: "test", Resamples: 50}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{rA, rN} {
		written, own := summaryJSON(t, dir)
		if !bytes.Equal(written, own) {
			t.Errorf("report %s %s: %s is not the summary by its own run.json's SLO", rA, rN, filepath.Join(dir, rundir.SummaryFile))
		}
	}
	var s report.Summary
	if b, _ := os.ReadFile(filepath.Join(rN, rundir.SummaryFile)); json.Unmarshal(b, &s) != nil || s.Capacity != nil {
		t.Errorf("rN/summary.json capacity %+v; want none (rN failed its own TTFT 10ms)", s.Capacity)
	}
	// The runs' own SLOs differ and the first's judged both: said once.
	out := stdout.String()
	if n := strings.Count(out, "rN's own SLO"); n != 1 {
		t.Errorf("output says %d times that rN's own SLO differs; want once:\n%s", n, out)
	}

	// A what-if SLO is printed, not kept.
	stdout.Reset()
	if err := Command([]string{rA}, "", nil, Options{Version: "test", Resamples: 50, SLO: report.SLO{TPOT: 10 * time.Microsecond}}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	written, own := summaryJSON(t, rA)
	if !bytes.Equal(written, own) {
		t.Errorf("report --slo-tpot 10us rA: rA/summary.json is not the summary by its own SLO")
	}
	if json.Unmarshal(written, &s) != nil || s.Capacity == nil {
		t.Errorf("rA/summary.json capacity %+v; want rA's own (TTFT 1s met)", s.Capacity)
	}
}
