//go:build !unix

package loadgen

import "runtime/metrics"

// processCPUSeconds is the Go runtime's estimate of the process's CPU time
// where getrusage is not available.
func processCPUSeconds() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64() - s[1].Value.Float64()
}
