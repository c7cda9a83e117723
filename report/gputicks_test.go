package report

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestGPUTicks: two GPUs at t=2 (utilization 40 and 60, memory 1 and 3 GiB,
// power only from the first, 100 W) and one at t=1 (power 50 W) sum to two
// ticks in time order, each counting the GPUs that reported a field.
func TestGPUTicks(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	u := func(v uint64) *uint64 { return &v }
	ts := GPUTicks{}
	for _, s := range []rundir.GPUSample{
		{TNS: 2, Index: 0, UtilizationPct: f(40), MemoryUsedBytes: u(1 << 30), PowerW: f(100)},
		{TNS: 1, Index: 0, PowerW: f(50)},
		{TNS: 2, Index: 1, UtilizationPct: f(60), MemoryUsedBytes: u(3 << 30)},
	} {
		ts.Add(&s)
	}
	got := ts.Sorted()
	want := []GPUTick{
		{TNS: 1, PowerW: 50, NPower: 1},
		{TNS: 2, UtilPct: 100, NUtil: 2, MemoryUsedBytes: 4 << 30, NMem: 2, PowerW: 100, NPower: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("%d ticks, want %d", len(got), len(want))
	}
	for i := range want {
		if *got[i] != want[i] {
			t.Errorf("tick %d: %+v, want %+v", i, *got[i], want[i])
		}
	}
}

// TestGPUTickPowerTNS: a tick's power stands at the middle of the span its
// readings average: two GPUs averaging 1 s and 0.5 s, read at 10 s, stand
// at 10 − 0.75/2 s; instantaneous readings at their own time.
func TestGPUTickPowerTNS(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	const s = int64(1e9)
	ts := GPUTicks{}
	for _, smp := range []rundir.GPUSample{
		{TNS: 10 * s, Index: 0, PowerW: f(300), PowerWindowNS: s},
		{TNS: 10 * s, Index: 1, PowerW: f(200), PowerWindowNS: s / 2},
		{TNS: 10 * s, Index: 2, UtilizationPct: f(5), PowerWindowNS: 7 * s}, // no power: its span counts for nothing
		{TNS: 11 * s, Index: 0, PowerW: f(100)},
		{TNS: 12 * s, Index: 0, UtilizationPct: f(5)},
	} {
		ts.Add(&smp)
	}
	got := ts.Sorted()
	for i, want := range []int64{10*s - 3*s/8, 11 * s, 12 * s} {
		if p := got[i].PowerTNS(); p != want {
			t.Errorf("tick %d: power at %d ns, want %d", i, p, want)
		}
	}
}
