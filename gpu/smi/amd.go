package smi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// AMDSMI samples AMD GPUs with amd-smi metric --json, or with rocm-smi
// --json on hosts that only have the older tool. It is safe for concurrent
// use.
type AMDSMI struct {
	run  Runner
	rocm bool // use rocm-smi
}

var _ gpu.Sampler = (*AMDSMI)(nil)

// NewAMDSMI returns the AMD sampler. With run nil it uses Exec with
// amd-smi when it is on PATH, else rocm-smi, else it fails with an error
// wrapping gpu.ErrUnavailable. With run set it uses amd-smi unless rocm is
// true.
func NewAMDSMI(run Runner, rocm bool) (*AMDSMI, error) {
	if run == nil {
		run = Exec
		switch {
		case lookPath("amd-smi") == nil:
			rocm = false
		case lookPath("rocm-smi") == nil:
			rocm = true
		default:
			return nil, gpu.Unavailable("amd-smi: neither amd-smi nor rocm-smi is on PATH")
		}
	}
	return &AMDSMI{run: run, rocm: rocm}, nil
}

// Close does nothing; each call runs its own process.
func (a *AMDSMI) Close() error { return nil }

// Devices takes one reading and returns its GPUs; amd-smi metric has no
// names, so Name is empty there (rocm-smi gives the card series).
func (a *AMDSMI) Devices(ctx context.Context) ([]rundir.GPUDevice, error) {
	ss, err := a.Sample(ctx, nil)
	if err != nil {
		return nil, err
	}
	devs := make([]rundir.GPUDevice, 0, len(ss))
	for _, s := range ss {
		devs = append(devs, rundir.GPUDevice{Index: s.Index, UUID: s.UUID, Name: s.Name, MemoryTotalBytes: s.MemoryTotalBytes})
	}
	return devs, nil
}

// Sample runs the tool once and appends one Sample per GPU.
func (a *AMDSMI) Sample(ctx context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	tool, args, parse := "amd-smi", []string{"metric", "--json"}, ParseAMDSMIMetric
	if a.rocm {
		tool, args, parse = "rocm-smi", []string{"--showallinfo", "--json"}, ParseROCmSMI
	}
	out, err := a.run(ctx, tool, args...)
	if err != nil {
		return dst, err
	}
	ss, err := parse(out)
	if err != nil {
		return dst, fmt.Errorf("%s: %w", tool, err)
	}
	// A GPU whose value was dropped (no GPU's, within, or in a unit not
	// known) is read in part: the tick says so.
	var errs []error
	for _, s := range ss {
		if s.Error != "" {
			errs = append(errs, fmt.Errorf("gpu %d: %s", s.Index, s.Error))
		}
	}
	if len(errs) > 0 {
		return append(dst, ss...), fmt.Errorf("%s: %w", tool, errors.Join(errs...))
	}
	return append(dst, ss...), nil
}

