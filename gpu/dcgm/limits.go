package dcgm

import (
	"math"

	"github.com/inferbench/inferbench/gpu"
)

// limits is the largest value a GPU can report for each family, in its
// unit (gpu.MaxWatts…, the smi backends' bounds too): far above any real
// GPU, so that only garbage goes past it. A value
// past its limit, or negative, is no value (the field stays nil): an
// exporter's 1.7e308 W summed over GPUs would be +Inf, which summary.json
// cannot hold, and a negative MiB count converted to bytes wraps to 2^64.
var limits = map[string]float64{
	metricGPUUtil:       gpu.MaxPercent,
	metricMemCopyUtil:   gpu.MaxPercent,
	metricFBUsed:        gpu.MaxMiB,
	metricFBFree:        gpu.MaxMiB,
	metricFBReserved:    gpu.MaxMiB,
	metricFBTotal:       gpu.MaxMiB,
	metricPower:         gpu.MaxWatts,
	metricPowerInstant:  gpu.MaxWatts,
	metricComputeCap:    1 << 48, // major << 16 | minor, or << 32 as its header says
	metricEnergy:        gpu.MaxEnergyMJ,
	metricTemp:          gpu.MaxCelsius,
	metricSMClock:       gpu.MaxMHz,
	metricClocksEvent:   1 << 32, // a 32-bit mask
	metricThrottle:      1 << 32,
	metricEnforcedPower: gpu.MaxWatts,
}

// plausible reports whether v can be family name's value: within its
// limit (gpu.Within; a family without one: any value not negative).
func plausible(name string, v float64) bool {
	limit, ok := limits[name]
	if !ok {
		limit = math.Inf(1)
	}
	return gpu.Within(v, limit)
}
