package smi

import (
	"fmt"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// A quantity is what a tool's value measures: the unit a sample stores it
// in, its bound in that unit (the bounds of every backend: gpu.MaxWatts…),
// and the units a tool may print it in, each one's size in the smallest of
// them. A value in a unit not listed is no value of the quantity.
//
// amd-smi prints %, W, C, MHz, J and MB ({"value", "unit"} leaves since
// ROCm 6.1, bare numbers in the same units before: amdsmi_cli/
// amdsmi_commands.py, ROCm/amdsmi 794354d), and "Mhz" for a clock level;
// rocm-smi glues "Mhz" to a clock; nvidia-smi --format=csv prints %, MiB,
// W and MHz. The other units are their scaled forms, so that a value
// printed in one is read at its size and not as the usual unit: 612000 mW
// passed the 100 kW bound as 612 kW.
type quantity struct {
	stored string
	limit  float64
	units  map[string]float64
}

var (
	percent     = quantity{"%", gpu.MaxPercent, map[string]float64{"%": 1}}
	watts       = quantity{"W", gpu.MaxWatts, map[string]float64{"W": 1e6, "mW": 1e3, "uW": 1, "µW": 1, "μW": 1}}
	celsius     = quantity{"C", gpu.MaxCelsius, map[string]float64{"C": 1e3, "°C": 1e3, "mC": 1}}
	megahertz   = quantity{"MHz", gpu.MaxMHz, map[string]float64{"GHz": 1e6, "MHz": 1e3, "Mhz": 1e3, "kHz": 1}}
	millijoules = quantity{"mJ", gpu.MaxEnergyMJ, map[string]float64{"J": 1e6, "mJ": 1e3, "uJ": 1, "µJ": 1, "μJ": 1}}
	// amd-smi's KB, MB and GB are 2^10, 2^20 and 2^30 bytes.
	byteCount = quantity{"B", gpu.MaxBytes, map[string]float64{"B": 1, "KB": 1 << 10, "KiB": 1 << 10,
		"MB": 1 << 20, "MiB": 1 << 20, "GB": 1 << 30, "GiB": 1 << 30}}
)

// convert returns v, printed in unit (def, the field's unit, when the tool
// printed none), in q's stored unit. It fails where the unit is not one of
// q's, or the value is no GPU's (gpu.Within: negative, NaN or past q's
// bound; checked in the unit printed, before the conversion). A negative
// memory.used (nvidia-smi printing -5) became 17592186044411 MiB, the
// float's conversion to bytes wrapping, and 1e300 W went on to the run's
// summary.
func (q quantity) convert(v float64, unit, def string) (float64, error) {
	if unit == "" {
		unit = def
	}
	size, ok := q.units[unit]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q: dropped", unit)
	}
	// By the whole ratio of the two sizes, multiplied or divided, so that
	// a whole conversion (612000 mW) is exact.
	mul, div := 1.0, 1.0
	if base := q.units[q.stored]; size >= base {
		mul = size / base
	} else {
		div = base / size
	}
	if !gpu.Within(v, q.limit/mul*div) {
		return 0, fmt.Errorf("%g is no GPU's value: dropped", v)
	}
	return v * mul / div, nil
}

// value is convert of field's value, which adds its error, if any, to
// errs (nil: an inventory, which has no place to say it), for the sample's
// Error.
func (q quantity) value(errs *[]error, field string, v float64, unit, def string) (float64, bool) {
	f, err := q.convert(v, unit, def)
	if err != nil && errs != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", field, err))
	}
	return f, err == nil
}

// A column is a tool's numeric field: what it measures, and the unit the
// tool prints it in (where a value carries none).
type column struct {
	q    quantity
	unit string
}

// nvidiaColumns are nvidia-smi's numeric fields; --format=csv prints each
// value's unit after it, nounits leaves it out.
var nvidiaColumns = map[string]column{
	"utilization.gpu":      {percent, "%"},
	"utilization.memory":   {percent, "%"},
	"memory.used":          {byteCount, "MiB"},
	"memory.total":         {byteCount, "MiB"},
	"memory.reserved":      {byteCount, "MiB"},
	"power.draw":           {watts, "W"},
	"enforced.power.limit": {watts, "W"},
	"power.limit":          {watts, "W"},
	"temperature.gpu":      {celsius, "C"},
	"clocks.sm":            {megahertz, "MHz"},
	"clocks.current.sm":    {megahertz, "MHz"},
}

// addErrors adds each of errs to s's Error (gpu.AddError: "; " between),
// as every backend and Watch write a sample's reasons.
func addErrors(s *rundir.GPUSample, errs []error) {
	for _, err := range errs {
		gpu.AddError(s, err.Error())
	}
}
