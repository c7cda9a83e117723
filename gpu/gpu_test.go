package gpu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/rundir"
)

// scripted is a Sampler whose n-th call (from 0) returns steps[n].
type scripted struct {
	steps []step
	calls int
	delay time.Duration // time each Sample call takes
}

type step struct {
	util []float64 // one device per value
	err  error
	// partial marks the error as belonging to device 0's reading.
	partial bool
}

func (s *scripted) Devices(context.Context) ([]rundir.GPUDevice, error) { return nil, nil }
func (s *scripted) Close() error                                        { return nil }
func (s *scripted) Sample(ctx context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	st := s.steps[min(s.calls, len(s.steps)-1)]
	s.calls++
	for i, u := range st.util {
		smp := rundir.GPUSample{Index: i, UtilizationPct: Ptr(u)}
		if st.partial && i == 0 {
			smp.Error = st.err.Error()
		}
		dst = append(dst, smp)
	}
	return dst, st.err
}

func TestWatchTicksAndGaps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("scrape: connection refused")
		s := &scripted{
			delay: 10 * time.Millisecond,
			steps: []step{
				{util: []float64{0, 5}},
				{util: []float64{50, 55}},
				{err: boom}, // whole tick failed
				{util: []float64{90}, err: errors.New("device 1: GPU is lost")},             // partial, general error
				{util: []float64{95, 99}, err: errors.New("power: unknown"), partial: true}, // partial, on device 0
				{util: []float64{100, 100}},
			},
		}
		start := time.Now()
		var got []rundir.GPUSample
		var errTimes []int64
		cfg := WatchConfig{Interval: 250 * time.Millisecond, Count: 6, OnError: func(tNS int64, err error) { errTimes = append(errTimes, tNS) }}
		err := Watch(t.Context(), s, start, cfg, func(b []rundir.GPUSample) error {
			got = append(got, b...)
			return nil
		})
		if err != nil {
			t.Fatalf("Watch = %v; want nil after Count ticks", err)
		}
		// Tick k starts at k*250ms and its reading returns 10ms later.
		ms := func(v int64) int64 { return v * int64(time.Millisecond) }
		want := []rundir.GPUSample{
			{TNS: ms(10), Index: 0, UtilizationPct: Ptr(0.0)},
			{TNS: ms(10), Index: 1, UtilizationPct: Ptr(5.0)},
			{TNS: ms(260), Index: 0, UtilizationPct: Ptr(50.0)},
			{TNS: ms(260), Index: 1, UtilizationPct: Ptr(55.0)},
			{TNS: ms(510), Index: -1, Error: "scrape: connection refused"},
			{TNS: ms(760), Index: 0, UtilizationPct: Ptr(90.0)},
			{TNS: ms(760), Index: -1, Error: "device 1: GPU is lost"},
			{TNS: ms(1010), Index: 0, UtilizationPct: Ptr(95.0), Error: "power: unknown"},
			{TNS: ms(1010), Index: 1, UtilizationPct: Ptr(99.0)},
			{TNS: ms(1260), Index: 0, UtilizationPct: Ptr(100.0)},
			{TNS: ms(1260), Index: 1, UtilizationPct: Ptr(100.0)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Watch samples (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int64{ms(510), ms(760), ms(1010)}, errTimes); diff != "" {
			t.Errorf("OnError times (-want +got):\n%s", diff)
		}
		if !got[4].IsGap() || got[0].IsGap() || got[7].IsGap() {
			t.Errorf("IsGap: gap=%v reading=%v partial=%v; want true false false", got[4].IsGap(), got[0].IsGap(), got[7].IsGap())
		}
	})
}

func TestWatchSlowTickSkipsMissedTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 600 ms per reading at a 250 ms interval: ticks at 250 and 500 ms
		// fall inside the first reading; the ticker buffers one and drops
		// the other, so the next reading starts at once at 600 ms and the
		// one after at 1200 ms: one reading per 600 ms, none queued.
		s := &scripted{delay: 600 * time.Millisecond, steps: []step{{util: []float64{1}}}}
		start := time.Now()
		var times []int64
		err := Watch(t.Context(), s, start, WatchConfig{Interval: 250 * time.Millisecond, Count: 3}, func(b []rundir.GPUSample) error {
			times = append(times, b[0].TNS/int64(time.Millisecond))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{600, 1200, 1800}, times); diff != "" {
			t.Errorf("tick times in ms (-want +got):\n%s", diff)
		}
	})
}

func TestWatchStopsOnContextAndEmitError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{steps: []step{{util: []float64{1}}}}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		n := 0
		err := Watch(ctx, s, time.Now(), WatchConfig{}, func([]rundir.GPUSample) error { n++; return nil })
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Watch after ctx deadline = %v; want DeadlineExceeded", err)
		}
		// Readings at 0, 250, 500, 750 ms; the tick at 1000 ms races the
		// deadline, which select may pick first.
		if n != 4 && n != 5 {
			t.Errorf("Watch over 1 s at the default 250 ms made %d ticks; want 4 or 5", n)
		}

		stop := errors.New("disk full")
		err = Watch(t.Context(), s, time.Now(), WatchConfig{}, func([]rundir.GPUSample) error { return stop })
		if !errors.Is(err, stop) {
			t.Errorf("Watch with failing emit = %v; want %v", err, stop)
		}
		if err := Watch(t.Context(), s, time.Now(), WatchConfig{Interval: -time.Second}, nil); err == nil {
			t.Error("Watch with a negative interval = nil; want error")
		}
	})
}

func TestRecordWritesJSONLAndEndsCleanly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{steps: []step{{util: []float64{42}}, {err: errors.New("timeout")}}}
		ctx, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
		defer cancel()
		var buf bytes.Buffer
		if err := Record(ctx, s, time.Now(), WatchConfig{}, &buf); err != nil {
			t.Fatalf("Record = %v; want nil when ctx ends", err)
		}
		want := `{"t_ns":0,"index":0,"utilization_pct":42}
{"t_ns":250000000,"index":-1,"error":"timeout"}
{"t_ns":500000000,"index":-1,"error":"timeout"}
`
		if diff := cmp.Diff(want, buf.String()); diff != "" {
			t.Errorf("gpu.jsonl (-want +got):\n%s", diff)
		}
		got, err := rundir.ReadGPUSamples(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || *got[0].UtilizationPct != 42 || !got[2].IsGap() {
			t.Errorf("ReadJSONL = %+v; want 3 samples, util 42 then two gaps", got)
		}
	})
}

