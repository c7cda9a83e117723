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
// mem_usage.used_vram and total_vram (MB; amd-smi's MB is taken as 2^20
// bytes), power.socket_power or its average_/current_ variants (W),
// temperature.hotspot else edge (C), clock.gfx_0.clk (MHz),
// energy.total_energy_consumption (J), and power.throttle_status
// (THROTTLED → [throttled], UNTHROTTLED → []). Each value is read in the
// unit printed with it (the one named here when none: amd-smi before ROCm
// 6.1 printed bare numbers), by the quantity's table (watts, celsius…); a
// value in a unit not in the table is left out, and the sample's Error
// names it and its unit.
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
		// read is the leaf at keys in q's stored unit (def is amd-smi's
		// unit for it, where the leaf has none), where it is present, its
		// unit q's and its value a GPU's; a present leaf that is not is
		// dropped, and errs says why.
		read := func(q quantity, def string, keys ...string) (float64, bool) {
			l, ok := leaf(path(m, keys...))
			if !ok {
				return 0, false
			}
			v, err := q.convert(l.v, l.unit, def)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", strings.Join(keys, "."), err)) // the path joined only here
				return 0, false
			}
			return v, true
		}
		// first reads the first of the leaves under section that is present.
		first := func(q quantity, def, section string, keys ...string) (float64, bool) {
			for _, k := range keys {
				if _, ok := leaf(path(m, section, k)); ok {
					return read(q, def, section, k)
				}
			}
			return 0, false
		}
		if v, ok := read(percent, "%", "usage", "gfx_activity"); ok {
			s.UtilizationPct = gpu.Ptr(v)
		}
		if v, ok := read(percent, "%", "usage", "umc_activity"); ok {
			s.MemoryUtilizationPct = gpu.Ptr(v)
		}
		if b, ok := read(byteCount, "MB", "mem_usage", "used_vram"); ok {
			s.MemoryUsedBytes = gpu.Ptr(uint64(b))
		}
		if b, ok := read(byteCount, "MB", "mem_usage", "total_vram"); ok {
			s.MemoryTotalBytes = gpu.Ptr(uint64(b))
		}
		if v, ok := first(watts, "W", "power", "socket_power", "average_socket_power", "current_socket_power"); ok {
			s.PowerW = gpu.Ptr(v)
		}
		if v, ok := first(celsius, "C", "temperature", "hotspot", "edge"); ok {
			s.TemperatureC = gpu.Ptr(v)
		}
		if v, ok := read(megahertz, "MHz", "clock", "gfx_0", "clk"); ok {
			s.SMClockMHz = gpu.Ptr(v)
		}
		if mj, ok := read(millijoules, "J", "energy", "total_energy_consumption"); ok {
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

// leaf reads a {"value": N, "unit": U} object, a bare number (unit ""),
// or a string with its unit ("612 W"); "N/A" and anything else report
// false. A "unit" that is no string is kept as printed, so that it is
// refused as no unit known.
func leaf(x any) (measure, bool) {
	switch v := x.(type) {
	case json.Number:
		f, err := v.Float64()
		return measure{v: f}, err == nil
	case map[string]any:
		m, ok := leaf(v["value"])
		switch u := v["unit"].(type) {
		case string:
			m.unit = u
		case nil:
		default:
			m.unit = fmt.Sprint(u)
		}
		return m, ok
	case string:
		f, unit, ok := split(v)
		return measure{v: f, unit: unit}, ok
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

// ParseROCmSMI reads `rocm-smi --json`: one "cardN" object per GPU (other
// keys, such as "system", are skipped), all values strings. Mapped: "GPU
// use (%)", "Memory Activity" else "GPU memory use (%)" (both memory busy
// %), "VRAM Total Used Memory (B)", "VRAM Total Memory (B)", "Average
// Graphics Package Power (W)" or "Current Socket Graphics Package Power
// (W)", "Temperature (Sensor junction) (C)" else edge, "sclk clock speed:"
// ("(300Mhz)"), "Card series" (name), "Unique ID". A value is read in the
// unit glued to it or after it, else in the unit its key names; one in a
// unit not known is left out, and the sample's Error names it.
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
		// num reads the first of keys that holds a number, in q's stored
		// unit, if its unit is q's (the unit printed with it, else the
		// key's, unit) and it is a GPU's value.
		num := func(q quantity, unit string, keys ...string) (float64, bool) {
			for _, key := range keys {
				if v, u, ok := split(str(key)); ok {
					return q.value(&errs, key, v, u, unit)
				}
			}
			return 0, false
		}
		s := rundir.GPUSample{Index: idx, Name: str("Card series"), UUID: str("Unique ID")}
		if isNull(s.UUID) {
			s.UUID = ""
		}
		if v, ok := num(percent, "%", "GPU use (%)"); ok {
			s.UtilizationPct = gpu.Ptr(v)
		}
		// Both are the memory controller's busy percent: "GPU memory use
		// (%)" from rsmi_dev_memory_busy_percent_get (rocm_smi.py
		// showMemUse; ROCm 6.0.2 on the MI100 recording).
		if v, ok := num(percent, "%", "Memory Activity", "GPU memory use (%)"); ok {
			s.MemoryUtilizationPct = gpu.Ptr(v)
		}
		if v, ok := num(byteCount, "B", "VRAM Total Used Memory (B)"); ok {
			s.MemoryUsedBytes = gpu.Ptr(uint64(v))
		}
		if v, ok := num(byteCount, "B", "VRAM Total Memory (B)"); ok {
			s.MemoryTotalBytes = gpu.Ptr(uint64(v))
		}
		if v, ok := num(watts, "W", "Average Graphics Package Power (W)", "Current Socket Graphics Package Power (W)"); ok {
			s.PowerW = gpu.Ptr(v)
		}
		if v, ok := num(celsius, "C", "Temperature (Sensor junction) (C)", "Temperature (Sensor edge) (C)"); ok {
			s.TemperatureC = gpu.Ptr(v)
		}
		if v, ok := num(megahertz, "MHz", "sclk clock speed:"); ok {
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
