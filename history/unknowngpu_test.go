package history

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestUnknownGPUIsNoFirstNight: a night whose run.json names no GPU (its
// telemetry found no driver, or the job lost its run --gpu) matched none
// of the earlier nights on 8 A100s, so README's history:median-of-7
// --allow-empty-baseline job passed it as a first night ("no baseline …
// GPU (none) … (3 on other hardware)", exit 0) and added it as a history
// of its own: a night whose hardware nobody knows was never gated. It is
// now a baseline the gate cannot choose (not ErrNoBaseline: exit 2),
// naming the GPU of those nights and --gpu. Earlier nights of no GPU are
// still its baseline, and a night on new, known GPUs still starts a
// history of its own.
func TestUnknownGPUIsNoFirstNight(t *testing.T) {
	ctx := t.Context()
	s := testStore(t)
	root := t.TempDir()
	for day := 1; day <= 3; day++ {
		addRun(t, s, dayRun(t, root, "a100-"+string(rune('0'+day)), day, nil))
	}
	candDir := filepath.Join(root, "unknown")
	writeRun(t, candDir, "nightly", 50, time.Date(2026, 5, 9, 2, 0, 0, 0, time.UTC), 9)
	cand, err := compare.LoadRun(candDir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Baseline(ctx, s, "median-of-7", cand)
	if err == nil || errors.Is(err, ErrNoBaseline) {
		t.Fatalf("Baseline of a run of unknown GPU over 3 A100 nights = %v; want an error that is not ErrNoBaseline", err)
	}
	for _, w := range []string{"NVIDIA A100-SXM4-80GB ×8", "3 earlier runs", "--gpu"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}

	// A known GPU that is new still starts a history of its own.
	h100Dir := filepath.Join(root, "h100")
	writeRunOn(t, h100Dir, "NVIDIA H100 80GB HBM3", 8, time.Date(2026, 5, 9, 2, 0, 0, 0, time.UTC), 10)
	h100, err := compare.LoadRun(h100Dir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Baseline(ctx, s, "median-of-7", h100); !errors.Is(err, ErrNoBaseline) {
		t.Errorf("Baseline of a run on new H100s = %v; want ErrNoBaseline", err)
	}

	// An earlier night of no GPU is the baseline of one of no GPU.
	earlier := filepath.Join(root, "earlier-unknown")
	writeRun(t, earlier, "nightly", 50, time.Date(2026, 5, 5, 2, 0, 0, 0, time.UTC), 5)
	addRun(t, s, earlier)
	b, err := Baseline(ctx, s, "median-of-7", cand)
	if err != nil {
		t.Fatalf("Baseline with an earlier run of no GPU: %v", err)
	}
	if !strings.Contains(b.Label, earlier) {
		t.Errorf("baseline %q; want the earlier run of no GPU", b.Label)
	}
}