func TestSampleJSONAbsentVersusZero(t *testing.T) {
	tests := []struct {
		name string
		s    rundir.GPUSample
		want string
	}{
		{"unsupported fields absent", rundir.GPUSample{TNS: 5, Index: 2, UUID: "GPU-x", Name: "NVIDIA H100 80GB HBM3"},
			`{"t_ns":5,"index":2,"uuid":"GPU-x","name":"NVIDIA H100 80GB HBM3"}`},
		{"measured zeros present", rundir.GPUSample{UtilizationPct: Ptr(0.0), MemoryUsedBytes: Ptr[uint64](0), PowerW: Ptr(0.0), EnergyMJ: Ptr[uint64](0), ClockEventReasons: []string{}},
			`{"t_ns":0,"index":0,"utilization_pct":0,"memory_used_bytes":0,"power_w":0,"energy_mj":0,"clock_event_reasons":[]}`},
		{"every field", rundir.GPUSample{TNS: 1, Index: 0, UtilizationPct: Ptr(99.0), MemoryUtilizationPct: Ptr(11.0), MemoryUsedBytes: Ptr[uint64](1 << 30), MemoryTotalBytes: Ptr[uint64](80 << 30), MemoryReservedBytes: Ptr[uint64](479 << 20),
			PowerW: Ptr(631.95), EnergyMJ: Ptr[uint64](257858316), TemperatureC: Ptr(59.0), SMClockMHz: Ptr(1980.0), ClockEventReasons: []string{"sw_power_cap"}, Error: "x"},
			`{"t_ns":1,"index":0,"utilization_pct":99,"memory_utilization_pct":11,"memory_used_bytes":1073741824,"memory_total_bytes":85899345920,"memory_reserved_bytes":502267904,"power_w":631.95,"energy_mj":257858316,"temperature_c":59,"sm_clock_mhz":1980,"clock_event_reasons":["sw_power_cap"],"error":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("json.Marshal(%s) = %s; want %s", tt.name, b, tt.want)
			}
			var back rundir.GPUSample
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.s, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClockEventReasons(t *testing.T) {
	tests := []struct {
		mask uint64
		want []string
	}{
		{0, []string{}},
		{0x1, []string{"gpu_idle"}}, // the idle H100 capture: clocks_event_reasons.active 0x0000000000000001
		{0x4 | 0x40, []string{"sw_power_cap", "hw_thermal_slowdown"}},
		{0x7FF, []string{"gpu_idle", "applications_clocks_setting", "sw_power_cap", "hw_slowdown", "sync_boost", "sw_thermal_slowdown", "hw_thermal_slowdown", "hw_power_brake_slowdown", "display_clock_setting", "board_limit", "reliability"}},
		{1 << 12, []string{"bit_12"}},
	}
	for _, tt := range tests {
		got := ClockEventReasons(tt.mask)
		if diff := cmp.Diff(tt.want, got); diff != "" || got == nil {
			t.Errorf("ClockEventReasons(%#x) = %#v; want %#v", tt.mask, got, tt.want)
		}
	}
	for r, want := range map[string]bool{"sw_power_cap": true, "hw_thermal_slowdown": true, "throttled": true, "gpu_idle": false, "sync_boost": false, "applications_clocks_setting": false} {
		if got := IsThrottle(r); got != want {
			t.Errorf("IsThrottle(%q) = %v; want %v", r, got, want)
		}
	}
}

func TestReadJSONLBadLine(t *testing.T) {
	_, err := rundir.ReadGPUSamples(strings.NewReader("{\"t_ns\":1,\"index\":0}\n\nnot json\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("ReadJSONL(bad line 3) = %v; want an error naming line 3", err)
	}
}

// TestPowerWindow: NVML's rule (nvmlDeviceGetPowerUsage): a 1 s average on
// Ampere except GA100 (8.0), and newer; instantaneous on GA100 and older.
func TestPowerWindow(t *testing.T) {
	for _, tt := range []struct {
		major, minor int
		want         time.Duration
	}{{7, 0, 0}, {7, 5, 0}, {8, 0, 0}, {8, 6, time.Second}, {8, 9, time.Second}, {9, 0, time.Second}, {10, 0, time.Second}, {12, 0, time.Second}} {
		if got := powerWindow(tt.major, tt.minor); got != tt.want {
			t.Errorf("powerWindow(%d, %d) = %v; want %v", tt.major, tt.minor, got, tt.want)
		}
	}
}

// TestWatchLineMiBAsNvidiaSMI: memory in whole MiB rounded to the nearest,
// as nvidia-smi prints NVML's bytes. An H200 under load read 21194670080
// bytes used (20212.5 MiB): nvidia-smi printed 20213; the table, which
// truncated, 20212.
func TestWatchLineMiBAsNvidiaSMI(t *testing.T) {
	s := &rundir.GPUSample{TNS: 2e9, Index: 0, MemoryUsedBytes: Ptr[uint64](21194670080), MemoryTotalBytes: Ptr[uint64](150754820096)}
	if got := WatchLine(s); !strings.Contains(got, " 20213/143771 ") {
		t.Errorf("WatchLine = %q; want 20213/143771 MiB as nvidia-smi shows it", got)
	}
	var b bytes.Buffer
	tw := NewTable(&b)
	tw.Devices([]rundir.GPUDevice{{Index: 0, Name: "NVIDIA H200", MemoryTotalBytes: Ptr[uint64](150754820096 - 1)}})
	tw.Flush()
	if !strings.Contains(b.String(), "143771 MiB") {
		t.Errorf("Devices: %q; want 143771 MiB (one byte short rounds up)", b.String())
	}
}

// TestWatchHeaderNamesEveryUnit: every number of gpu watch's table has its
// unit in the header. The temperature's had none ("TEMP"), where every
// other column said its unit (W, J, MiB, MHz, %).
func TestWatchHeaderNamesEveryUnit(t *testing.T) {
	h := WatchHeader()
	for _, col := range []string{"T(s)", "UTIL%", "USED/TOTAL MiB", "POWER W", "ENERGY J", "TEMP C", "SM MHz"} {
		if !strings.Contains(h, col) {
			t.Errorf("header %q has no %q", h, col)
		}
	}
	// The row lines up under it: the temperature ends where its header does.
	row := WatchLine(&rundir.GPUSample{Index: 0, TemperatureC: Ptr(61.0), SMClockMHz: Ptr(1980.0)})
	if end := strings.Index(h, "TEMP C") + len("TEMP C"); end > len(row) || row[end-2:end] != "61" {
		t.Errorf("row %q: the temperature does not end under the header's end %d (%q)", row, end, h)
	}
}

// A GPU that drops out of a backend's reading with no error (it fell off
// the bus: nvidia-smi then prints the others; a dcgm-exporter page lists
// it no more) left no trace in gpu.jsonl: the level's summary went on
// counting it as read, with its last power. The tick says which GPU is
// missing, once per tick, as a gap, until it is back.
func TestWatchNamesAGPUThatGoesMissing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{steps: []step{
			{util: []float64{0, 5}},
			{util: []float64{7}},
			{util: []float64{1, 2}},
		}}
		var got []rundir.GPUSample
		var errs []string
		cfg := WatchConfig{Interval: time.Second, Count: 3, OnError: func(_ int64, err error) { errs = append(errs, err.Error()) }}
		if err := Watch(t.Context(), s, time.Now(), cfg, func(b []rundir.GPUSample) error {
			got = append(got, b...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		sec := int64(time.Second)
		want := []rundir.GPUSample{
			{TNS: 0, Index: 0, UtilizationPct: Ptr(0.0)},
			{TNS: 0, Index: 1, UtilizationPct: Ptr(5.0)},
			{TNS: sec, Index: 0, UtilizationPct: Ptr(7.0)},
			{TNS: sec, Index: -1, Error: "gpu 1 is missing from this reading (read before)"},
			{TNS: 2 * sec, Index: 0, UtilizationPct: Ptr(1.0)},
			{TNS: 2 * sec, Index: 1, UtilizationPct: Ptr(2.0)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Watch samples (-want +got):\n%s", diff)
		}
		if len(errs) != 1 {
			t.Errorf("OnError calls = %q; want one", errs)
		}
	})
}

// The inventory's and readings' text is a tool's or an exporter's
// (dcgm-exporter's modelName label, nvidia-smi's stderr): `gpu list`
// wrote a modelName of "\x1b]0;pwned\x07Evil\tGPU\x1b[2J" to the terminal
// as it was, retitling the window, clearing the screen and splitting the
// table's NAME column at the tab. It is written out (printable.Text).
func TestTableWritesOutControlCharacters(t *testing.T) {
	evil := "\x1b]0;pwned\x07Evil\tGPU\x1b[2J"
	var b strings.Builder
	tw := NewTable(&b)
	tw.Devices([]rundir.GPUDevice{{Name: evil, UUID: "GPU-1\x1b[31m", DriverVersion: "535\n", Host: "h\x1b[0m"}})
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	line := WatchLine(&rundir.GPUSample{Index: 0, Error: "nvidia-smi: exit status 1: \x1b[31mNVRM\x1b[0m: Xid 79\nGPU has fallen off the bus"})
	line += WatchLine(&rundir.GPUSample{Index: -1, Error: "dcgm: \x1b[2J"})
	for _, out := range []string{b.String(), line} {
		if strings.ContainsAny(strings.TrimSuffix(strings.ReplaceAll(out, "\n", "\x00"), "\x00"), "\x1b\x07\t") {
			t.Errorf("output %q holds a control character", out)
		}
	}
	if !strings.Contains(b.String(), `\x1b]0;pwned\aEvil\tGPU\x1b[2J`) {
		t.Errorf("gpu list = %q; want the name written out", b.String())
	}
	if strings.Count(line, "\n") != 2 {
		t.Errorf("watch lines = %q; want one line a sample", line)
	}
}

// uuidSampler reads GPU 0 and 1, GPU 0's UUID failing on the ticks in
// noUUID.
type uuidSampler struct {
	calls  int
	noUUID map[int]bool
}

func (s *uuidSampler) Devices(context.Context) ([]rundir.GPUDevice, error) { return nil, nil }
func (s *uuidSampler) Close() error                                        { return nil }
func (s *uuidSampler) Sample(_ context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	u := "GPU-a"
	if s.noUUID[s.calls] {
		u = ""
	}
	s.calls++
	return append(dst, rundir.GPUSample{Index: 0, UUID: u}, rundir.GPUSample{Index: 1, UUID: "GPU-b"}), nil
}

// A GPU whose UUID failed on a tick (nvidia-smi's [Unknown Error]) is
// still read: it is not missing, before or after its UUID comes back, and
// not a GPU that appeared when its UUID comes back after a first tick
// without it ("gpu 0 (GPU-a) appeared: not read at the first tick" was
// said of it, an error of the run).
func TestWatchAGPUWithoutItsUUIDIsNotMissing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &uuidSampler{noUUID: map[int]bool{0: true, 2: true}}
		var gaps, said []string
		errs := 0
		cfg := WatchConfig{Interval: time.Second, Count: 4, OnError: func(int64, error) { errs++ }}
		err := Watch(t.Context(), s, time.Now(), cfg, func(b []rundir.GPUSample) error {
			for _, x := range b {
				if x.IsGap() {
					gaps = append(gaps, x.Error)
				} else if x.Error != "" {
					said = append(said, x.Error)
				}
			}
			return nil
		})
		if err != nil || len(gaps) != 0 || len(said) != 0 || errs != 0 {
			t.Errorf("Watch = %v, gaps %q, readings' errors %q, %d errors told; want none", err, gaps, said, errs)
		}
	})
}

// A GPU first read after the first tick (hot-plugged, a MIG layout
// changed) was summed into the level's power and memory with no word: the
// summary said "9 devices" where run.json's inventory held 8. Its first
// reading says so.
func TestWatchNamesAGPUThatAppears(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{steps: []step{
			{util: []float64{0}},
			{util: []float64{1, 2}},
			{util: []float64{3, 4}},
		}}
		var got []rundir.GPUSample
		var errs int
		cfg := WatchConfig{Interval: time.Second, Count: 3, OnError: func(int64, error) { errs++ }}
		if err := Watch(t.Context(), s, time.Now(), cfg, func(b []rundir.GPUSample) error {
			got = append(got, b...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		sec := int64(time.Second)
		want := []rundir.GPUSample{
			{TNS: 0, Index: 0, UtilizationPct: Ptr(0.0)},
			{TNS: sec, Index: 0, UtilizationPct: Ptr(1.0)},
			{TNS: sec, Index: 1, UtilizationPct: Ptr(2.0), Error: "gpu 1 appeared: not read at the first tick"},
			{TNS: 2 * sec, Index: 0, UtilizationPct: Ptr(3.0)},
			{TNS: 2 * sec, Index: 1, UtilizationPct: Ptr(4.0)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Watch samples (-want +got):\n%s", diff)
		}
		if errs != 1 {
			t.Errorf("OnError calls = %d; want 1", errs)
		}
	})
}

// TestPowerWindowOfName: a GPU's marketing name, as dcgm-exporter's
// modelName gives it, read for its power span where no compute capability
// is at hand: GA100 parts (A100, A800, A30) and older instantaneous,
// other Ampere and newer 1 s; a name not in the table unknown.
func TestPowerWindowOfName(t *testing.T) {
	for name, want := range map[string]time.Duration{
		"NVIDIA H100 80GB HBM3":          time.Second,
		"NVIDIA H200":                    time.Second,
		"NVIDIA GH200 480GB":             time.Second,
		"NVIDIA B200":                    time.Second,
		"NVIDIA L40S":                    time.Second,
		"NVIDIA L4":                      time.Second,
		"NVIDIA A10G":                    time.Second,
		"NVIDIA RTX A6000":               time.Second,
		"NVIDIA GeForce RTX 4090":        time.Second,
		"NVIDIA GeForce RTX 3090":        time.Second,
		"NVIDIA RTX 6000 Ada Generation": time.Second,
		"NVIDIA A100-SXM4-80GB":          0,
		"NVIDIA A800-SXM4-80GB":          0,
		"NVIDIA A30":                     0,
		"Tesla V100-SXM2-32GB":           0,
		"Tesla T4":                       0,
		"NVIDIA GeForce RTX 2080 Ti":     0,
		// Quadro RTX 3000 to 8000 are Turing (7.5), whatever their first
		// digit: read as a GeForce's, 3000, 4000 and 5000 were taken for
		// Ampere, Ada and Blackwell, 1 s.
		"Quadro RTX 3000": 0, "Quadro RTX 4000": 0, "Quadro RTX 5000": 0, "Quadro RTX 6000": 0,
	} {
		got, ok := powerWindowOfName(name)
		if !ok || got != want {
			t.Errorf("powerWindowOfName(%q) = %v, %v; want %v, true", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "Some GPU", "NVIDIA RTX A3000 Laptop GPU", "NVIDIA RTX 4000 SFF", "AMD Instinct MI300X"} {
		if got, ok := powerWindowOfName(name); ok {
			t.Errorf("powerWindowOfName(%q) = %v, true; want unknown", name, got)
		}
	}
}

// TestPowerWindowOf: the compute capability, where the driver says it,
// decides over the name (an "H100" of capability 8.0 is read as 8.0); a
// capability not said (major 0) leaves it to the name, and a name the
// table does not know to unknown (0).
func TestPowerWindowOf(t *testing.T) {
	for _, tt := range []struct {
		major, minor int
		name         string
		want         time.Duration
	}{
		{9, 0, "Some GPU", time.Second},
		{8, 0, "NVIDIA H100 80GB HBM3", 0},
		{8, 6, "NVIDIA A100-SXM4-80GB", time.Second},
		{0, 0, "NVIDIA H100 80GB HBM3", time.Second},
		{0, 0, "NVIDIA A100-SXM4-80GB", 0},
		{0, 0, "Some GPU", 0},
	} {
		if got := PowerWindowOf(tt.major, tt.minor, tt.name); got != tt.want {
			t.Errorf("PowerWindowOf(%d, %d, %q) = %v; want %v", tt.major, tt.minor, tt.name, got, tt.want)
		}
	}
}

// TestAddError: a second reason follows the first, neither lost.
func TestAddError(t *testing.T) {
	var s rundir.GPUSample
	AddError(&s, "power: 1e+300 is no GPU's value")
	AddError(&s, "gpu 0 appeared")
	if want := "power: 1e+300 is no GPU's value; gpu 0 appeared"; s.Error != want {
		t.Errorf("Error = %q; want %q", s.Error, want)
	}
}

// TestWithin: the bound itself and zero are a GPU's values; just past
// either, NaN and the infinities are not.
func TestWithin(t *testing.T) {
	for _, tt := range []struct {
		v, limit float64
		want     bool
	}{
		{0, MaxPercent, true}, {MaxPercent, MaxPercent, true}, {MaxPercent + 0.5, MaxPercent, false},
		{-0.5, MaxPercent, false}, {math.NaN(), MaxWatts, false}, {math.Inf(1), MaxWatts, false}, {math.Inf(-1), math.Inf(1), false},
	} {
		if got := Within(tt.v, tt.limit); got != tt.want {
			t.Errorf("Within(%v, %v) = %v; want %v", tt.v, tt.limit, got, tt.want)
		}
	}
}
