package smi

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// An nvidia-smi that never answers (a wedged driver: the tool blocks in
// the kernel) must not hold a run at its start forever (session calls
// Devices before the load): each call has a deadline, after which it is
// killed and its tick is a gap that says so.
func TestExecGivesUpOnAHungTool(t *testing.T) {
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep on PATH")
	}
	defer func(d time.Duration) { CallTimeout = d }(CallTimeout)
	CallTimeout = 200 * time.Millisecond
	_, err := Exec(context.Background(), "sleep", "20")
	if err == nil {
		t.Fatal("Exec(sleep 20) with a 200ms deadline = nil error; want one")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Errorf("Exec(sleep 20) = %v; want it to wrap context.DeadlineExceeded and say 'no answer within 200ms'", err)
	}
	// A tool whose child keeps its standard output open after it was
	// killed (a shell wrapper) must not hold the call either.
	_, err = Exec(context.Background(), "sh", "-c", "sleep 20 & sleep 20")
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Exec(a wrapper whose child holds stdout) = %v; want the deadline's error", err)
	}
}

// The tools print numbers in the C locale, so that no locale can print
// 631,95 for 631.95 in a comma-separated query; the rest of the user's
// locale (its character set, which a Python tool's output needs) stays:
// LC_ALL, which would override LC_NUMERIC, becomes LANG.
func TestExecRunsInTheCLocale(t *testing.T) {
	t.Setenv("LC_ALL", "de_DE.UTF-8")
	t.Setenv("LC_NUMERIC", "de_DE.UTF-8")
	t.Setenv("LANG", "en_US.UTF-8")
	out, err := Exec(context.Background(), "sh", "-c", `echo "$LC_ALL|$LC_NUMERIC|$LANG"`)
	if err != nil {
		t.Skip(err)
	}
	if got := strings.TrimSpace(string(out)); got != "|C|de_DE.UTF-8" {
		t.Errorf("the tool's LC_ALL|LC_NUMERIC|LANG = %q; want \"|C|de_DE.UTF-8\"", got)
	}
}

// nvidia-smi does not quote its CSV: a GPU whose name holds a comma
// ("NVIDIA H100, 80GB") made every tick of the run a gap ("12 values for
// 11 fields"). The name is the one free-text field; the extra values are
// its parts.
func TestParseCSVCommaInName(t *testing.T) {
	line := "0, GPU-1, NVIDIA H100, 80GB \"HBM3\", 100, 11, 19818, 81559, 631.95, 59, 1980, 0x0000000000000000\n"
	rows, err := ParseCSV(strings.NewReader(line), SampleFields())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["name"] != `NVIDIA H100, 80GB "HBM3"` || rows[0]["power.draw"] != "631.95" {
		t.Errorf("rows = %v; want one row, name %q, power.draw 631.95", rows, `NVIDIA H100, 80GB "HBM3"`)
	}
	// A decimal comma (a locale the C locale did not reach) has no space
	// after it, as nvidia-smi's separator has: it stays in its value, which
	// then does not parse, and is never taken for a part of the name (which
	// moved every value after it one field on: 11 % read as utilization).
	line = "0, GPU-1, NVIDIA H100, 80GB, 100, 11, 19818, 81559, 631,95, 59, 1980, 0x0000000000000000\n"
	rows, err = ParseCSV(strings.NewReader(line), SampleFields())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["name"] != "NVIDIA H100, 80GB" || rows[0]["utilization.gpu"] != "100" || rows[0]["power.draw"] != "631,95" {
		t.Errorf("rows = %v; want name %q, utilization.gpu 100, power.draw 631,95", rows, "NVIDIA H100, 80GB")
	}
	if _, err := SampleFromRow(rows[0]); err == nil || !strings.Contains(err.Error(), `power.draw: cannot parse "631,95"`) {
		t.Errorf("SampleFromRow(power.draw 631,95) = %v; want it to say power.draw cannot be parsed", err)
	}
	// Without a name field, too many values stay an error, and it shows
	// the line, written out.
	_, err = ParseCSV(strings.NewReader("0, 631, 95\x1b[31m\n"), []string{"index", "power.draw"})
	if err == nil || !strings.Contains(err.Error(), `0, 631, 95\x1b[31m`) {
		t.Errorf("ParseCSV(3 values for 2 fields) = %v; want an error quoting the line, escapes written out", err)
	}
}

