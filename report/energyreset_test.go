package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// resetRun is a 30 s run of two GPUs read every 0.5 s, each drawing a
// steady 300 W (300 J a second on its counter), whose GPU 0's energy
// counter is reset between the readings at 14.5 s and 15 s: it reads
// 4,350,000 mJ at 14.5 s and 150,000 mJ (0.5 s × 300 W counted from 0)
// at 15 s. Three levels of 10 s each: [0, 10], [10, 20], [20, 30] s.
func resetRun() []rundir.GPUSample {
	var out []rundir.GPUSample
	for tick := range 61 {
		tns := int64(tick) * sec / 2
		for g := range 2 {
			e := uint64(tick) * 150000 // mJ: 300 W × 0.5 s a tick
			if g == 0 && tick >= 30 {
				e = uint64(tick-29) * 150000 // counted again from 0 at 14.5 s
			}
			out = append(out, rundir.GPUSample{TNS: tns, Index: g, UUID: []string{"GPU-a", "GPU-b"}[g],
				PowerW: gpu.Ptr(300.0), EnergyMJ: gpu.Ptr(e)})
		}
	}
	return out
}

// TestEnergyCounterResetFallsBackOnlyWhereItIs: one GPU's counter reset
// once, between 14.5 s and 15 s, takes the counter away from the level
// whose window spans the reset, on that GPU alone; the levels before and
// after it keep the counter, and the level that falls back says why. All
// three levels read every GPU's counter as absent ("mixed" for each: GPU 0
// by ∫P in all three) before, and nothing said so.
func TestEnergyCounterResetFallsBackOnlyWhereItIs(t *testing.T) {
	x := NewGPUIndex(resetRun())
	for _, tt := range []struct {
		start, end int64
		source     string
		note       bool
	}{
		{0, 10 * sec, EnergyCounter, false},
		{10 * sec, 20 * sec, EnergyMixed, true},
		{20 * sec, 30 * sec, EnergyCounter, false},
		// A window starting on the reading after the reset needs nothing
		// from before it.
		{15 * sec, 25 * sec, EnergyCounter, false},
		// One ending on the reading before it, likewise.
		{5 * sec, 29 * sec / 2, EnergyCounter, false},
	} {
		got := x.Summarize(tt.start, tt.end, 6000)
		// 2 GPUs × 300 W × the window, by counter or ∫P alike.
		want := 2 * 300 * float64(tt.end-tt.start) / 1e9
		if got.EnergyJ == nil || !approx(*got.EnergyJ, want) || got.EnergySource != tt.source {
			t.Errorf("[%d s, %d s]: energy %v J by %q; want %v J by %q", tt.start/sec, tt.end/sec, deref(got.EnergyJ), got.EnergySource, want, tt.source)
		}
		if (got.EnergyNote != "") != tt.note {
			t.Errorf("[%d s, %d s]: energy note %q; want one: %v", tt.start/sec, tt.end/sec, got.EnergyNote, tt.note)
		}
	}
	got := x.Summarize(10*sec, 20*sec, 6000)
	for _, w := range []string{"gpu 0", "integrated from power", "went back", "4350 J", "150 J", "14.5 s", "15.0 s"} {
		if !strings.Contains(got.EnergyNote, w) {
			t.Errorf("energy note %q does not say %q", got.EnergyNote, w)
		}
	}
	if strings.Contains(got.EnergyNote, "gpu 1") || strings.Contains(got.EnergyNote, "\n") {
		t.Errorf("energy note %q: want one line on gpu 0 alone", got.EnergyNote)
	}
	if line := gpuLine(&got); !strings.Contains(line, got.EnergyNote) {
		t.Errorf("gpuLine = %q; want the energy note %q on it", line, got.EnergyNote)
	}
}

// TestEnergyNoteWhereTheCounterDoesNotCoverTheWindow: a GPU with a
// counter whose readings end before the window does says why its energy
// was integrated; a run whose GPUs have no counter at all (nvidia-smi)
// says nothing more than its source.
func TestEnergyNoteWhereTheCounterDoesNotCoverTheWindow(t *testing.T) {
	got := SummarizeGPU(twoGPUs(), 7*sec/2, 5*sec, 0)
	if got.EnergySource != EnergyPowerIntegral || !strings.Contains(got.EnergyNote, "gpu 0") || !strings.Contains(got.EnergyNote, "gpu 1") ||
		!strings.Contains(got.EnergyNote, "4.0 s") {
		t.Errorf("window past the last tick: source %q, note %q; want power_integral naming both GPUs' last reading at 4.0 s", got.EnergySource, got.EnergyNote)
	}
	if got := SummarizeGPU(twoGPUs(0, 1), 3*sec/2, 7*sec/2, 0); got.EnergyNote != "" {
		t.Errorf("no counters: note %q; want none (the source says it)", got.EnergyNote)
	}
	if got := SummarizeGPU(twoGPUs(0), 3*sec/2, 7*sec/2, 0); !strings.Contains(got.EnergyNote, "gpu 0") || !strings.Contains(got.EnergyNote, "no energy counter") {
		t.Errorf("one GPU without a counter beside one with: note %q; want gpu 0's reason", got.EnergyNote)
	}
}
