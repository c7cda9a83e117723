package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// TestVLLMExportTakesBoundedCounts: a record whose server said 1 output
// token for the events it streamed is counted by its events in the
// summary (rundir.Record.BoundOutputTokens), and the vLLM export's
// total_output_tokens is the summary's output tokens, whether the export
// was collected with the summary (WithVLLMExport) or read again. It read
// requests.jsonl again and took the server's 1.
func TestVLLMExportTakesBoundedCounts(t *testing.T) {
	dir := filepath.Join(writeRuns(t, map[string]rendertest.Spec{"a": rendertest.A100()}), "a")
	lying(t, dir)
	for _, opts := range [][]LoadOption{{WithVLLMExport()}, nil} {
		run, err := LoadRun(dir, report.SLO{}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		if _, err := writeVLLMRun(out, run, "test", nil); err != nil {
			t.Fatal(err)
		}
		for _, l := range run.Summary.Levels {
			if l.Level == 1 && l.OutputTokensSource[rundir.SourceEvents] != 1 {
				t.Fatalf("level 1's sources %v; want one bounded by its events", l.OutputTokensSource)
			}
			b, err := os.ReadFile(filepath.Join(out, "a-"+strconv.FormatFloat(l.Level, 'f', -1, 64)+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				Total int64 `json:"total_output_tokens"`
			}
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			if v.Total != l.OutputTokens {
				t.Errorf("collected %v: level %g: export's total_output_tokens %d; summary's output tokens %d", opts != nil, l.Level, v.Total, l.OutputTokens)
			}
		}
	}
}

// lying rewrites dir's requests.jsonl with the first successful measured
// request of level 1 counted 1 output token by its server.
func lying(t *testing.T, dir string) {
	t.Helper()
	rd, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var recs []rundir.Record
	done := false
	for r, err := range rd.Records() {
		if err != nil {
			t.Fatal(err)
		}
		c := *r
		c.Chunks = append([][2]int64(nil), r.Chunks...)
		if !done && c.Level == 1 && c.Stage == rundir.StageMeasure && c.OK && len(c.Chunks) > 1 {
			c.OutputTokens, c.OutputTokensSource, done = 1, rundir.SourceServer, true
		}
		recs = append(recs, c)
	}
	if !done {
		t.Fatal("no successful measured request at level 1")
	}
	if err := os.Remove(filepath.Join(dir, rundir.RecordsFile)); err != nil {
		t.Fatal(err)
	}
	w, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
