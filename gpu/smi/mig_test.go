package smi

import (
	"encoding/xml"
	"strings"
	"testing"
)

// migLog is the part of `nvidia-smi -q -x` this test reads.
type migLog struct {
	Attached int `xml:"attached_gpus"`
	GPUs     []struct {
		Name    string `xml:"product_name"`
		UUID    string `xml:"uuid"`
		MIG     string `xml:"mig_mode>current_mig"`
		Devices []struct {
			Used string `xml:"fb_memory_usage>used"`
		} `xml:"mig_devices>mig_device"`
		Total   string `xml:"fb_memory_usage>total"`
		Used    string `xml:"fb_memory_usage>used"`
		Util    string `xml:"utilization>gpu_util"`
		MemUtil string `xml:"utilization>memory_util"`
		Temp    string `xml:"temperature>gpu_temp"`
		Power   string `xml:"gpu_power_readings>power_draw"`
		SM      string `xml:"clocks>sm_clock"`
	} `xml:"gpu"`
}

// TestQueryPathOnTheMIGRecording: what the --query-gpu path makes of a
// MIG-enabled A100, from `nvidia-smi -q -x` of one (driver 535.54.03), the
// only recording of its per-instance memory. The product does not read
// -q -x (the query reports the same parent-GPU values, and is what it runs
// every tick); this test prints the row the query would give from the
// recording's values, with the query's "[N/A]" for the XML's "N/A"
// (testdata/telemetry/README.md), and checks the reading: utilization
// unknown, not 0, under MIG; memory the parent's, which holds its four
// instances' (4 × 12 MiB of 50 MiB); MIG on in the inventory; one GPU
// though attached_gpus says 4 (the contributor trimmed the file).
func TestQueryPathOnTheMIGRecording(t *testing.T) {
	var log migLog
	if err := xml.Unmarshal(fixture(t, "nvidia-smi-q-x-a100-sxm4-80gb-mig.xml.txt"), &log); err != nil {
		t.Fatal(err)
	}
	if log.Attached != 4 || len(log.GPUs) != 1 {
		t.Fatalf("attached_gpus %d, %d <gpu>; want 4 and 1", log.Attached, len(log.GPUs))
	}
	g := log.GPUs[0]
	val := func(v, unit string) string {
		if v == "N/A" {
			return "[N/A]"
		}
		return strings.TrimSuffix(v, " "+unit)
	}
	row := strings.Join([]string{"0", g.UUID, g.Name, val(g.Util, "%"), val(g.MemUtil, "%"), val(g.Used, "MiB"), val(g.Total, "MiB"),
		val(g.Power, "W"), val(g.Temp, "C"), val(g.SM, "MHz"), "0x0000000000000000"}, ", ")
	rows, err := ParseCSV(strings.NewReader(row+"\n"), SampleFields())
	if err != nil || len(rows) != 1 {
		t.Fatalf("%q: %d rows, %v", row, len(rows), err)
	}
	s, err := SampleFromRow(rows[0])
	if err != nil {
		t.Fatal(err)
	}
	const mib = 1 << 20
	if s.UtilizationPct != nil || s.MemoryUtilizationPct != nil {
		t.Errorf("utilization %v, memory utilization %v; want unknown (N/A under MIG)", s.UtilizationPct, s.MemoryUtilizationPct)
	}
	if s.MemoryUsedBytes == nil || *s.MemoryUsedBytes != 50*mib || s.MemoryTotalBytes == nil || *s.MemoryTotalBytes != 81920*mib {
		t.Errorf("memory %v of %v bytes; want 50 MiB of 81920 MiB", s.MemoryUsedBytes, s.MemoryTotalBytes)
	}
	var inst float64
	for _, d := range g.Devices {
		v, unit, ok := split(d.Used)
		b, err := byteCount.convert(v, unit, "MiB")
		if !ok || err != nil {
			t.Fatalf("instance memory %q: %v", d.Used, err)
		}
		inst += b
	}
	if len(g.Devices) != 4 || inst > float64(*s.MemoryUsedBytes) {
		t.Errorf("%d instances using %v bytes; want 4, within the parent's 50 MiB", len(g.Devices), inst)
	}
	if s.PowerW == nil || *s.PowerW != 67.03 || s.TemperatureC == nil || *s.TemperatureC != 27 || s.SMClockMHz == nil || *s.SMClockMHz != 1275 {
		t.Errorf("power %v W, temperature %v C, SM clock %v MHz; want 67.03, 27, 1275", s.PowerW, s.TemperatureC, s.SMClockMHz)
	}
	d := DeviceFromRow(map[string]string{"index": "0", "mig.mode.current": g.MIG})
	if d.MIGEnabled == nil || !*d.MIGEnabled {
		t.Errorf("mig.mode.current %q: MIG %v; want on", g.MIG, d.MIGEnabled)
	}
}
