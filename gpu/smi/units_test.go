package smi

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// amdPages wraps one GPU's sections in both shapes amd-smi metric --json
// has printed: the bare list (ROCm 6.1, the fixture) and {"gpu_data"}.
func amdPages(sections string) map[string]string {
	gpu0 := `{"gpu": 0, ` + sections + `}`
	return map[string]string{"bare list": "[" + gpu0 + "]", "gpu_data": `{"gpu_data": [` + gpu0 + `]}`}
}

// Every amd-smi value is read by its unit: a power in mW was taken as W
// (612000 mW passed the 100 kW bound as 612 kW), a clock in GHz as MHz.
// Each want is worked out by hand from the value and its unit. amd-smi
// prints %, W, C, MHz, J and MB (amdsmi_cli/amdsmi_commands.py, ROCm/amdsmi
// 0ceca28, from "Added Units of Measure to JSON Output", 794354d, ROCm
// 6.1); before 6.1 its JSON leaves were bare numbers in those same units.
func TestParseAMDSMIMetricUnits(t *testing.T) {
	for _, tt := range []struct {
		sections string
		want     rundir.GPUSample
	}{
		{`"usage": {"gfx_activity": {"value": 87, "unit": "%"}}`, rundir.GPUSample{UtilizationPct: gpu.Ptr(87.0)}},
		{`"usage": {"gfx_activity": 87}`, rundir.GPUSample{UtilizationPct: gpu.Ptr(87.0)}},
		{`"usage": {"umc_activity": {"value": 41, "unit": "%"}}`, rundir.GPUSample{MemoryUtilizationPct: gpu.Ptr(41.0)}},
		{`"power": {"socket_power": {"value": 612, "unit": "W"}}`, rundir.GPUSample{PowerW: gpu.Ptr(612.0)}},
		{`"power": {"socket_power": 612}`, rundir.GPUSample{PowerW: gpu.Ptr(612.0)}},
		{`"power": {"socket_power": {"value": 612000, "unit": "mW"}}`, rundir.GPUSample{PowerW: gpu.Ptr(612.0)}},
		{`"power": {"socket_power": {"value": 612500000, "unit": "uW"}}`, rundir.GPUSample{PowerW: gpu.Ptr(612.5)}},
		{`"power": {"socket_power": {"value": 612500000, "unit": "µW"}}`, rundir.GPUSample{PowerW: gpu.Ptr(612.5)}},
		{`"power": {"average_socket_power": {"value": 750, "unit": "mW"}}`, rundir.GPUSample{PowerW: gpu.Ptr(0.75)}},
		{`"power": {"socket_power": "612000 mW"}`, rundir.GPUSample{PowerW: gpu.Ptr(612.0)}},
		{`"temperature": {"hotspot": {"value": 71, "unit": "C"}}`, rundir.GPUSample{TemperatureC: gpu.Ptr(71.0)}},
		{`"temperature": {"hotspot": {"value": 71, "unit": "°C"}}`, rundir.GPUSample{TemperatureC: gpu.Ptr(71.0)}},
		{`"temperature": {"edge": {"value": 71500, "unit": "mC"}}`, rundir.GPUSample{TemperatureC: gpu.Ptr(71.5)}},
		{`"clock": {"gfx_0": {"clk": {"value": 2100, "unit": "MHz"}}}`, rundir.GPUSample{SMClockMHz: gpu.Ptr(2100.0)}},
		{`"clock": {"gfx_0": {"clk": {"value": 2100, "unit": "Mhz"}}}`, rundir.GPUSample{SMClockMHz: gpu.Ptr(2100.0)}},
		{`"clock": {"gfx_0": {"clk": {"value": 2.1, "unit": "GHz"}}}`, rundir.GPUSample{SMClockMHz: gpu.Ptr(2100.0)}},
		{`"clock": {"gfx_0": {"clk": {"value": 2100000, "unit": "kHz"}}}`, rundir.GPUSample{SMClockMHz: gpu.Ptr(2100.0)}},
		{`"mem_usage": {"used_vram": {"value": 180000, "unit": "MB"}}`, rundir.GPUSample{MemoryUsedBytes: gpu.Ptr[uint64](180000 << 20)}},
		{`"mem_usage": {"used_vram": 180000}`, rundir.GPUSample{MemoryUsedBytes: gpu.Ptr[uint64](180000 << 20)}},
		{`"mem_usage": {"total_vram": {"value": 192, "unit": "GiB"}}`, rundir.GPUSample{MemoryTotalBytes: gpu.Ptr[uint64](192 << 30)}},
		{`"mem_usage": {"total_vram": {"value": 4096, "unit": "KB"}}`, rundir.GPUSample{MemoryTotalBytes: gpu.Ptr[uint64](4 << 20)}},
		{`"mem_usage": {"total_vram": {"value": 5, "unit": "B"}}`, rundir.GPUSample{MemoryTotalBytes: gpu.Ptr[uint64](5)}},
		{`"energy": {"total_energy_consumption": {"value": 1234.5, "unit": "J"}}`, rundir.GPUSample{EnergyMJ: gpu.Ptr[uint64](1234500)}},
		{`"energy": {"total_energy_consumption": {"value": 1234.5, "unit": "mJ"}}`, rundir.GPUSample{EnergyMJ: gpu.Ptr[uint64](1234)}},
		{`"energy": {"total_energy_consumption": {"value": 7000, "unit": "uJ"}}`, rundir.GPUSample{EnergyMJ: gpu.Ptr[uint64](7)}},
	} {
		for shape, page := range amdPages(tt.sections) {
			got, err := ParseAMDSMIMetric([]byte(page))
			if err != nil {
				t.Fatalf("%s %s: %v", shape, tt.sections, err)
			}
			if diff := cmp.Diff([]rundir.GPUSample{tt.want}, got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", shape, tt.sections, diff)
			}
		}
	}
}