// A value no GPU can have is no value, and the sample says which, as the
// dcgm backend does: a negative memory.used became 17592186044411 MiB
// (the float's conversion wrapped), and 1e300 W went to the summary.
func TestSampleFromRowImplausible(t *testing.T) {
	row := map[string]string{"index": "0", "memory.used": "-5", "memory.total": "81559", "power.draw": "1e300",
		"utilization.gpu": "250", "temperature.gpu": "59", "clocks.sm": "1980"}
	s, err := SampleFromRow(row)
	want := rundir.GPUSample{MemoryTotalBytes: gpu.Ptr[uint64](81559 * mib), TemperatureC: gpu.Ptr(59.0), SMClockMHz: gpu.Ptr(1980.0)}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("SampleFromRow (-want +got):\n%s", diff)
	}
	for _, f := range []string{"memory.used", "power.draw", "utilization.gpu"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("SampleFromRow error = %v; want it to name %s", err, f)
		}
	}
	// rocm-smi's strings and amd-smi's leaves go through the same check.
	samples, _ := ParseROCmSMI([]byte(`{"card0": {"GPU use (%)": "-3", "Average Graphics Package Power (W)": "inf", "Temperature (Sensor edge) (C)": "1e9"}}`))
	if len(samples) != 1 || samples[0].UtilizationPct != nil || samples[0].PowerW != nil || samples[0].TemperatureC != nil {
		t.Errorf("rocm-smi implausible values = %+v; want all absent", samples)
	}
	if samples[0].Error == "" {
		t.Error("rocm-smi implausible values: Sample.Error empty; want it to say which were dropped")
	}
}

// amd-smi's memory and energy leaves are bounded as every other value is:
// a negative VRAM count or energy was left out without a word (the sample
// said nothing of it), and an energy past any GPU's was named by the
// number its conversion to mJ wrapped to (9.223372036854776e+18), not the
// one the tool printed.
func TestParseAMDSMIMetricImplausibleMemoryAndEnergy(t *testing.T) {
	for _, tt := range []struct{ leaves, field, value string }{
		{`"mem_usage": {"used_vram": {"value": -5, "unit": "MB"}}`, "mem_usage.used_vram", "-5"},
		{`"mem_usage": {"total_vram": {"value": 1e300, "unit": "GB"}}`, "mem_usage.total_vram", "1e+300"},
		{`"energy": {"total_energy_consumption": {"value": -3, "unit": "J"}}`, "energy.total_energy_consumption", "-3"},
		{`"energy": {"total_energy_consumption": {"value": 1e300, "unit": "J"}}`, "energy.total_energy_consumption", "1e+300"},
	} {
		ss, err := ParseAMDSMIMetric([]byte(`[{"gpu": 0, ` + tt.leaves + `}]`))
		if err != nil {
			t.Fatal(err)
		}
		s := ss[0]
		if s.MemoryUsedBytes != nil || s.MemoryTotalBytes != nil || s.EnergyMJ != nil {
			t.Errorf("%s: sample %+v; want the value left out", tt.leaves, s)
		}
		if !strings.Contains(s.Error, tt.field) || !strings.Contains(s.Error, tt.value+" is no GPU's value") {
			t.Errorf("%s: Error %q; want it to name %s and %s", tt.leaves, s.Error, tt.field, tt.value)
		}
	}
}

// A memory or energy leaf in a unit the parser does not know ("TB",
// "kWh") is left out, and the sample says which and why: it was dropped
// without a word, so a run read as though the tool had not printed it.
func TestParseAMDSMIMetricUnknownUnit(t *testing.T) {
	for _, tt := range []struct{ leaves, field, unit string }{
		{`"mem_usage": {"used_vram": {"value": 1, "unit": "TB"}}`, "mem_usage.used_vram", "TB"},
		{`"mem_usage": {"total_vram": {"value": 2, "unit": "TiB"}}`, "mem_usage.total_vram", "TiB"},
		{`"energy": {"total_energy_consumption": {"value": 3, "unit": "kWh"}}`, "energy.total_energy_consumption", "kWh"},
	} {
		ss, err := ParseAMDSMIMetric([]byte(`[{"gpu": 0, ` + tt.leaves + `}]`))
		if err != nil {
			t.Fatal(err)
		}
		s := ss[0]
		if s.MemoryUsedBytes != nil || s.MemoryTotalBytes != nil || s.EnergyMJ != nil {
			t.Errorf("%s: sample %+v; want the value left out", tt.leaves, s)
		}
		if !strings.Contains(s.Error, tt.field) || !strings.Contains(s.Error, `"`+tt.unit+`"`) {
			t.Errorf("%s: Error %q; want it to name %s and its unit %q", tt.leaves, s.Error, tt.field, tt.unit)
		}
	}
	// An absent leaf ("N/A") is no error.
	ss, err := ParseAMDSMIMetric([]byte(`[{"gpu": 0, "mem_usage": {"used_vram": "N/A"}, "energy": {"total_energy_consumption": "N/A"}}]`))
	if err != nil || ss[0].Error != "" {
		t.Errorf("N/A leaves: Error %q, %v; want none", ss[0].Error, err)
	}
}
