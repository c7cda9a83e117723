package smi

import (
	"errors"
	"fmt"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// The bounds of a value a GPU can report (gpu.MaxWatts…, the dcgm
// backend's too). A value past its bound, negative or not a number is no
// value: the field stays nil and the sample says why. A negative
// memory.used (nvidia-smi printing -5) became 17592186044411 MiB, the
// float's conversion to bytes wrapping, and 1e300 W went on to the run's
// summary.
const (
	maxPct   = gpu.MaxPercent
	maxBytes = gpu.MaxBytes
	maxMiB   = gpu.MaxMiB
	maxW     = gpu.MaxWatts
	maxC     = gpu.MaxCelsius
	maxMHz   = gpu.MaxMHz
	maxMJ    = gpu.MaxEnergyMJ
)

// nvidiaLimits bounds nvidia-smi's numeric fields, in the units it prints.
var nvidiaLimits = map[string]float64{
	"utilization.gpu":      maxPct,
	"utilization.memory":   maxPct,
	"memory.used":          maxMiB,
	"memory.total":         maxMiB,
	"memory.reserved":      maxMiB,
	"power.draw":           maxW,
	"enforced.power.limit": maxW,
	"power.limit":          maxW,
	"temperature.gpu":      maxC,
	"clocks.sm":            maxMHz,
	"clocks.current.sm":    maxMHz,
}

// plausible reports whether v is a value within [0, limit] (NaN is not).
func plausible(v, limit float64) bool { return v >= 0 && v <= limit }

// implausible names a value that was dropped.
func implausible(field string, v float64) error {
	return fmt.Errorf("%s: %g is no GPU's value: dropped", field, v)
}

// toBytes converts v of unit mult bytes to bytes, refusing a negative,
// non-finite or absurd v (a negative float's conversion to uint64 wraps).
func toBytes(v, mult float64) (uint64, bool) {
	b := v * mult
	if !plausible(b, maxBytes) {
		return 0, false
	}
	return uint64(b), true
}

// dropImplausible clears every field of s that no GPU can report and
// returns an error naming them, which it also adds to s.Error; nil when all
// are plausible.
func dropImplausible(s *rundir.GPUSample) error {
	var errs []error
	check := func(name string, p **float64, limit float64) {
		if *p != nil && !plausible(**p, limit) {
			errs = append(errs, implausible(name, **p))
			*p = nil
		}
	}
	check("utilization", &s.UtilizationPct, maxPct)
	check("memory utilization", &s.MemoryUtilizationPct, maxPct)
	check("power", &s.PowerW, maxW)
	check("temperature", &s.TemperatureC, maxC)
	check("clock", &s.SMClockMHz, maxMHz)
	checkU := func(name string, p **uint64, limit float64) {
		if *p != nil && float64(**p) > limit {
			errs = append(errs, implausible(name, float64(**p)))
			*p = nil
		}
	}
	checkU("memory used bytes", &s.MemoryUsedBytes, maxBytes)
	checkU("memory total bytes", &s.MemoryTotalBytes, maxBytes)
	checkU("energy mJ", &s.EnergyMJ, maxMJ)
	err := errors.Join(errs...)
	if err != nil {
		msg := err.Error()
		if s.Error != "" {
			msg = s.Error + "; " + msg
		}
		s.Error = msg
	}
	return err
}
