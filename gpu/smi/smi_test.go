package smi

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/fixtures"
	"github.com/inferbench/inferbench/rundir"
)

const mib = 1 << 20

// fixture returns a recorded output without its two provenance lines.
func fixture(t testing.TB, name string) []byte { return fixtures.Telemetry(t, name) }

// queryCSV extracts the header line and the data rows from a capture
// file that wraps several --format=csv outputs in # comment banners; the
// n-th (from 0) header starts the block returned.
func queryCSV(t *testing.T, b []byte, n int) []byte {
	t.Helper()
	var out []string
	block := -1
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "timestamp, "):
			block++
			if block == n {
				out = append(out, line)
			}
		case block == n && len(line) > 4 && line[4] == '/' && line[0] == '2':
			out = append(out, line)
		}
	}
	if len(out) < 2 {
		t.Fatalf("no CSV block %d in capture", n)
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

func TestParseCSVHeaderH100IdleAndLoad(t *testing.T) {
	b := fixture(t, "nvidia-smi-query-gpu-csv-h100-idle-load.txt")
	tests := []struct {
		name  string
		block int
		want  rundir.GPUSample
	}{
		{"idle", 0, rundir.GPUSample{Index: 0, UUID: "GPU-00000000-0000-0000-0000-000000000000", Name: "NVIDIA H100 80GB HBM3",
			UtilizationPct: gpu.Ptr(0.0), MemoryUtilizationPct: gpu.Ptr(0.0), MemoryUsedBytes: gpu.Ptr[uint64](0),
			MemoryTotalBytes: gpu.Ptr[uint64](81559 * mib), MemoryReservedBytes: gpu.Ptr[uint64](479 * mib),
			PowerW: gpu.Ptr(69.85), TemperatureC: gpu.Ptr(41.0), SMClockMHz: gpu.Ptr(345.0), ClockEventReasons: []string{"gpu_idle"}}},
		{"load", 1, rundir.GPUSample{Index: 0, UUID: "GPU-00000000-0000-0000-0000-000000000000", Name: "NVIDIA H100 80GB HBM3",
			UtilizationPct: gpu.Ptr(100.0), MemoryUtilizationPct: gpu.Ptr(11.0), MemoryUsedBytes: gpu.Ptr[uint64](19818 * mib),
			MemoryTotalBytes: gpu.Ptr[uint64](81559 * mib), MemoryReservedBytes: gpu.Ptr[uint64](479 * mib),
			PowerW: gpu.Ptr(631.95), TemperatureC: gpu.Ptr(59.0), SMClockMHz: gpu.Ptr(1980.0), ClockEventReasons: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseCSV(bytes.NewReader(queryCSV(t, b, tt.block)), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("%d rows; want 1", len(rows))
			}
			if len(rows[0]) < 100 {
				t.Errorf("row has %d present fields; the 212-column capture should give over 100", len(rows[0]))
			}
			got, err := SampleFromRow(rows[0])
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SampleFromRow (-want +got):\n%s", diff)
			}
			d := DeviceFromRow(rows[0])
			want := rundir.GPUDevice{Index: 0, UUID: tt.want.UUID, Name: tt.want.Name, MemoryTotalBytes: gpu.Ptr[uint64](81559 * mib),
				DriverVersion: "590.48.01", PowerLimitW: gpu.Ptr(700.0), MIGEnabled: gpu.Ptr(false)}
			if diff := cmp.Diff(want, d); diff != "" {
				t.Errorf("DeviceFromRow (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCSVMIGUtilizationAbsent(t *testing.T) {
	b := fixture(t, "nvidia-smi-query-gpu-csv-h100-mig-na.txt")
	rows, err := ParseCSV(bytes.NewReader(queryCSV(t, b, 0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SampleFromRow(rows[0])
	if err != nil {
		t.Fatal(err)
	}
	// Under MIG, utilization is [N/A] even at 433.78 W.
	if s.UtilizationPct != nil || s.MemoryUtilizationPct != nil {
		t.Errorf("MIG utilization = %v, %v; want absent", s.UtilizationPct, s.MemoryUtilizationPct)
	}
	if s.PowerW == nil || *s.PowerW != 433.78 || *s.MemoryUsedBytes != 11125*mib {
		t.Errorf("MIG power %v memory %v; want 433.78 W and 11125 MiB", s.PowerW, s.MemoryUsedBytes)
	}
	if d := DeviceFromRow(rows[0]); d.MIGEnabled == nil || !*d.MIGEnabled {
		t.Errorf("DeviceFromRow MIGEnabled = %v; want true", d.MIGEnabled)
	}
	if v := ParseCUDAVersion(b); v != "13.1" {
		t.Errorf("ParseCUDAVersion(banner) = %q; want 13.1", v)
	}
}

func TestParseCSVNoHeaderNullSpellings(t *testing.T) {
	b := fixture(t, "nvidia-smi-csv-noheader-nounits-na-vs-not-supported.txt")
	fields := []string{"memory.total", "memory.free", "memory.used", "temperature.gpu", "fan.speed", "utilization.gpu", "utilization.memory"}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "2004, ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("found %d data lines; want 2", len(lines))
	}
	for _, l := range lines {
		rows, err := ParseCSV(strings.NewReader(l+"\n"), fields)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := rows[0]["fan.speed"]; ok {
			t.Errorf("%q: fan.speed present; want absent", l)
		}
		s, err := SampleFromRow(rows[0])
		if err != nil {
			t.Fatal(err)
		}
		want := rundir.GPUSample{UtilizationPct: gpu.Ptr(0.0), MemoryUtilizationPct: gpu.Ptr(0.0), MemoryUsedBytes: gpu.Ptr[uint64](0),
			MemoryTotalBytes: gpu.Ptr[uint64](2004 * mib), TemperatureC: gpu.Ptr(44.0)}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("%q (-want +got):\n%s", l, diff)
		}
	}
	// Header mode, a lone [Not Supported] value.
	h := fixture(t, "nvidia-smi-csv-header-not-supported.txt")
	block := strings.Split(string(h), "\n")[1:3] // "utilization.memory [%]", "[Not Supported]"
	rows, err := ParseCSV(strings.NewReader(strings.Join(block, "\n")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(rows[0]) != 0 {
		t.Errorf("[Not Supported] row = %v; want one row with no present field", rows)
	}
	if _, err := ParseCSV(strings.NewReader("1, 2\n"), []string{"index"}); err == nil {
		t.Error("ParseCSV with 2 values for 1 field = nil error; want one")
	}
}

// fakeRun answers nvidia-smi calls from a table and records them.
type fakeRun struct {
	calls   []string
	answers func(args string) ([]byte, error)
}

func (f *fakeRun) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	call := name + " " + strings.Join(args, " ")
	f.calls = append(f.calls, call)
	return f.answers(call)
}

func TestNvidiaSMISamplerLegacyFallback(t *testing.T) {
	f := &fakeRun{answers: func(call string) ([]byte, error) {
		if strings.Contains(call, "clocks_event_reasons") || strings.Contains(call, "compute_cap") {
			// A pre-R535 driver knows neither name (compute_cap is older,
			// but a driver without it must not stop the samples either).
			return []byte(`Field "clocks_event_reasons.active" is not a valid field to query.`), errors.New("exit status 2")
		}
		// Two GPUs, as a pre-R535 driver prints them with noheader,nounits.
		return []byte("0, GPU-a, NVIDIA A100-SXM4-80GB, 97, 40, 70000, 81920, 312.50, 61, 1410, 0x0000000000000004\n" +
			"1, GPU-b, NVIDIA A100-SXM4-80GB, [N/A], [N/A], 10, 81920, 60.10, 33, 210, 0x0000000000000001\n"), nil
	}}
	n, err := NewNvidiaSMI(f.run)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, err := n.Sample(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []rundir.GPUSample{
			{Index: 0, UUID: "GPU-a", Name: "NVIDIA A100-SXM4-80GB", UtilizationPct: gpu.Ptr(97.0), MemoryUtilizationPct: gpu.Ptr(40.0),
				MemoryUsedBytes: gpu.Ptr[uint64](70000 * mib), MemoryTotalBytes: gpu.Ptr[uint64](81920 * mib), PowerW: gpu.Ptr(312.5),
				TemperatureC: gpu.Ptr(61.0), SMClockMHz: gpu.Ptr(1410.0), ClockEventReasons: []string{"sw_power_cap"}},
			{Index: 1, UUID: "GPU-b", Name: "NVIDIA A100-SXM4-80GB", MemoryUsedBytes: gpu.Ptr[uint64](10 * mib), MemoryTotalBytes: gpu.Ptr[uint64](81920 * mib),
				PowerW: gpu.Ptr(60.1), TemperatureC: gpu.Ptr(33.0), SMClockMHz: gpu.Ptr(210.0), ClockEventReasons: []string{"gpu_idle"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Sample (-want +got):\n%s", diff)
		}
	}
	// First tick: new name fails, legacy name works, the compute
	// capability is asked once (and fails: power taken as instantaneous);
	// second tick: legacy only.
	if len(f.calls) != 4 || !strings.Contains(f.calls[2], "--query-gpu=index,uuid,compute_cap ") || !strings.Contains(f.calls[3], "clocks_throttle_reasons.active") || !strings.Contains(f.calls[0], "--format=csv,noheader,nounits") {
		t.Errorf("calls = %q; want new, legacy, compute_cap, legacy", f.calls)
	}
}

// TestNvidiaSMIPowerWindow: a sample's power is marked as the mean over
// the second before it on a GPU of compute capability above 8.0 (an H200,
// its row as nvidia-smi printed it under load on 2026-12-04; an L40S), and
// as instantaneous on GA100 (an A100, 8.0) and older; where the driver
// cannot say (a driver before compute_cap, a row of [N/A]) the GPU's name
// says it (gpu.PowerWindowOfName): an H200's and an L40S's power read as
// instantaneous there before; the capability is asked once.
func TestNvidiaSMIPowerWindow(t *testing.T) {
	rows := "0, GPU-512e88fc-3aa4-2dd3-7f60-7c84d6fe72f8, NVIDIA H200, 99, 24, 20213, 143771, 694.76, 59, 1455, 0x0000000000000004\n" +
		"1, GPU-b, NVIDIA A100-SXM4-80GB, 97, 40, 70000, 81920, 312.50, 61, 1410, 0x0000000000000004\n" +
		"2, GPU-c, NVIDIA L40S, 90, 30, 40000, 46068, 340.00, 60, 2400, 0x0000000000000000\n" +
		"3, GPU-d, Tesla V100-SXM2-32GB, 90, 30, 30000, 32768, 250.00, 60, 1530, 0x0000000000000000\n" +
		"4, GPU-e, NVIDIA H100 80GB HBM3, 0, 0, 0, 81559, [N/A], 40, 345, 0x0000000000000001\n"
	for _, tt := range []struct {
		caps string
		err  error
		want map[int]int64
	}{
		// compute_cap as the H100 capture prints it (testdata/telemetry, "9.0").
		{"0, GPU-512e88fc-3aa4-2dd3-7f60-7c84d6fe72f8, 9.0\n1, GPU-b, 8.0\n2, GPU-c, 8.9\n3, GPU-d, 7.0\n4, GPU-e, 9.0\n", nil, map[int]int64{0: 1e9, 1: 0, 2: 1e9, 3: 0, 4: 0}},
		{"", errors.New("exit status 2"), map[int]int64{0: 1e9, 1: 0, 2: 1e9, 3: 0, 4: 0}},
		{"0, GPU-512e88fc-3aa4-2dd3-7f60-7c84d6fe72f8, [N/A]\n1, GPU-b, 8.0\n", nil, map[int]int64{0: 1e9, 1: 0, 2: 1e9, 3: 0, 4: 0}},
	} {
		f := &fakeRun{answers: func(call string) ([]byte, error) {
			if strings.Contains(call, "compute_cap") {
				return []byte(tt.caps), tt.err
			}
			return []byte(rows), nil
		}}
		n, _ := NewNvidiaSMI(f.run)
		for range 2 {
			got, err := n.Sample(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range got {
				if s.PowerWindowNS != tt.want[s.Index] {
					t.Errorf("caps %q: gpu %d (%s): power window %d ns; want %d", tt.caps, s.Index, s.Name, s.PowerWindowNS, tt.want[s.Index])
				}
			}
			if got[0].PowerW == nil || *got[0].PowerW != 694.76 || *got[0].MemoryUsedBytes != 20213*mib {
				t.Errorf("H200 row: %+v", got[0])
			}
		}
		if len(f.calls) != 3 {
			t.Errorf("caps %q: %d calls; want the capability asked once beside two samples: %q", tt.caps, len(f.calls), f.calls)
		}
	}
}

// TestNvidiaSMIPowerWindowPerGPU: the span is decided once per GPU, by
// its index and name: another GPU read at an index (a different model
// after the driver renumbered them) is decided again, by its own name,
// where the driver gave no capability.
func TestNvidiaSMIPowerWindowPerGPU(t *testing.T) {
	rows := []string{"0, GPU-a, NVIDIA H200, 99, 24, 20213, 143771, 694.76, 59, 1455, 0x0\n",
		"0, GPU-b, NVIDIA A100-SXM4-80GB, 97, 40, 70000, 81920, 312.50, 61, 1410, 0x0\n"}
	tick := 0
	f := &fakeRun{answers: func(call string) ([]byte, error) {
		if strings.Contains(call, "compute_cap") {
			return nil, errors.New("exit status 2")
		}
		tick++
		return []byte(rows[(tick-1)/2%2]), nil
	}}
	n, _ := NewNvidiaSMI(f.run)
	var got []int64
	for range 4 {
		ss, err := n.Sample(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ss[0].PowerWindowNS)
	}
	if want := []int64{1e9, 1e9, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("power windows of H200, H200, A100, A100 at index 0 = %v; want %v", got, want)
	}
}

func TestNvidiaSMIDevices(t *testing.T) {
	banner := fixture(t, "nvidia-smi-query-gpu-csv-h100-mig-na.txt")
	f := &fakeRun{answers: func(call string) ([]byte, error) {
		if call == "nvidia-smi " {
			return banner, nil
		}
		return []byte("0, GPU-x, NVIDIA H200, 143771, 580.95.05, 700.00, Disabled\n"), nil
	}}
	n, _ := NewNvidiaSMI(f.run)
	devs, err := n.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []rundir.GPUDevice{{Index: 0, UUID: "GPU-x", Name: "NVIDIA H200", MemoryTotalBytes: gpu.Ptr[uint64](143771 * mib),
		DriverVersion: "580.95.05", CUDAVersion: "13.1", PowerLimitW: gpu.Ptr(700.0), MIGEnabled: gpu.Ptr(false)}}
	if diff := cmp.Diff(want, devs); diff != "" {
		t.Errorf("Devices (-want +got):\n%s", diff)
	}
}

func TestParseAMDSMIBareList(t *testing.T) {
	b := fixture(t, "amd-smi-metric-power-json-bare-list-rocm61.txt")
	// The first line is the command; the parser skips to the JSON.
	got, err := ParseAMDSMIMetric(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []rundir.GPUSample{{Index: 0, PowerW: gpu.Ptr(10.0), ClockEventReasons: []string{}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseAMDSMIMetric (-want +got):\n%s", diff)
	}
}

// TestParseAMDSMIGpuData uses the wrapped shape. No complete public
// recording exists (fixtures README, Gaps), so this page is written for
// the test from the documented leaves: {"value","unit"} objects, "N/A"
// leaves and a whole "N/A" section, and a Python warning before the JSON.
func TestParseAMDSMIGpuData(t *testing.T) {
	page := `/opt/rocm/libexec/amdsmi_cli/amdsmi_helpers.py:12: SyntaxWarning: invalid escape sequence
{"gpu_data": [
 {"gpu": 0,
  "usage": {"gfx_activity": {"value": 87, "unit": "%"}, "umc_activity": {"value": 41, "unit": "%"}, "vcn_activity": [{"value": 0, "unit": "%"}, "N/A"]},
  "power": {"socket_power": {"value": 612, "unit": "W"}, "throttle_status": "THROTTLED"},
  "clock": {"gfx_0": {"clk": {"value": 2100, "unit": "MHz"}}},
  "temperature": {"edge": {"value": 50, "unit": "C"}, "hotspot": {"value": 71, "unit": "C"}},
  "energy": {"total_energy_consumption": {"value": 1234.5, "unit": "J"}},
  "mem_usage": {"total_vram": {"value": 196592, "unit": "MB"}, "used_vram": {"value": 180000, "unit": "MB"}}},
 {"gpu": 1, "usage": "N/A", "power": {"socket_power": "N/A"}, "temperature": {"hotspot": "N/A", "edge": {"value": 30, "unit": "C"}}}
]}`
	got, err := ParseAMDSMIMetric([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	want := []rundir.GPUSample{
		{Index: 0, UtilizationPct: gpu.Ptr(87.0), MemoryUtilizationPct: gpu.Ptr(41.0), MemoryUsedBytes: gpu.Ptr[uint64](180000 * mib),
			MemoryTotalBytes: gpu.Ptr[uint64](196592 * mib), PowerW: gpu.Ptr(612.0), EnergyMJ: gpu.Ptr[uint64](1234500),
			TemperatureC: gpu.Ptr(71.0), SMClockMHz: gpu.Ptr(2100.0), ClockEventReasons: []string{"throttled"}},
		{Index: 1, TemperatureC: gpu.Ptr(30.0)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseAMDSMIMetric (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "no json here", `{"other": []}`, `[{"no_gpu": 1}]`} {
		if _, err := ParseAMDSMIMetric([]byte(bad)); err == nil {
			t.Errorf("ParseAMDSMIMetric(%q) = nil error; want one", bad)
		}
	}
}

func TestParseROCmSMIMI100(t *testing.T) {
	got, err := ParseROCmSMI(fixture(t, "rocm-smi-json-mi100-rocm602.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d cards; want 4 (the system key is not a card)", len(got))
	}
	want0 := rundir.GPUSample{Index: 0, UUID: "0x79ccd55167a2124a", Name: "Arcturus GL-XL [Instinct MI100]", UtilizationPct: gpu.Ptr(0.0), MemoryUtilizationPct: gpu.Ptr(0.0),
		MemoryUsedBytes: gpu.Ptr[uint64](6750208), MemoryTotalBytes: gpu.Ptr[uint64](34342961152), PowerW: gpu.Ptr(36.0),
		TemperatureC: gpu.Ptr(55.0), SMClockMHz: gpu.Ptr(300.0)}
	if diff := cmp.Diff(want0, got[0]); diff != "" {
		t.Errorf("card0 (-want +got):\n%s", diff)
	}
	if *got[1].PowerW != 44 || *got[3].PowerW != 39 || got[3].Index != 3 {
		t.Errorf("card1 %v W, card3 %v W index %d; want 44, 39, 3", *got[1].PowerW, *got[3].PowerW, got[3].Index)
	}
}

func TestAMDSMISamplerRunsTheTool(t *testing.T) {
	var calls []string
	run := func(ctx context.Context, name string, args ...string) ([]byte, error) {
		calls = append(calls, name+" "+strings.Join(args, " "))
		return fixture(t, "rocm-smi-json-mi100-rocm602.txt"), nil
	}
	a, _ := NewAMDSMI(run, true)
	devs, err := a.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 4 || devs[2].Name != "Arcturus GL-XL [Instinct MI100]" || *devs[2].MemoryTotalBytes != 34342961152 {
		t.Errorf("Devices = %+v; want 4 MI100 with 32 GiB", devs)
	}
	if calls[0] != "rocm-smi --showallinfo --json" {
		t.Errorf("ran %q; want rocm-smi --showallinfo --json", calls[0])
	}
}

// TestAMDSMISamplerAMDSMI: without rocm the sampler runs amd-smi metric and
// parses its page; a page it cannot parse is an error named after the tool.
func TestAMDSMISamplerAMDSMI(t *testing.T) {
	var calls []string
	page := fixture(t, "amd-smi-metric-power-json-bare-list-rocm61.txt")
	run := func(ctx context.Context, name string, args ...string) ([]byte, error) {
		calls = append(calls, name+" "+strings.Join(args, " "))
		return page, nil
	}
	a, _ := NewAMDSMI(run, false)
	got, err := a.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].PowerW == nil || *got[0].PowerW != 10 || calls[0] != "amd-smi metric --json" {
		t.Errorf("Sample = %+v after %q; want one GPU at 10 W after amd-smi metric --json", got, calls)
	}
	page = []byte("no JSON here")
	if _, err := a.Sample(t.Context(), nil); err == nil || !strings.HasPrefix(err.Error(), "amd-smi: ") {
		t.Errorf("Sample of a bad page: %v; want an error starting amd-smi: ", err)
	}
}

// split gives a value's number and the unit printed with it; number only
// a number printed without one, so that no unit is stripped unread.
func TestSplit(t *testing.T) {
	tests := []struct {
		in, unit string
		want     float64
		ok       bool
	}{
		{"19818 MiB", "MiB", 19818, true}, {"631.95", "", 631.95, true}, {"0 %", "%", 0, true}, {"(300Mhz)", "Mhz", 300, true},
		{" 1.5 GHz ", "GHz", 1.5, true}, {"55.0C", "C", 55, true}, {"300Mhz x", "Mhz x", 300, true}, {"-5", "", -5, true},
		{"[N/A]", "", 0, false}, {"[Not Supported]", "", 0, false}, {"[Requested functionality has been deprecated]", "", 0, false},
		{"N/A", "", 0, false}, {"", "", 0, false}, {"Enabled", "", 0, false}, {"W", "", 0, false},
	}
	for _, tt := range tests {
		got, unit, ok := split(tt.in)
		if got != tt.want || unit != tt.unit || ok != tt.ok {
			t.Errorf("split(%q) = %v, %q, %v; want %v, %q, %v", tt.in, got, unit, ok, tt.want, tt.unit, tt.ok)
		}
		n, ok := number(tt.in)
		if wantOK := tt.ok && tt.unit == ""; ok != wantOK || (ok && n != tt.want) {
			t.Errorf("number(%q) = %v, %v; want %v, %v", tt.in, n, ok, tt.want, wantOK)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("2004, 2004, 0, 44, [N/A], 0, 0\n"))
	f.Add([]byte("0, GPU-a, NVIDIA A100, 97, 40, 70000, 81920, 312.50, 61, 1410, 0x4\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ParseCSV(bytes.NewReader(b), SampleFields())
		if err != nil {
			return
		}
		for _, r := range rows {
			SampleFromRow(r)
		}
	})
}

func FuzzParseAMDSMIMetric(f *testing.F) {
	f.Add(fixture(f, "amd-smi-metric-power-json-bare-list-rocm61.txt"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseAMDSMIMetric(b)
		ParseROCmSMI(b)
	})
}

// TestParseROCmSMIMemoryBusy: rocm-smi before its "Memory Activity" key
// prints the memory controller's busy percent as "GPU memory use (%)"
// (rocm_smi.py showMemUse, from rsmi_dev_memory_busy_percent_get), what
// nvidia-smi calls utilization.memory. The MI100 recording has it ("0" on
// every card) and it was dropped: memory utilization read as unknown.
func TestParseROCmSMIMemoryBusy(t *testing.T) {
	page := fixture(t, "rocm-smi-json-mi100-rocm602.txt")
	got, err := ParseROCmSMI(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got {
		if s.MemoryUtilizationPct == nil || *s.MemoryUtilizationPct != 0 {
			t.Errorf("card%d: memory utilization %v; want 0 %% (\"GPU memory use (%%)\": \"0\")", s.Index, s.MemoryUtilizationPct)
		}
	}
	// The same page with card0's value changed, so that a constant cannot pass.
	key := []byte(`"GPU memory use (%)": "0"`)
	if bytes.Count(page, key) != 4 {
		t.Fatalf("the recording has %d %s; want 4", bytes.Count(page, key), key)
	}
	got, err = ParseROCmSMI(bytes.Replace(page, key, []byte(`"GPU memory use (%)": "37"`), 1))
	if err != nil {
		t.Fatal(err)
	}
	if p := got[0].MemoryUtilizationPct; p == nil || *p != 37 {
		t.Errorf("card0: memory utilization %v; want 37", p)
	}
}