// ParseAMDSMIMetric reads `amd-smi metric --json` in either shape: the
// bare list of ROCm 6.1 ([{"gpu": 0, …}]) or the newer object
// {"gpu_data": [...]}. Anything printed before the JSON (Python warnings)
// is skipped. Leaves are {"value": N, "unit": U}; "N/A" in place of a leaf
// or a whole section means absent.
//
// Mapped: usage.gfx_activity (%), usage.umc_activity (%),
// mem_usage.used_vram and total_vram (B/KB/MB/GB; amd-smi's MB is taken as
// 2^20 bytes), power.socket_power or its average_/current_ variants (W),
// temperature.hotspot else edge (°C), clock.gfx_0.clk (MHz),
// energy.total_energy_consumption (J/mJ/uJ), and power.throttle_status
// (THROTTLED → [throttled], UNTHROTTLED → []). A memory or energy leaf
// in another unit is left out, and the sample's Error names it and its
// unit.
func ParseAMDSMIMetric(out []byte) ([]rundir.GPUSample, error) {
	i := bytes.IndexAny(out, "[{")
	if i < 0 {
		return nil, errors.New("no JSON in output")
	}
	dec := json.NewDecoder(bytes.NewReader(out[i:]))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	var list []any
	switch v := top.(type) {
	case []any:
		list = v
	case map[string]any:
		l, ok := v["gpu_data"].([]any)
		if !ok {
			return nil, errors.New(`JSON object without a "gpu_data" list`)
		}
		list = l
	}
	var out2 []rundir.GPUSample
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		idx, ok := leaf(m["gpu"])
		if !ok {
			continue
		}
		s := rundir.GPUSample{Index: int(idx.v)}
		var errs []error
		// read is the leaf at keys times its unit's factor in mult (nil:
		// as printed), where it is present, its unit known and its value a
		// GPU's (limit is in the unit multiplied to). A present leaf in a
		// unit not in mult is dropped, and errs says so.
		read := func(mult map[string]float64, limit float64, keys ...string) (float64, bool) {
			l, ok := leaf(path(m, keys...))
			if !ok {
				return 0, false
			}
			k := 1.0
			if mult != nil {
				if k, ok = mult[l.unit]; !ok {
					errs = append(errs, fmt.Errorf("%s: unknown unit %q: dropped", strings.Join(keys, "."), l.unit))
					return 0, false
				}
			}
			if !gpu.Within(l.v, limit/k) {
				refuse(&errs, strings.Join(keys, "."), l.v) // the path joined only here
				return 0, false
			}
			return l.v * k, true
		}
		// first reads the first of the leaves under section that is present.
		first := func(limit float64, section string, keys ...string) (float64, bool) {
			for _, k := range keys {
				if _, ok := leaf(path(m, section, k)); ok {
					return read(nil, limit, section, k)
				}
			}
			return 0, false
		}
		if v, ok := read(nil, gpu.MaxPercent, "usage", "gfx_activity"); ok {
			s.UtilizationPct = gpu.Ptr(v)
		}
		if v, ok := read(nil, gpu.MaxPercent, "usage", "umc_activity"); ok {
			s.MemoryUtilizationPct = gpu.Ptr(v)
		}
		if b, ok := read(byteUnits, gpu.MaxBytes, "mem_usage", "used_vram"); ok {
			s.MemoryUsedBytes = gpu.Ptr(uint64(b))
		}
		if b, ok := read(byteUnits, gpu.MaxBytes, "mem_usage", "total_vram"); ok {
			s.MemoryTotalBytes = gpu.Ptr(uint64(b))
		}
		if v, ok := first(gpu.MaxWatts, "power", "socket_power", "average_socket_power", "current_socket_power"); ok {
			s.PowerW = gpu.Ptr(v)
		}
		if v, ok := first(gpu.MaxCelsius, "temperature", "hotspot", "edge"); ok {
			s.TemperatureC = gpu.Ptr(v)
		}
		if v, ok := read(nil, gpu.MaxMHz, "clock", "gfx_0", "clk"); ok {
			s.SMClockMHz = gpu.Ptr(v)
		}
		if mj, ok := read(millijoules, gpu.MaxEnergyMJ, "energy", "total_energy_consumption"); ok {
			s.EnergyMJ = gpu.Ptr(uint64(mj))
		}
		switch path(m, "power", "throttle_status") {
		case "UNTHROTTLED":
			s.ClockEventReasons = []string{}
		case "THROTTLED":
			s.ClockEventReasons = []string{gpu.ReasonThrottled}
		}
		addErrors(&s, errs)
		out2 = append(out2, s)
	}
	if len(out2) == 0 {
		return nil, errors.New(`no GPU entries (no "gpu" index)`)
	}
	return out2, nil
}

// measure is a {"value", "unit"} leaf.
type measure struct {
	v    float64
	unit string
}

// leaf reads a {"value": N, "unit": U} object or a bare number; "N/A"
// and anything else report false.
func leaf(x any) (measure, bool) {
	switch v := x.(type) {
	case json.Number:
		f, err := v.Float64()
		return measure{v: f}, err == nil
	case map[string]any:
		m, ok := leaf(v["value"])
		if u, isStr := v["unit"].(string); isStr {
			m.unit = u
		}
		return m, ok
	case string:
		f, ok := number(v)
		return measure{v: f}, ok
	}
	return measure{}, false
}

