package render

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// A run whose GPU was stated (--gpu a100-80gb, no telemetry) and a rerun
// whose telemetry saw that GPU are one setup: the GPU is the one the
// pricing resolves (cost.Catalog.ResolveRunGPU), said either way.
func TestStatedAndSeenGPUOneSetup(t *testing.T) {
	t.Parallel()
	stated, h2 := rendertest.A100(), rendertest.H100()
	stated.GPUName, stated.Seed, stated.Start = "", 11, stated.Start.Add(2*time.Hour)
	h2.Seed, h2.Start = 12, h2.Start.Add(2*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "a100-stated": stated, "h100": rendertest.H100(), "h100-2": h2})
	setScenarioSeed(t, filepath.Join(root, "a100-stated"), 8)
	setScenarioSeed(t, filepath.Join(root, "h100-2"), 9)
	rundirtest.EditManifest(t, filepath.Join(root, "a100-stated"), func(m *rundir.Manifest) { m.GPUStated = "a100-80gb" })
	rep := buildRepeats(t, root, "a100", "h100", "a100-stated", "h100-2")
	want := [][]string{{"a100", "a100-stated"}, {"h100", "h100-2"}}
	if got := setupLabels(rep.Repeated); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("setups %v; want %v", got, want)
	}
	// Runs of one model, scenario and target URL kept apart are said why.
	for _, note := range []string{
		"a100 and h100 are not grouped as repeats: their GPUs differ (a100-80gb ×1, h100-sxm ×1)",
	} {
		if !slices.Contains(rep.Repeated.Notes, note) {
			t.Errorf("notes %q lack %q", rep.Repeated.Notes, note)
		}
	}
	// Stated on the command line (report --gpu) alike.
	var dirs []string
	for _, n := range []string{"a100", "h100", "a100-stated", "h100-2"} {
		dirs = append(dirs, filepath.Join(root, n))
	}
	rundirtest.EditManifest(t, filepath.Join(root, "a100-stated"), func(m *rundir.Manifest) { m.GPUStated = "" })
	runs, slo, src, err := LoadRuns(dirs, report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = Build(runs, Options{SLO: slo, SLOSource: src, Version: "test", Resamples: 200, GPUStated: []string{"", "", "a100-80gb", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if got := setupLabels(rep.Repeated); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("report --gpu, no catalog given: setups %v; want %v", got, want)
	}
}
