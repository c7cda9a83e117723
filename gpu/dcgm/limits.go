package dcgm

// limits is the largest value a GPU can report for each family, in its
// unit: far above any real GPU, so that only garbage goes past it. A value
// past its limit, or negative, is no value (the field stays nil): an
// exporter's 1.7e308 W summed over GPUs would be +Inf, which summary.json
// cannot hold, and a negative MiB count converted to bytes wraps to 2^64.
var limits = map[string]float64{
	metricGPUUtil:       100,
	metricMemCopyUtil:   100,
	metricFBUsed:        1 << 30, // MiB: a PiB
	metricFBFree:        1 << 30,
	metricFBReserved:    1 << 30,
	metricFBTotal:       1 << 30,
	metricPower:         1e5,  // W
	metricEnergy:        1e18, // mJ: 30,000 years at 1 kW
	metricTemp:          1e3,  // °C
	metricSMClock:       1e5,  // MHz
	metricClocksEvent:   1 << 32,
	metricThrottle:      1 << 32,
	metricEnforcedPower: 1e5,
}

// plausible reports whether v can be family name's value: not negative and
// within its limit (a family without one: any value not negative).
func plausible(name string, v float64) bool {
	if v < 0 {
		return false
	}
	if limit, ok := limits[name]; ok {
		return v <= limit
	}
	return true
}