// path walks nested objects; a missing key or a non-object gives nil.
func path(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

// byteUnits are amd-smi's memory units in bytes (MiB when none).
var byteUnits = map[string]float64{"": 1 << 20, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// millijoules are amd-smi's energy units in mJ (J when none).
var millijoules = map[string]float64{"": 1000, "J": 1000, "mJ": 1, "uJ": 1e-3, "μJ": 1e-3}

// ParseROCmSMI reads `rocm-smi --json`: one "cardN" object per GPU (other
// keys, such as "system", are skipped), all values strings, units in the
// key names. Mapped: "GPU use (%)", "Memory Activity" else "GPU memory use
// (%)" (both memory busy %), "VRAM Total
// Used Memory (B)", "VRAM Total Memory (B)", "Average Graphics Package
// Power (W)" or "Current Socket Graphics Package Power (W)",
// "Temperature (Sensor junction) (C)" else edge, "sclk clock speed:"
// ("(300Mhz)"), "Card series" (name), "Unique ID".
func ParseROCmSMI(out []byte) ([]rundir.GPUSample, error) {
	i := bytes.IndexByte(out, '{')
	if i < 0 {
		return nil, errors.New("no JSON object in output")
	}
	var cards map[string]map[string]any
	dec := json.NewDecoder(bytes.NewReader(out[i:]))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	cards = map[string]map[string]any{}
	for k, v := range raw {
		if !strings.HasPrefix(k, "card") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		cards[k] = m
	}
	var ss []rundir.GPUSample
	for k, c := range cards {
		idx, err := strconv.Atoi(strings.TrimPrefix(k, "card"))
		if err != nil {
			continue
		}
		str := func(key string) string { s, _ := c[key].(string); return s }
		var errs []error
		// num reads the first of keys that holds a number, if it is a
		// GPU's value (within limit).
		num := func(limit float64, keys ...string) (float64, bool) {
			for _, key := range keys {
				if v, ok := number(str(key)); ok {
					return v, within(&errs, key, v, limit)
				}
			}
			return 0, false
		}
		s := rundir.GPUSample{Index: idx, Name: str("Card series"), UUID: str("Unique ID")}
		if isNull(s.UUID) {
			s.UUID = ""
		}
		if v, ok := num(gpu.MaxPercent, "GPU use (%)"); ok {
			s.UtilizationPct = gpu.Ptr(v)
		}
		// Both are the memory controller's busy percent: "GPU memory use
		// (%)" from rsmi_dev_memory_busy_percent_get (rocm_smi.py
		// showMemUse; ROCm 6.0.2 on the MI100 recording).
		if v, ok := num(gpu.MaxPercent, "Memory Activity", "GPU memory use (%)"); ok {
			s.MemoryUtilizationPct = gpu.Ptr(v)
		}
		if v, ok := num(gpu.MaxBytes, "VRAM Total Used Memory (B)"); ok {
			s.MemoryUsedBytes = gpu.Ptr(uint64(v))
		}
		if v, ok := num(gpu.MaxBytes, "VRAM Total Memory (B)"); ok {
			s.MemoryTotalBytes = gpu.Ptr(uint64(v))
		}
		if v, ok := num(gpu.MaxWatts, "Average Graphics Package Power (W)", "Current Socket Graphics Package Power (W)"); ok {
			s.PowerW = gpu.Ptr(v)
		}
		if v, ok := num(gpu.MaxCelsius, "Temperature (Sensor junction) (C)", "Temperature (Sensor edge) (C)"); ok {
			s.TemperatureC = gpu.Ptr(v)
		}
		if v, ok := num(gpu.MaxMHz, "sclk clock speed:"); ok {
			s.SMClockMHz = gpu.Ptr(v)
		}
		addErrors(&s, errs)
		ss = append(ss, s)
	}
	if len(ss) == 0 {
		return nil, errors.New("no cardN objects")
	}
	slices.SortFunc(ss, func(a, b rundir.GPUSample) int { return a.Index - b.Index })
	return ss, nil
}
