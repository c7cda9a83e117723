package report

import (
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
