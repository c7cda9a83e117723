package render

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A --gpu that the run's own telemetry contradicts is refused, naming both:
// an outside QA pass gave `report --gpu h100-sxm --gpu a100-80gb rA rH`
// (the flags in the other order than the runs) and the A100 run was priced
// as an H100 and the H100 run as an A100, with a warning only ("$0.166 vs
// $1.071" against the true $0.333 vs $0.534). A run whose telemetry
// recorded no GPU still takes the stated one.
func TestStatedGPUContradictedByTelemetryIsRefused(t *testing.T) {
	a, h := rendertest.A100(), rendertest.H100()
	root := writeRuns(t, map[string]rendertest.Spec{"rA": a, "rH": h})
	dirs := []string{filepath.Join(root, "rA"), filepath.Join(root, "rH")}
	for _, tc := range []struct {
		stated []string
		refuse bool
	}{
		{[]string{"h100-sxm", "a100-80gb"}, true},  // transposed
		{[]string{"h100-sxm"}, true},               // once, for both: the A100's is wrong
		{[]string{"a100-80gb", "h100-sxm"}, false}, // as telemetry saw them
		{nil, false},
	} {
		runs, slo, src, err := LoadRuns(dirs, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), GPUStated: tc.stated, Version: "test", Resamples: 50})
		if !tc.refuse {
			if err != nil {
				t.Errorf("--gpu %v: %v; want the runs priced", tc.stated, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("--gpu %v: priced; want a refusal (telemetry saw another GPU)", tc.stated)
			continue
		}
		if !errors.Is(err, cost.ErrQuote) || !strings.Contains(err.Error(), "h100-sxm") || !strings.Contains(err.Error(), "a100-80gb") || !strings.Contains(err.Error(), "rA") {
			t.Errorf("--gpu %v: %q; want an input error naming both GPUs and the run", tc.stated, err)
		}
	}

	// Telemetry off: the stated GPU is the only word, and is priced.
	off := rendertest.A100()
	off.GPUName = ""
	root = writeRuns(t, map[string]rendertest.Spec{"rO": off})
	runs, slo, src, err := LoadRuns([]string{filepath.Join(root, "rO")}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), GPUStated: []string{"h100-sxm"}, Version: "test", Resamples: 50})
	if err != nil || rep.Runs[0].GPU != "h100-sxm" {
		t.Errorf("no telemetry, --gpu h100-sxm: err %v; want it priced as h100-sxm", err)
	}
}

// The report command refuses before it prints the runs' tables: the
// refusal came after a screenful of them, its one line at the bottom.
func TestReportCommandRefusesContradictedGPUFirst(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"rA": rendertest.A100()})
	var out, errs strings.Builder
	err := Command([]string{filepath.Join(root, "rA")}, filepath.Join(t.TempDir(), "rep"), []string{"md"}, Options{Catalog: catalog(t), GPUStated: []string{"h100-sxm"}, Version: "test", Resamples: 50}, &out, &errs)
	if err == nil || out.Len() > 0 {
		t.Errorf("--gpu h100-sxm on an A100's run: err %v after %d bytes on stdout; want a refusal first", err, out.Len())
	}
}
