package report

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// hourOfGPUs is an hour of telemetry of n GPUs at 1 s ticks, as gpu.Watch
// writes it (every field, clock-event reasons, a 1 s power span), and the
// hour cut into levels of equal windows.
func hourOfGPUs(n, levels int) ([]rundir.GPUSample, *Summary) {
	const ticks = 3600
	samples := make([]rundir.GPUSample, 0, ticks*n)
	for tick := range int64(ticks) {
		for g := range n {
			var reasons []string
			if tick%7 == 0 {
				reasons = []string{"sw_power_cap"}
			}
			samples = append(samples, rundir.GPUSample{TNS: tick * sec, Index: g, UUID: "GPU-" + string(rune('a'+g)),
				UtilizationPct: gpu.Ptr(float64(tick%100) + float64(g)), PowerW: gpu.Ptr(300 + float64(tick%400)), PowerWindowNS: sec,
				EnergyMJ: gpu.Ptr(uint64(tick) * 500000), MemoryUsedBytes: gpu.Ptr(uint64(g+1) * gib),
				MemoryTotalBytes: gpu.Ptr(80 * gib), ClockEventReasons: reasons})
		}
	}
	sum := &Summary{Levels: make([]Level, levels)}
	span := ticks * sec / int64(levels)
	for i := range sum.Levels {
		sum.Levels[i].StartNS, sum.Levels[i].EndNS = int64(i)*span+sec/10, int64(i+1)*span-sec/10
		sum.Levels[i].OutputTokens = 1 << 20
	}
	return samples, sum
}

// BenchmarkSummarizeGPU is the GPU part of summarizing a run: an hour of
// 8-GPU telemetry at 1 s summarized over 60 levels (attachGPU).
func BenchmarkSummarizeGPU(b *testing.B) {
	samples, sum := hourOfGPUs(8, 60)
	b.ReportAllocs()
	for b.Loop() {
		attachGPU(samples, sum)
	}
}

// TestAttachGPUIndexesOnce: summarizing a run's GPU telemetry over 60
// levels allocates not much more than over one, because the run's samples
// are grouped by GPU once, not per level: regrouped per level, the hour of
// eight GPUs the benchmark reads allocated 1.4 GB over 60 levels, 60 times
// the one level's 24 MB.
func TestAttachGPUIndexesOnce(t *testing.T) {
	samples, sum := hourOfGPUs(8, 60)
	allocated := func(levels []Level) uint64 {
		best := uint64(math.MaxUint64)
		for range 3 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			attachGPU(samples, &Summary{Levels: levels})
			runtime.ReadMemStats(&after)
			best = min(best, after.TotalAlloc-before.TotalAlloc)
		}
		return best
	}
	one, all := allocated(slices.Clone(sum.Levels[:1])), allocated(sum.Levels)
	t.Logf("allocated over 1 level: %.1f MB, over 60: %.1f MB", float64(one)/1e6, float64(all)/1e6)
	if all > 2*one {
		t.Errorf("60 levels allocated %.1f MB, %.1f times one level's %.1f MB; want at most twice: each level regroups the run", float64(all)/1e6, float64(all)/float64(one), float64(one)/1e6)
	}
}
