package smi

import (
	"fmt"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// nvidiaLimits bounds nvidia-smi's numeric fields, in the units it prints
// (the bounds of every backend: gpu.MaxWatts…).
var nvidiaLimits = map[string]float64{
	"utilization.gpu":      gpu.MaxPercent,
	"utilization.memory":   gpu.MaxPercent,
	"memory.used":          gpu.MaxMiB,
	"memory.total":         gpu.MaxMiB,
	"memory.reserved":      gpu.MaxMiB,
	"power.draw":           gpu.MaxWatts,
	"enforced.power.limit": gpu.MaxWatts,
	"power.limit":          gpu.MaxWatts,
	"temperature.gpu":      gpu.MaxCelsius,
	"clocks.sm":            gpu.MaxMHz,
	"clocks.current.sm":    gpu.MaxMHz,
}

// within reports whether v, the value a tool printed for field, is one a
// GPU can have (gpu.Within: [0, limit], limit in the unit v was printed
// in; NaN is not). Every value is checked so, before it is converted or
// stored. A value past its bound is no value: the caller leaves the field
// nil, and within adds an error naming it to errs (nil: an inventory,
// which has no place to say it), for the sample's Error. A negative memory.used
// (nvidia-smi printing -5) became 17592186044411 MiB, the float's
// conversion to bytes wrapping, and 1e300 W went on to the run's summary.
func within(errs *[]error, field string, v, limit float64) bool {
	if gpu.Within(v, limit) {
		return true
	}
	refuse(errs, field, v)
	return false
}

// refuse adds to errs (nil: none) that v, field's value, is no GPU's.
func refuse(errs *[]error, field string, v float64) {
	if errs != nil {
		*errs = append(*errs, fmt.Errorf("%s: %g is no GPU's value: dropped", field, v))
	}
}

// addErrors adds each of errs to s's Error (gpu.AddError: "; " between),
// as every backend and Watch write a sample's reasons.
func addErrors(s *rundir.GPUSample, errs []error) {
	for _, err := range errs {
		gpu.AddError(s, err.Error())
	}
}
