package dcgm

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestParseDropsAbsurdValues: values no GPU can report (1.7e308 W, a
// negative memory use, 1e300 % utilisation) are no values, and what is
// left can be written and summed. Before, the record said 1.7e+308 W and
// 18446744073704308736 bytes used, and summary.json failed to be written:
// "json: unsupported value: +Inf" (two GPUs' power summed).
func TestParseDropsAbsurdValues(t *testing.T) {
	var page strings.Builder
	for _, g := range []string{"0", "1"} {
		l := `{gpu="` + g + `",UUID="GPU-` + g + `",modelName="H100"} `
		page.WriteString("DCGM_FI_DEV_POWER_USAGE" + l + "1.7e308\n")
		page.WriteString("DCGM_FI_DEV_FB_USED" + l + "-5\n")
		page.WriteString("DCGM_FI_DEV_GPU_UTIL" + l + "1e300\n")
		page.WriteString("DCGM_FI_DEV_GPU_TEMP" + l + "61\n")
	}
	p, err := Parse(strings.NewReader(page.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Samples) != 2 {
		t.Fatalf("%d samples; want 2", len(p.Samples))
	}
	for _, s := range p.Samples {
		if s.PowerW != nil || s.MemoryUsedBytes != nil || s.UtilizationPct != nil {
			b, _ := json.Marshal(s)
			t.Errorf("GPU %d: %s; want no power, memory used or utilisation", s.Index, b)
		}
		if s.TemperatureC == nil || *s.TemperatureC != 61 {
			t.Errorf("GPU %d: no temperature 61; want it kept", s.Index)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Error(err)
		}
	}
}

// TestPlausibleBounds: each limit is itself a value (100 % utilisation, a
// PiB of memory, 100 kW), just past it and below zero are not; a family
// without a limit takes any value not negative.
func TestPlausibleBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    float64
		want bool
	}{
		{metricGPUUtil, 100, true},
		{metricGPUUtil, 100.5, false},
		{metricGPUUtil, 0, true},
		{metricGPUUtil, -0.5, false},
		{metricFBUsed, 1 << 30, true},
		{metricFBUsed, 1<<30 + 1, false},
		{metricPower, 1e5, true},
		{metricPower, 1e5 + 1, false},
		{"DCGM_FI_DEV_NOT_BOUNDED", 1e300, true},
		{"DCGM_FI_DEV_NOT_BOUNDED", -1, false},
	} {
		if got := plausible(tc.name, tc.v); got != tc.want {
			t.Errorf("plausible(%s, %v) = %v; want %v", tc.name, tc.v, got, tc.want)
		}
	}
}

// TestParseKeepsAGPUWhoseValuesAreAllRefused: a GPU whose every value is
// NaN, an infinity, negative or past its limit is still a GPU on the page,
// and its sample says which values were refused. Before, it vanished from
// the page, and a page of only such values failed with "no DCGM_FI_DEV_*
// series with a gpu or UUID label", which it had; a refused value next to
// good ones was dropped without a word.
func TestParseKeepsAGPUWhoseValuesAreAllRefused(t *testing.T) {
	l := `{gpu="0",UUID="GPU-a",modelName="H100"} `
	page := "DCGM_FI_DEV_GPU_UTIL" + l + "NaN\n" +
		"DCGM_FI_DEV_POWER_USAGE" + l + "+Inf\n" +
		"DCGM_FI_DEV_GPU_TEMP" + l + "-Inf\n" +
		"DCGM_FI_DEV_FB_USED" + l + "1e308\n" +
		"DCGM_FI_DEV_MEM_COPY_UTIL" + l + "-5\n"
	p, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Samples) != 1 || len(p.Devices) != 1 {
		t.Fatalf("%d samples, %d devices; want GPU 0's", len(p.Samples), len(p.Devices))
	}
	s := p.Samples[0]
	if s.Index != 0 || s.UUID != "GPU-a" || s.Name != "H100" {
		t.Errorf("GPU %d %q %q; want 0 GPU-a H100", s.Index, s.UUID, s.Name)
	}
	if s.UtilizationPct != nil || s.PowerW != nil || s.TemperatureC != nil || s.MemoryUsedBytes != nil || s.MemoryUtilizationPct != nil {
		b, _ := json.Marshal(s)
		t.Errorf("%s; want no values", b)
	}
	for _, name := range []string{"GPU_UTIL NaN", "POWER_USAGE +Inf", "GPU_TEMP -Inf", "FB_USED 1e+308", "MEM_COPY_UTIL -5"} {
		if !strings.Contains(s.Error, name) {
			t.Errorf("error %q does not name %s", s.Error, name)
		}
	}
	// A good value beside a refused one: the good one is kept, the
	// refused one named.
	p, err = Parse(strings.NewReader("DCGM_FI_DEV_GPU_TEMP" + l + "61\nDCGM_FI_DEV_POWER_USAGE" + l + "1.7e308\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Samples[0]; s.TemperatureC == nil || *s.TemperatureC != 61 || s.PowerW != nil || !strings.Contains(s.Error, "POWER_USAGE 1.7e+308") {
		b, _ := json.Marshal(s)
		t.Errorf("%s; want 61 °C kept and the power refused by name", b)
	}
}
