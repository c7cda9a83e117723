package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// engineRun runs `run ARGS…` against the mock engine's A100 profile (64
// sequences) in virtual time at the interactive-chat scenario's SLO (TTFT
// p95 ≤ 1 s) and lengths, and returns summary.json and the log.
func engineRun(t *testing.T, args ...string) (*report.Summary, string) {
	t.Helper()
	var (
		sum    *report.Summary
		stderr string
	)
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(mock.Config{GPU: "a100-80gb", Model: "llama-3-8b", MaxSeqs: 64, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		dir := filepath.Join(t.TempDir(), "run")
		base := []string{"--scenario", "interactive-chat", "--target", "vllm", "--url", "http://mock", "--model", "llama-3-8b",
			"--duration", "0s", "--warmup", "4", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q"}
		_, stderr, err = runOnPipe(t.Context(), pn, append(base, args...)...)
		if err != nil && !strings.Contains(err.Error(), "no level met") {
			t.Fatalf("run %v: %v\n%s", args, err, stderr)
		}
		if sum, err = report.ReadSummary(filepath.Join(dir, rundir.SummaryFile)); err != nil {
			t.Fatal(err)
		}
	})
	return sum, stderr
}

// TestAdaptiveSearchBracketsKnee: the adaptive capacity search on the mock
// engine (climb 16 → 128 until a level fails, then 3 bisections, each
// level stopped by its decision) ends with a bracket [pass, fail] one
// bisection step wide around the engine's 64 sequences (64 fit, more
// queue); long fixed runs (400 requests) at both ends confirm
// it holds the knee: the pass level meets TTFT p95 ≤ 1 s and the fail
// level does not.
func TestAdaptiveSearchBracketsKnee(t *testing.T) {
	if testing.Short() {
		t.Skip("simulated capacity search")
	}
	sum, stderr := engineRun(t, "--sweep", "16,32,64,128", "--requests", "300", "--bisect", "3",
		"--precision", "5%", "--search", "--max-requests", "400")
	a := sum.Adaptive
	if a == nil || a.Capacity == nil || !a.Search {
		t.Fatalf("summary.json adaptive %+v; want a capacity search\n%s", a, stderr)
	}
	c := a.Capacity
	t.Logf("bracket [%g, %g], certain [%g, %g], best level %g; %d levels\n%s", c.Pass, c.Fail, c.CertainPass, c.CertainFail,
		c.Level, len(a.Levels), stderr)
	if !c.Found || c.Fail == 0 || c.Pass < 64 || c.Fail-c.Pass > 8 {
		t.Fatalf("bracket [%g, %g]; want one found above 64, at most 8 wide (64 → 128, three halvings)", c.Pass, c.Fail)
	}
	check, _ := engineRun(t, "--sweep", fmt.Sprintf("%g,%g", c.Pass, c.Fail), "--requests", "400")
	slo := report.SLO{TTFT: time.Second, Percentile: 95}
	for i := range check.Levels {
		l := &check.Levels[i]
		if l.Level != c.Pass && l.Level != c.Fail {
			continue
		}
		if met, _ := report.MeetsSLO(l, slo); met != (l.Level == c.Pass) {
			t.Errorf("level %g over 400 requests: TTFT p95 %.0f ms, meets the SLO %v; want %v", l.Level, l.TTFTMS.P95, met, !met)
		}
	}
	if sp := a.Spend; sp.Levels[0].Level != 16 || len(sp.Levels) != len(a.Levels) {
		t.Errorf("spend levels %+v; want the levels run, from 16", sp.Levels)
	}
}

// TestParsePrecision: a fraction or a percentage; 0 is off; anything else
// is refused with what is wanted.
func TestParsePrecision(t *testing.T) {
	for in, want := range map[string]float64{"0.05": 0.05, "5%": 0.05, " 2.5% ": 0.025, "0": 0, "0%": 0} {
		if got, err := parsePrecision(in); err != nil || math.Abs(got-want) > 1e-15 {
			t.Errorf("parsePrecision(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "five", "1", "100%", "-0.1", "NaN", "Inf", "5%%"} {
		if got, err := parsePrecision(in); err == nil {
			t.Errorf("parsePrecision(%q) = %v; want an error", in, got)
		}
	}
}

// TestAdaptiveFlagErrors: mistakes in the adaptive flags (or in a scenario's
// load.adaptive, located file:line:col) are one-line usage errors, exit 2,
// before any request.
func TestAdaptiveFlagErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: a\nload:\n  sweep: [1, 2, 4]\n  adaptive: {precision: 0.05, search: true, start: 3}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	typo := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(typo, []byte("name: a\nload:\n  concurrency: 2\n  adaptive:\n    precison: 0.05\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"run", "--url", "http://127.0.0.1:1", "--model", "m", "--out", filepath.Join(dir, "out")}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--precision", "7"}, "--precision: want a precision between 0 and 1"},
		{[]string{"--precision", "abc"}, "--precision: want a fraction such as 0.05"},
		{[]string{"--min-requests", "20"}, "--min-requests applies only with --precision above 0"},
		{[]string{"--precision", "0", "--search"}, "--search applies only with --precision above 0"},
		{[]string{"--precision", "5%", "--search"}, "--search: needs levels to search"},
		{[]string{"--precision", "5%", "--min-requests", "300", "--max-requests", "100"}, "load.adaptive.max_requests: must be at least min_requests (300), got 100"},
		{[]string{"--scenario", bad}, "bad.yaml:4:52: load.adaptive.start: must be one of the levels [1 2 4], got 3"},
		{[]string{"--scenario", typo}, "typo.yaml:5:5"},
	} {
		var stdout, stderr bytes.Buffer
		err := runArgs(t.Context(), newApp(&stdout, &stderr), append(append([]string{"inferbench"}, base...), tt.args...))
		code := exitCode(err, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tt.want) || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("run %s: exit %d, stderr %q; want exit 2 and one line with %q", strings.Join(tt.args, " "), code, stderr.String(), tt.want)
		}
	}
}