// The recorded ROCm 6.1 page (power in W) read as it is, and with its
// socket_power's unit changed to mW: 10 mW is 0.01 W, not 10 W.
func TestParseAMDSMIMetricFixtureUnit(t *testing.T) {
	page := fixture(t, "amd-smi-metric-power-json-bare-list-rocm61.txt")
	watt := []byte("\"value\": 10,\n                \"unit\": \"W\"")
	if bytes.Count(page, watt) != 1 {
		t.Fatalf("fixture has %d socket_power leaves in W; want 1", bytes.Count(page, watt))
	}
	for unit, want := range map[string]float64{"W": 10, "mW": 0.01, "uW": 0.00001} {
		got, err := ParseAMDSMIMetric(bytes.Replace(page, watt, []byte("\"value\": 10,\n                \"unit\": \""+unit+"\""), 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].PowerW == nil || *got[0].PowerW != want || got[0].Error != "" {
			t.Errorf("socket_power 10 %s: sample %+v; want %g W", unit, got, want)
		}
	}
}

// A value in a unit the parser does not know is left out and the sample
// names its field and unit: it is never read as though in the tool's
// usual unit (1 MW is not 1 mW, nor 1 W).
func TestParseAMDSMIMetricUnknownUnitRefused(t *testing.T) {
	for _, tt := range []struct{ sections, field, unit string }{
		{`"usage": {"gfx_activity": {"value": 0.5, "unit": "ratio"}}`, "usage.gfx_activity", "ratio"},
		{`"usage": {"umc_activity": {"value": 41, "unit": "W"}}`, "usage.umc_activity", "W"},
		{`"power": {"socket_power": {"value": 1, "unit": "MW"}}`, "power.socket_power", "MW"},
		{`"power": {"socket_power": {"value": 612, "unit": "dBm"}}`, "power.socket_power", "dBm"},
		{`"power": {"current_socket_power": "612 mV"}`, "power.current_socket_power", "mV"},
		{`"temperature": {"hotspot": {"value": 160, "unit": "F"}}`, "temperature.hotspot", "F"},
		{`"temperature": {"edge": {"value": 344, "unit": "K"}}`, "temperature.edge", "K"},
		{`"clock": {"gfx_0": {"clk": {"value": 2100, "unit": "rpm"}}}`, "clock.gfx_0.clk", "rpm"},
		{`"clock": {"gfx_0": {"clk": {"value": 2100, "unit": 6}}}`, "clock.gfx_0.clk", "6"},
		{`"mem_usage": {"used_vram": {"value": 1, "unit": "TB"}}`, "mem_usage.used_vram", "TB"},
		{`"energy": {"total_energy_consumption": {"value": 3, "unit": "kWh"}}`, "energy.total_energy_consumption", "kWh"},
	} {
		for shape, page := range amdPages(tt.sections) {
			ss, err := ParseAMDSMIMetric([]byte(page))
			if err != nil {
				t.Fatalf("%s %s: %v", shape, tt.sections, err)
			}
			s := ss[0]
			e := s.Error
			s.Error = ""
			if diff := cmp.Diff(rundir.GPUSample{}, s); diff != "" {
				t.Errorf("%s %s: want the value left out (-want +got):\n%s", shape, tt.sections, diff)
			}
			if !strings.Contains(e, tt.field+`: unknown unit "`+tt.unit+`"`) {
				t.Errorf("%s %s: Error %q; want it to name %s and its unit %q", shape, tt.sections, e, tt.field, tt.unit)
			}
		}
	}
}

// rocm-smi prints a value's unit in its key ("(W)") or glued to it
// ("(300Mhz)"); a unit on the value is read, not stripped: "(1.5GHz)" was
// 1.5 MHz, "(300Xhz)" 300 MHz.
func TestParseROCmSMIUnits(t *testing.T) {
	page := fixture(t, "rocm-smi-json-mi100-rocm602.txt")
	for _, tt := range []struct {
		key, from, to string
		want          func(rundir.GPUSample) *float64
		v             float64
	}{
		{"sclk clock speed:", "(300Mhz)", "(1.5GHz)", func(s rundir.GPUSample) *float64 { return s.SMClockMHz }, 1500},
		{"sclk clock speed:", "(300Mhz)", "(300MHz)", func(s rundir.GPUSample) *float64 { return s.SMClockMHz }, 300},
		{"Average Graphics Package Power (W)", "36.0", "36000 mW", func(s rundir.GPUSample) *float64 { return s.PowerW }, 36},
		{"Temperature (Sensor junction) (C)", "55.0", "55.0C", func(s rundir.GPUSample) *float64 { return s.TemperatureC }, 55},
		{"GPU use (%)", "0", "5%", func(s rundir.GPUSample) *float64 { return s.UtilizationPct }, 5},
	} {
		old := []byte(`"` + tt.key + `": "` + tt.from + `"`)
		got, err := ParseROCmSMI(bytes.Replace(page, old, []byte(`"`+tt.key+`": "`+tt.to+`"`), 1))
		if err != nil {
			t.Fatal(err)
		}
		if p := tt.want(got[0]); p == nil || *p != tt.v || got[0].Error != "" {
			t.Errorf("%q %q: card0 %+v; want %g", tt.key, tt.to, got[0], tt.v)
		}
	}
	for _, tt := range []struct{ key, from, to, unit string }{
		{"sclk clock speed:", "(300Mhz)", "(300Xhz)", "Xhz"},
		{"Average Graphics Package Power (W)", "36.0", "36.0 dBm", "dBm"},
		{"Temperature (Sensor junction) (C)", "55.0", "131F", "F"},
		{"GPU use (%)", "0", "5 W", "W"},
		{"VRAM Total Memory (B)", "34342961152", "32 TB", "TB"},
	} {
		old := []byte(`"` + tt.key + `": "` + tt.from + `"`)
		got, err := ParseROCmSMI(bytes.Replace(page, old, []byte(`"`+tt.key+`": "`+tt.to+`"`), 1))
		if err != nil {
			t.Fatal(err)
		}
		if want := tt.key + `: unknown unit "` + tt.unit + `"`; !strings.Contains(got[0].Error, want) {
			t.Errorf("%q %q: card0 Error %q; want it to say %s", tt.key, tt.to, got[0].Error, want)
		}
	}
}

// nvidia-smi --format=csv (with units) goes through the same tables: a
// value is read by the unit printed with it, the column's when none.
func TestSampleFromRowUnits(t *testing.T) {
	s, err := SampleFromRow(map[string]string{"index": "0", "memory.used": "11125 MiB", "memory.total": "80 GiB",
		"power.draw": "433.78 W", "temperature.gpu": "59", "clocks.sm": "1.98 GHz", "utilization.gpu": "87 %"})
	want := rundir.GPUSample{MemoryUsedBytes: gpu.Ptr[uint64](11125 << 20), MemoryTotalBytes: gpu.Ptr[uint64](80 << 30),
		PowerW: gpu.Ptr(433.78), TemperatureC: gpu.Ptr(59.0), SMClockMHz: gpu.Ptr(1980.0), UtilizationPct: gpu.Ptr(87.0)}
	if diff := cmp.Diff(want, s); diff != "" || err != nil {
		t.Errorf("SampleFromRow: %v (-want +got):\n%s", err, diff)
	}
	s, err = SampleFromRow(map[string]string{"index": "0", "power.draw": "433.78 kW"})
	if s.PowerW != nil || err == nil || !strings.Contains(err.Error(), `power.draw: unknown unit "kW"`) {
		t.Errorf("power.draw 433.78 kW: %v W, error %v; want it left out, named with its unit", s.PowerW, err)
	}
}
