package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// TestSimulatedMarks: runs made with the mock's GPU telemetry carry the
// SIMULATED mark in the verdict, the title, the summary table's GPU cell,
// every figure (title, caption and image mark) and report.md/html; a
// measured run carries none (issue #20 item 6).
func TestSimulatedMarks(t *testing.T) {
	slo := report.SLO{TTFT: 1e9}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo) // GPUBackend mock
	rep, err := Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Simulated || !strings.HasPrefix(rep.Comparisons[0].Headline, "SIMULATED (h100-sxm, a100-80gb): ") {
		t.Errorf("simulated %v, headline %q", rep.Simulated, rep.Comparisons[0].Headline)
	}
	for _, row := range rep.summaryTable().Rows {
		if !strings.Contains(row[1], "SIMULATED") {
			t.Errorf("summary GPU cell %q lacks SIMULATED", row[1])
		}
	}
	for _, f := range rep.Plots() {
		if f.Mark != "SIMULATED" || !strings.Contains(f.Title, "SIMULATED") || !strings.HasPrefix(f.Caption, "SIMULATED") {
			t.Errorf("figure %s: mark %q, title %q", f.Name, f.Mark, f.Title)
		}
	}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, rep, nil); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"md": md.String(), "html": html.String()} {
		if head := s[:min(len(s), 800)]; !strings.Contains(head, "SIMULATED") {
			t.Errorf("report.%s does not say SIMULATED at its top:\n%s", name, head)
		}
	}

	measured := rendertest.H100()
	measured.GPUName = "" // no telemetry: vllm target, GPU backend none
	dir := writeRuns(t, map[string]rendertest.Spec{"m": measured})
	runs, _, _, err = LoadRuns([]string{dir + "/m"}, slo)
	if err != nil {
		t.Fatal(err)
	}
	rep, err = Build(runs, Options{SLO: slo, Catalog: catalog(t), Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	md.Reset()
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if rep.Simulated || strings.Contains(md.String(), "SIMULATED") {
		t.Errorf("a measured run is marked SIMULATED")
	}
	// No GPU seen: no empty Cost heading, and the reason in words (item 25).
	if strings.Contains(md.String(), "## Cost") || !strings.Contains(md.String(), "no GPU in run.json (a CPU server") {
		t.Errorf("report of a run without a GPU: empty Cost heading or no reason given")
	}
}

// TestSimulatedNoteSaysWhatWasReal: the mock target on a GPU machine (the
// H200 device check of 2026-12-04, gpu_backend smi) has simulated serving
// numbers but a real GPU's name and telemetry; the note said "every number
// and GPU name below comes from a simulation". The mock's telemetry, or
// none, keeps that sentence; a measured run has no note.
func TestSimulatedNoteSaysWhatWasReal(t *testing.T) {
	run := func(label, backend string, simulated bool) RunReport {
		return RunReport{Label: label, Simulated: simulated, Manifest: &rundir.Manifest{GPUBackend: backend, Simulated: simulated}}
	}
	for _, tt := range []struct {
		runs []RunReport
		want string
	}{
		{[]RunReport{run("h200run", "smi", true)}, "SIMULATED: h200run ran against the mock target: its serving numbers are simulated; " +
			"its GPU telemetry was read from real GPUs, which served none of its requests."},
		{[]RunReport{run("a100", "mock", true), run("box", "none", true)}, "SIMULATED: a100, box ran against the mock target or with the mock's GPU telemetry; " +
			"every number and GPU name below comes from a simulation, not from a measurement of that hardware."},
		{[]RunReport{run("a100", "mock", true), run("h200run", "nvml", true), run("real", "nvml", false)}, "SIMULATED: a100 ran against the mock target or with the mock's GPU telemetry; " +
			"every number and GPU name below comes from a simulation, not from a measurement of that hardware; " +
			"h200run ran against the mock target: its serving numbers are simulated; its GPU telemetry was read from real GPUs, which served none of its requests."},
		{[]RunReport{run("real", "nvml", false)}, ""},
	} {
		r := &Report{Runs: tt.runs}
		if got := r.SimulatedNote(); got != tt.want {
			t.Errorf("SimulatedNote:\n%s\nwant\n%s", got, tt.want)
		}
	}
}
