package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// reportRuns writes the synthetic A100 and H100 runs and returns their dirs.
func reportRuns(t *testing.T) (a100, h100 string) {
	t.Helper()
	root := t.TempDir()
	a100, h100 = filepath.Join(root, "a100-80gb"), filepath.Join(root, "h100-sxm")
	if err := rendertest.WriteRun(a100, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	if err := rendertest.WriteRun(h100, rendertest.H100()); err != nil {
		t.Fatal(err)
	}
	return a100, h100
}

// report RUN_DIR keeps its behaviour: it recomputes summary.json from the
// records, prints the table, and writes nothing else.
func TestReportOneRunTableAndSummary(t *testing.T) {
	// Not parallel: urfave/cli mutates its package-level HelpFlag on every run.
	a100, _ := reportRuns(t)
	out, _, err := runApp(t, "report", "--slo-ttft", "200ms", a100)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"target  vllm http://127.0.0.1:8000  model llama-3-8b", "level  requests", "capacity at SLO: level 4", "--out DIR"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	sum, err := report.ReadSummary(filepath.Join(a100, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	// The run's scenario sets no SLO: --slo-ttft judges what is printed,
	// not the run's summary.json (`cost --run` would price it at SLO).
	if sum.Capacity != nil || len(sum.Levels) != 4 {
		t.Errorf("summary.json: capacity %+v, %d levels; want none (its run.json sets no SLO) of 4", sum.Capacity, len(sum.Levels))
	}
	if !strings.Contains(out, "own SLO: none; judged here by the command line's (TTFT p95 ≤ 200ms") {
		t.Errorf("stdout does not say the run's own SLO differs from --slo-ttft:\n%s", out)
	}
	for _, f := range []string{render.MarkdownFile, render.HTMLFile, render.PlotsDir} {
		if _, err := os.Stat(filepath.Join(a100, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s written without --out (%v)", f, err)
		}
	}
}

// Two runs with --out give the qualification report and every file.
func TestReportQualificationFiles(t *testing.T) {
	// Not parallel: urfave/cli mutates its package-level HelpFlag on every run.
	a100, h100 := reportRuns(t)
	dir := filepath.Join(t.TempDir(), "qual")
	// --png-dpi 48: a third of the default, so the race detector's slow
	// rasterizing costs less; the figures are checked in report/render.
	out, _, err := runApp(t, "report", "--slo-ttft", "200ms", "--out", dir, "--format", "md,json,csv", "--tokens-per-day", "50000000", "--png-dpi", "48", a100, h100)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "verdict: SIMULATED (h100-sxm, a100-80gb): h100-sxm serves 1.7") || !strings.Contains(out, "report written to "+dir) {
		t.Errorf("stdout lacks the verdict or the report's path:\n%s", out)
	}
	for _, f := range []string{render.MarkdownFile, render.JSONFile, render.CSVFile,
		"plots/latency-throughput.png", "plots/crossover.svg", "plots/timeline.png"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if f, err := os.Open(filepath.Join(dir, "plots/pareto.png")); err == nil {
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 8*48 {
			t.Errorf("pareto.png: %d px wide (%v); want 8 in × 48 dpi = 384", cfg.Width, err)
		}
	}
	// --format picks the files: no HTML asked for, none written.
	if _, err := os.Stat(filepath.Join(dir, render.HTMLFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s written without html in --format (%v)", render.HTMLFile, err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, render.MarkdownFile))
	if !bytes.Contains(md, []byte("# inferbench qualification report: a100-80gb vs h100-sxm")) {
		t.Errorf("report.md is not the qualification report:\n%.300s", md)
	}
	for _, d := range []string{a100, h100} {
		if _, err := os.Stat(filepath.Join(d, rundir.SummaryFile)); err != nil {
			t.Errorf("summary.json not rewritten in %s: %v", d, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, render.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var rep render.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Kind != render.KindQualification || len(rep.Runs) != 2 || len(rep.Comparisons) != 1 || rep.Crossover == nil || rep.Crossover.TokensPerDay != 50e6 {
		t.Errorf("report.json: kind %q, %d runs, %d comparisons, crossover %+v", rep.Kind, len(rep.Runs), len(rep.Comparisons), rep.Crossover)
	}
	if rep.SLO.TTFTMS != 200 || rep.SLO.Source != "flags" {
		t.Errorf("report.json SLO = %+v; want TTFT 200 ms from flags", rep.SLO)
	}
}

func TestReportUsageErrors(t *testing.T) {
	// Not parallel: urfave/cli mutates its package-level HelpFlag on every run.
	a100, _ := reportRuns(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "at least one RUN_DIR"},
		{[]string{"report", a100, "--out", "x"}, "flags must come before"},
		{[]string{"report", "--format", "md,pdf", a100}, `"pdf"`},
		{[]string{"report", "--bootstrap-resamples", "10", a100}, "between 100 and 1000000, got 10"},
		{[]string{"report", "--bootstrap-resamples", "100000000", a100}, "between 100 and 1000000, got 100000000"},
		{[]string{"report", "--png-dpi", "5", a100}, "between 24 and 1200"},
	} {
		_, _, err := runApp(t, tt.args...)
		var ue *cmdline.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("inferbench %s: %v; want a usage error containing %q", strings.Join(tt.args[1:], " "), err, tt.want)
		}
	}
	if _, _, err := runApp(t, "report", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("report of a missing directory succeeded")
	}
}

// TestReportDoesNotWriteThroughLinks: a summary.json that is a link to a
// file elsewhere is replaced by report, never written through; `run --out`
// refuses a dangling requests.jsonl link before any request (issue #17
// item 8; merge creates its directory the same way, rundir.Create).
func TestReportDoesNotWriteThroughLinks(t *testing.T) {
	a100, _ := reportRuns(t)
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	os.Remove(filepath.Join(a100, rundir.SummaryFile))
	if err := os.Symlink(victim, filepath.Join(a100, rundir.SummaryFile)); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runApp(t, "report", a100); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("report wrote through the summary.json link: %q", b)
	}
	for _, args := range [][]string{
		{"run", "--url", "http://127.0.0.1:1", "--model", "m", "--no-probe"},
	} {
		out := t.TempDir()
		elsewhere := filepath.Join(t.TempDir(), "created")
		os.Symlink(elsewhere, filepath.Join(out, rundir.RecordsFile))
		_, stderr, err := runApp(t, append(args, "--out", out)...)
		if err == nil || exitCode(err, io.Discard) != exitUsage {
			t.Errorf("%s with a dangling requests.jsonl link: %v %s; want a refusal", args[0], err, stderr)
		}
		if _, err := os.Lstat(elsewhere); err == nil {
			t.Errorf("%s created the link's target", args[0])
		}
	}
}

// TestReportBoundsTheCrossoverVolume: report's --tokens-per-day and
// --ops-month-usd are bounded as the cost commands' are (cost/bounds.go);
// '--tokens-per-day 1e300' drew the crossover to 1e300 tokens a day and
// wrote API spends of 1.3e+296 USD a month into report.json.
func TestReportBoundsTheCrossoverVolume(t *testing.T) {
	a100, _ := reportRuns(t)
	for _, args := range [][]string{
		{"report", "--tokens-per-day", "1e300", a100},
		{"report", "--tokens-per-day", "0.5", a100},
		{"report", "--tokens-per-day", "0", a100},
		{"report", "--ops-month-usd", "-1", a100},
		{"report", "--ops-month-usd", "1e300", a100},
	} {
		_, _, err := runApp(t, args...)
		if code := exitCode(err, io.Discard); code != exitUsage || !strings.HasPrefix(err.Error(), args[1]+" ") || !strings.HasSuffix(err.Error(), "a typo?") {
			t.Errorf("inferbench %s: %v (exit %d); want exit 2 and the cost commands' words about %s", strings.Join(args[1:3], " "), err, code, args[1])
		}
	}
}

// TestReportSaysTheDefaultVolume: a report whose crossover volume was not
// given says it took the default (report.json's volume_default, the
// Markdown's words), and one given --tokens-per-day 10M, the same number,
// says it was stated. The command filled in the default before the report
// saw it, so a buyer who gave no volume read "the stated volume of 10M
// tokens/day".
func TestReportSaysTheDefaultVolume(t *testing.T) {
	a100, _ := reportRuns(t)
	for _, tc := range []struct {
		args        []string
		wantDefault bool
	}{
		{nil, true},
		{[]string{"--tokens-per-day", "10M"}, false},
	} {
		dir := filepath.Join(t.TempDir(), "r")
		args := append(append([]string{"report", "--out", dir, "--format", "md,json"}, tc.args...), a100)
		if _, stderr, err := runApp(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
		raw, err := os.ReadFile(filepath.Join(dir, render.JSONFile))
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Crossover struct {
				TokensPerDay  float64 `json:"tokens_per_day"`
				VolumeDefault bool    `json:"volume_default"`
			} `json:"crossover"`
		}
		if err := json.Unmarshal(raw, &rep); err != nil {
			t.Fatal(err)
		}
		md, err := os.ReadFile(filepath.Join(dir, render.MarkdownFile))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Crossover.TokensPerDay != 10e6 || rep.Crossover.VolumeDefault != tc.wantDefault ||
			strings.Contains(string(md), "stated volume") == tc.wantDefault {
			t.Errorf("%v: crossover at %g tokens/day, volume_default %v, 'stated volume' in report.md %v; want 1e7, %v, %v",
				tc.args, rep.Crossover.TokensPerDay, rep.Crossover.VolumeDefault, strings.Contains(string(md), "stated volume"), tc.wantDefault, !tc.wantDefault)
		}
	}
}
