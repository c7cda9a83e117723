package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A report of a run stopped early (Ctrl-C) says so at its top, before any
// number: it said so only in the "exit" row of the manifest table at its
// end ("interrupted interrupted by signal"), and its summary read as a
// finished run's.
func TestReportSaysRunDidNotComplete(t *testing.T) {
	dir := writeRuns(t, map[string]rendertest.Spec{"stopped": rendertest.H100()})
	path := filepath.Join(dir, "stopped", "run.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["exit_state"], m["exit_reason"] = "interrupted", "interrupted by signal"
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs, _, _, err := LoadRuns([]string{filepath.Join(dir, "stopped")}, slo)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, rep, nil); err != nil {
		t.Fatal(err)
	}
	const want = "stopped did not complete (exit state interrupted: interrupted by signal)"
	for name, s := range map[string]string{"md": md.String(), "html": html.String()} {
		i := strings.Index(s, want)
		if j := strings.Index(s, "Summary</h2>"); name == "html" && (i < 0 || i > j) {
			t.Errorf("report.html does not say %q above its summary", want)
		}
		if j := strings.Index(s, "## Summary"); name == "md" && (i < 0 || i > j) {
			t.Errorf("report.md does not say %q above its summary", want)
		}
		if strings.Contains(s, "interrupted interrupted") {
			t.Errorf("report.%s stutters \"interrupted interrupted\"", name)
		}
	}
}
