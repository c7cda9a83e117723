package main

import (
	"path/filepath"
	"testing"
	"testing/synctest"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// capacityOn runs a concurrency sweep with bisection against the mock
// engine on the given GPU profile, in virtual time, and returns the summary.
func capacityOn(t *testing.T, gpuProfile string) *report.Summary {
	t.Helper()
	var sum *report.Summary
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(mock.Config{GPU: gpuProfile, Model: "llama-3-8b", MaxSeqs: 64, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		dir := filepath.Join(t.TempDir(), gpuProfile)
		// The interactive-chat scenario's SLO (TTFT p95 ≤ 1 s) and lengths,
		// with fewer requests per level so the test stays short.
		_, stderr, err := runOnPipe(t.Context(), pn, "--scenario", "interactive-chat", "--target", "vllm",
			"--url", "http://mock", "--model", "llama-3-8b", "--sweep", "8,32,64,128", "--requests", "160",
			"--duration", "0s", "--warmup", "4", "--bisect", "3", "--gpu-backend", "none", "--server-metrics", "off",
			"--out", dir, "-q")
		if err != nil {
			t.Fatalf("run on %s: %v\n%s", gpuProfile, err, stderr)
		}
		sum, err = report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
	})
	return sum
}

// TestCapacityA100VsH100 is issue #5's check: the same capacity search at
// the interactive-chat SLO finds a capacity on the A100-80GB profile and a
// higher one on the H100-SXM profile — through the whole pipeline (scenario,
// sweep, bisection, adapter, mock engine), in virtual time. Higher in
// output tokens/s, at a level no lower: both engines run at most 64
// sequences (MaxSeqs), so past 64 a level only queues, and neither
// produces more. (The H100's level 72 won while its rates were spread over
// send→done, which credited its queue wait: 5,702.6 tok/s against the
// 5,418.1 its chunks carried in the window; credited by its chunks,
// report.Credit, 5,405.4 against 5,418.0, under level 64's 5,437.6.)
func TestCapacityA100VsH100(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated sweeps")
	}
	a := capacityOn(t, "a100-80gb")
	h := capacityOn(t, "h100-sxm")
	for name, s := range map[string]*report.Summary{"A100": a, "H100": h} {
		var levels []float64
		for _, l := range s.Levels {
			levels = append(levels, l.Level)
			if l.Requests.Failed != 0 {
				t.Errorf("%s level %g: %d failed (%v)", name, l.Level, l.Requests.Failed, l.Errors)
			}
		}
		t.Logf("%s levels %v capacity %+v", name, levels, s.Capacity)
	}
	if a.Capacity == nil || h.Capacity == nil {
		t.Fatalf("capacity A100 %+v, H100 %+v; want both found", a.Capacity, h.Capacity)
	}
	if h.Capacity.Level < a.Capacity.Level || h.Capacity.OutputTokensPerS <= a.Capacity.OutputTokensPerS {
		t.Errorf("H100 capacity %+v; want above A100's %+v", h.Capacity, a.Capacity)
	}
}
