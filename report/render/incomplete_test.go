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
	editManifest(t, path, func(m map[string]any) {
		m["exit_state"], m["exit_reason"] = "interrupted", "interrupted by signal"
	})
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs, _, _, err := LoadRuns([]string{filepath.Join(dir, "stopped")}, slo)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := mdAndHTML(t, rep)
	const want = "stopped did not complete (exit state interrupted: interrupted by signal)"
	for name, s := range out {
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

// A level whose every request failed has no curve in the TTFT and TPOT
// CDFs or the ITL histogram; their captions name it ("one curve per load
// level" read as if it had never run).
func TestDistributionCaptionsNameLevelsWithoutSuccess(t *testing.T) {
	dir := writeRuns(t, map[string]rendertest.Spec{"zerook": rendertest.H100()})
	path := filepath.Join(dir, "zerook", "requests.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for line := range bytes.Lines(b) {
		var r map[string]any
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r["level"] == 2.0 {
			for _, k := range []string{"headers_ns", "first_byte_ns", "first_token_ns", "first_content_ns", "chunks", "finish_reason"} {
				delete(r, k)
			}
			r["ok"], r["status"], r["error_class"], r["error"], r["output_tokens"] = false, 503, "http_5xx", "http 503: overloaded", 0
		}
		line, _ = json.Marshal(r)
		out = append(append(out, line...), '\n')
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	runs, _, _, err := LoadRuns([]string{filepath.Join(dir, "zerook")}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Plots() {
		switch f.Name {
		case "ttft-cdf", "tpot-cdf", "itl-histogram", "latency-throughput", "pareto":
			if !strings.Contains(f.Caption, "no successful request: level 2") && !strings.Contains(f.Caption, "no successful request: zerook level 2") {
				t.Errorf("%s caption does not name level 2, where every request failed: %q", f.Name, f.Caption)
			}
		}
	}
}
