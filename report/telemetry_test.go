package report

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

const (
	sec = int64(1e9)
	gib = uint64(1) << 30
)

// twoGPUs is a 5-tick run (0..4 s) of two GPUs:
//
//	tick s          0     1     2     3     4
//	GPU0 util %    10    20    30    40    50
//	GPU0 power W  100   200   300   400   500
//	GPU0 energy mJ  0 150000 400000 750000 1200000
//	GPU0 mem GiB    1     2     3     4     5
//	GPU1 util %     0     0    60    80   100
//	GPU1 power W   50    50    50    50    50
//	GPU1 energy mJ  0  50000 100000 150000 200000
//	GPU1 mem GiB   10    10    10    10    10
//	reasons      -/-  cap/idle -/therm+cap -/-  -/-
//
// plus a failed tick (gap) at 2.5 s. noCounter lists the GPUs whose
// energy counter is dropped.
func twoGPUs(noCounter ...int) []rundir.GPUSample {
	util := [2][]float64{{10, 20, 30, 40, 50}, {0, 0, 60, 80, 100}}
	power := [2][]float64{{100, 200, 300, 400, 500}, {50, 50, 50, 50, 50}}
	energy := [2][]uint64{{0, 150000, 400000, 750000, 1200000}, {0, 50000, 100000, 150000, 200000}}
	mem := [2][]uint64{{1, 2, 3, 4, 5}, {10, 10, 10, 10, 10}}
	reasons := [2][][]string{
		{{}, {"sw_power_cap"}, {}, {}, {}},
		{{}, {"gpu_idle"}, {"hw_thermal_slowdown", "sw_power_cap"}, {}, {}},
	}
	var out []rundir.GPUSample
	for tick := range 5 {
		for g := range 2 {
			s := rundir.GPUSample{TNS: int64(tick) * sec, Index: g, UUID: []string{"GPU-a", "GPU-b"}[g],
				UtilizationPct: gpu.Ptr(util[g][tick]), PowerW: gpu.Ptr(power[g][tick]),
				EnergyMJ: gpu.Ptr(energy[g][tick]), MemoryUsedBytes: gpu.Ptr(mem[g][tick] * gib),
				MemoryTotalBytes: gpu.Ptr(80 * gib), ClockEventReasons: reasons[g][tick]}
			for _, n := range noCounter {
				if n == g {
					s.EnergyMJ = nil
				}
			}
			out = append(out, s)
		}
		if tick == 2 {
			out = append(out, rundir.GPUSample{TNS: 2*sec + sec/2, Index: -1, Error: "scrape timeout"})
		}
	}
	return out
}

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSummarizeGPUWindow(t *testing.T) {
	// Window [1.5 s, 3.5 s]: ticks 2 and 3 inside.
	//   util readings 30 40 60 80 → mean 52.5, peak 80
	//   power per tick 350, 450 → mean 400, peak 450
	//   memory per tick 13, 14 GiB → mean 13.5 GiB, peak 14 GiB
	//   energy by counter: GPU0 E(3.5)=975000, E(1.5)=275000 → 700 J;
	//     GPU1 175000 − 75000 → 100 J; total 800 J; 1600 tokens → 2 tokens/J
	//   throttle: [1.5,2) cap (tick 1), [2,3) therm+cap (tick 2), [3,3.5] none
	//     → throttled 1.5 s of 2 s = 0.75; cap 0.75, thermal 0.5; gpu_idle
	//     is not a throttle reason.
	want := GPULevel{
		StartNS: 3 * sec / 2, EndNS: 7 * sec / 2, GPUs: 2, Samples: 4, Gaps: 1,
		UtilizationPct:   &MeanPeak{Mean: 52.5, Peak: 80},
		MemoryUsedBytes:  &MeanPeak{Mean: 13.5 * float64(gib), Peak: 14 * float64(gib)},
		MemoryTotalBytes: gpu.Ptr(160 * gib),
		PowerW:           &MeanPeak{Mean: 400, Peak: 450},
		EnergyJ:          gpu.Ptr(800.0), EnergySource: "counter",
		OutputTokensPerJ: gpu.Ptr(2.0),
		ThrottledShare:   gpu.Ptr(0.75),
		ThrottleReasons:  map[string]float64{"sw_power_cap": 0.75, "hw_thermal_slowdown": 0.5},
		Throttled:        true,
	}
	got := SummarizeGPU(twoGPUs(), 3*sec/2, 7*sec/2, 1600)
	if diff := gocmp.Diff(want, got, gocmp.Comparer(approx)); diff != "" {
		t.Errorf("SummarizeGPU (-want +got):\n%s", diff)
	}
}

func TestSummarizeGPUEnergyFallback(t *testing.T) {
	tests := []struct {
		name       string
		noCounter  []int
		start, end int64
		wantJ      float64
		wantSource string
	}{
		// ∫P: GPU0 P(1.5)=250 … P(3.5)=450: 137.5 + 350 + 212.5 = 700 J;
		// GPU1 50 W × 2 s = 100 J. The same 800 J as the counter.
		{"no counters", []int{0, 1}, 3 * sec / 2, 7 * sec / 2, 800, "power_integral"},
		{"one counter", []int{0}, 3 * sec / 2, 7 * sec / 2, 800, "mixed"},
		// Window [3.5 s, 5 s] runs past the last tick (4 s): the counter
		// does not bracket it, so ∫P with power held at 500 W after 4 s:
		// GPU0 (450+500)/2 × 0.5 + 500 × 1 = 737.5 J; GPU1 50 × 1.5 = 75 J.
		{"window past the last tick", nil, 7 * sec / 2, 5 * sec, 812.5, "power_integral"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SummarizeGPU(twoGPUs(tt.noCounter...), tt.start, tt.end, 0)
			if got.EnergyJ == nil || !approx(*got.EnergyJ, tt.wantJ) || got.EnergySource != tt.wantSource {
				t.Errorf("energy = %v J by %q; want %v J by %q", deref(got.EnergyJ), got.EnergySource, tt.wantJ, tt.wantSource)
			}
			if got.OutputTokensPerJ == nil || *got.OutputTokensPerJ != 0 {
				t.Errorf("tokens/J with 0 tokens = %v; want 0", got.OutputTokensPerJ)
			}
		})
	}
}

func TestSummarizeGPUCounterResetFallsBack(t *testing.T) {
	ss := twoGPUs()
	for i := range ss {
		// GPU1's counter restarts at tick 3 (driver reload).
		if ss[i].Index == 1 && ss[i].TNS >= 3*sec {
			ss[i].EnergyMJ = gpu.Ptr(uint64(ss[i].TNS/sec-3) * 50000)
		}
	}
	got := SummarizeGPU(ss, 3*sec/2, 7*sec/2, 0)
	if got.EnergyJ == nil || !approx(*got.EnergyJ, 800) || got.EnergySource != "mixed" {
		t.Errorf("energy = %v J by %q; want 800 J by mixed (GPU1 by ∫P)", deref(got.EnergyJ), got.EnergySource)
	}
}

func TestSummarizeGPUAbsentFields(t *testing.T) {
	// As from a MIG GPU on dcgm-exporter: no utilization, no reasons, no
	// energy, no power: those stay nil and nothing is flagged.
	ss := []rundir.GPUSample{
		{TNS: 0, Index: 0, MemoryUsedBytes: gpu.Ptr(gib)},
		{TNS: sec, Index: 0, MemoryUsedBytes: gpu.Ptr(3 * gib)},
	}
	got := SummarizeGPU(ss, 0, sec, 100)
	want := GPULevel{StartNS: 0, EndNS: sec, GPUs: 1, Samples: 2, MemoryUsedBytes: &MeanPeak{Mean: 2 * float64(gib), Peak: 3 * float64(gib)}}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("SummarizeGPU (-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(got)
	if string(b) != `{"start_ns":0,"end_ns":1000000000,"gpus":1,"samples":2,"gaps":0,"memory_used_bytes":{"mean":2147483648,"peak":3221225472},"throttled":false}` {
		t.Errorf("JSON = %s", b)
	}
	if got := SummarizeGPU(nil, 0, sec, 5); got.GPUs != 0 || got.EnergyJ != nil || got.Throttled {
		t.Errorf("SummarizeGPU(no samples) = %+v; want an empty level", got)
	}
}

func TestSummarizeGPUThrottleBelowFlag(t *testing.T) {
	// One 0.25 s power-cap tick in a 60 s window: share 0.25/60 < 1%.
	var ss []rundir.GPUSample
	for i := int64(0); i <= 240; i++ {
		r := []string{}
		if i == 100 {
			r = []string{"sw_power_cap"}
		}
		ss = append(ss, rundir.GPUSample{TNS: i * sec / 4, Index: 0, ClockEventReasons: r})
	}
	got := SummarizeGPU(ss, 0, 60*sec, 0)
	if got.ThrottledShare == nil || !approx(*got.ThrottledShare, 0.25/60) || got.Throttled {
		t.Errorf("share %v, flagged %v; want %v and not flagged", deref(got.ThrottledShare), got.Throttled, 0.25/60)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestGPULineNamesThrottleReasons: the table's throttle warning names each
// reason with its share, the longest first, as the report does. On an H200
// at its 700 W cap (the device check of 2026-12-04) it printed Go's map
// syntax: "throttled 100% of the window: map[sw_power_cap:1]".
func TestGPULineNamesThrottleReasons(t *testing.T) {
	share := 1.0
	g := &GPULevel{GPUs: 1, Samples: 64, ThrottledShare: &share, Throttled: true,
		ThrottleReasons: map[string]float64{"sw_power_cap": 1, "hw_thermal_slowdown": 0.25, "sync_boost": 0.25}}
	got := gpuLine(g)
	want := "WARNING: GPU throttled 100% of the window: sw_power_cap 100 %, hw_thermal_slowdown 25 %, sync_boost 25 %\n"
	if !strings.HasSuffix(got, want) {
		t.Errorf("gpuLine:\n%s\nwant it to end with\n%s", got, want)
	}
	if (&GPULevel{}).ThrottleWords() != "reason not reported" {
		t.Errorf("no reasons: %q", (&GPULevel{}).ThrottleWords())
	}
}

// TestPowerIntegralOnH200Transition: energy from power readings against
// the energy counter, on a real H200 going from idle to its 700 W cap and
// back (testdata/h200-transition). NVML's power is the mean over the
// second before each reading: placed at the middle of that second, the
// integral is within 3 % of the counter over windows of 5 s and more;
// taken at the readings' own times it lags, 20 % low on the rise.
func TestPowerIntegralOnH200Transition(t *testing.T) {
	recorded := h200Transition(t)
	byPower := func(window int64) []rundir.GPUSample {
		out := slices.Clone(recorded)
		for i := range out {
			out[i].EnergyMJ, out[i].PowerWindowNS = nil, window
		}
		return out
	}
	averaged, instant := byPower(int64(time.Second)), byPower(0)
	const s = int64(time.Second)
	for _, w := range [][2]int64{{s / 10, 21*s + s/2}, {s / 10, 10*s + s/2}, {10 * s, 20 * s}, {5 * s, 15 * s}, {15 * s, 21 * s}, {2 * s, 12 * s}, {s / 10, 5 * s}} {
		c := SummarizeGPU(recorded, w[0], w[1], 0)
		if c.EnergySource != EnergyCounter || c.EnergyJ == nil {
			t.Fatalf("%v: energy source %q; the recording has counters", w, c.EnergySource)
		}
		p := SummarizeGPU(averaged, w[0], w[1], 0)
		if p.EnergySource != EnergyPowerIntegral {
			t.Fatalf("%v: energy source %q; want the power integral", w, p.EnergySource)
		}
		rel := (*p.EnergyJ - *c.EnergyJ) / *c.EnergyJ
		t.Logf("[%4.1f s, %4.1f s]: counter %7.1f J, power integral %7.1f J (%+.2f %%)", float64(w[0])/1e9, float64(w[1])/1e9, *c.EnergyJ, *p.EnergyJ, 100*rel)
		if math.Abs(rel) > 0.03 {
			t.Errorf("%v: power integral %.1f J, counter %.1f J: %+.1f %%; want within 3 %%", w, *p.EnergyJ, *c.EnergyJ, 100*rel)
		}
	}
	// The lag the placement removes: a window that ends on the rise.
	c := SummarizeGPU(recorded, s/10, 10*s+s/2, 0)
	if p := SummarizeGPU(instant, s/10, 10*s+s/2, 0); (*c.EnergyJ-*p.EnergyJ) / *c.EnergyJ < 0.15 {
		t.Errorf("readings at their own times: %.1f J against the counter's %.1f J; the recording shows a lag of 15 %% or more", *p.EnergyJ, *c.EnergyJ)
	}
}

// TestPowerMeanOnH200Transition: a level's mean power, on the recorded
// idle → 700 W → idle transition with NVML's 1 s trailing means, agrees
// with the energy counter's joules over the window's seconds, because each
// reading counts for the window its second's middle falls in. Counted by
// the readings' own times the mean was 22 % low over the window ending on
// the rise (93.6 W against 120.0) and 8 % high over one on the fall.
func TestPowerMeanOnH200Transition(t *testing.T) {
	recorded := h200Transition(t)
	for i := range recorded {
		recorded[i].PowerWindowNS = int64(time.Second) // recorded before the field; compute capability 9.0
	}
	const s = int64(time.Second)
	for _, w := range [][2]int64{{s / 10, 21*s + s/2}, {s / 10, 10*s + s/2}, {10 * s, 20 * s}, {5 * s, 15 * s}, {15 * s, 21 * s}, {2 * s, 12 * s}, {s / 10, 5 * s}} {
		lv := SummarizeGPU(recorded, w[0], w[1], 0)
		if lv.EnergySource != EnergyCounter || lv.PowerW == nil {
			t.Fatalf("%v: energy from %q, power %v", w, lv.EnergySource, lv.PowerW)
		}
		want := *lv.EnergyJ / (float64(w[1]-w[0]) / 1e9)
		rel := (lv.PowerW.Mean - want) / want
		t.Logf("[%4.1f s, %4.1f s]: mean power %6.1f W, counter %6.1f W (%+.2f %%)", float64(w[0])/1e9, float64(w[1])/1e9, lv.PowerW.Mean, want, 100*rel)
		if math.Abs(rel) > 0.015 {
			t.Errorf("%v: mean power %.1f W, the counter's %.1f W: %+.1f %%; want within 1.5 %%", w, lv.PowerW.Mean, want, 100*rel)
		}
	}
}

// h200Transition reads the recorded H200 idle → 700 W → idle transition
// (testdata/h200-transition).
func h200Transition(t *testing.T) []rundir.GPUSample {
	t.Helper()
	f, err := os.Open("testdata/h200-transition/gpu.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recorded, err := rundir.ReadGPUSamples(f)
	if err != nil {
		t.Fatal(err)
	}
	return recorded
}

// TestGPULineWithoutAReading: a level whose window held no GPU reading
// says so; the line read "GPU (0 devices, 0 samples): " and ended there.
func TestGPULineWithoutAReading(t *testing.T) {
	for g, want := range map[*GPULevel]string{
		{}:        "GPU: no reading in the level's window\n",
		{Gaps: 3}: "GPU: no reading in the level's window (3 failed ticks)\n",
		{Gaps: 1}: "GPU: no reading in the level's window (1 failed tick)\n",
	} {
		if got := gpuLine(g); got != want {
			t.Errorf("gpuLine(%+v) = %q; want %q", *g, got, want)
		}
	}
}

// TestGPULineSaysFailedTicks: a level with readings and failed ticks
// beside them says how many failed, as summary.json's gaps does: the line
// showed only the readings, and a level that lost most of its ticks read
// as one fully measured.
func TestGPULineSaysFailedTicks(t *testing.T) {
	p := 300.0
	g := &GPULevel{GPUs: 1, Samples: 4, Gaps: 12, PowerW: &MeanPeak{Mean: p, Peak: p}}
	if got, want := gpuLine(g), "GPU (1 device, 4 samples, 12 failed ticks): power 300 W mean, 300 W peak\n"; got != want {
		t.Errorf("gpuLine = %q; want %q", got, want)
	}
}

// TestInterp, hand-computed over readings (0 s, 10), (10 s, 20), (10 s,
// 30), (20 s, 40): held at 10 before the first and 40 after the last; 15
// halfway to the second; 20 at 10 s, the first of the two readings there;
// 35 halfway from the second of them to the last.
func TestInterp(t *testing.T) {
	pts := []point{{0, 10}, {10 * sec, 20}, {10 * sec, 30}, {20 * sec, 40}}
	for _, tt := range []struct {
		t    int64
		want float64
	}{{-5 * sec, 10}, {0, 10}, {5 * sec, 15}, {10 * sec, 20}, {15 * sec, 35}, {20 * sec, 40}, {25 * sec, 40}} {
		if got := interp(pts, tt.t); got != tt.want {
			t.Errorf("interp at %d s = %v; want %v", tt.t/sec, got, tt.want)
		}
	}
}

// TestThrottleBeforeTheFirstReading, hand-computed: a window that begins
// before the GPUs' first reading takes the first reading's state from its
// start. twoGPUs over [−1 s, 1.5 s]: no throttle from −1 s to 1 s (tick
// 0's state), GPU 0's power cap from 1 s to 1.5 s: 0.5 s of 2.5 s, 20 %
// (GPU 1's gpu_idle is no throttle). A GPU capped at its first reading (1
// s) and not at its second (2 s), over [0 s, 2 s]: capped throughout.
func TestThrottleBeforeTheFirstReading(t *testing.T) {
	got := SummarizeGPU(twoGPUs(), -sec, 3*sec/2, 0)
	if got.ThrottledShare == nil || !approx(*got.ThrottledShare, 0.2) || !approx(got.ThrottleReasons["sw_power_cap"], 0.2) || len(got.ThrottleReasons) != 1 {
		t.Errorf("twoGPUs over [-1 s, 1.5 s]: throttled %v, reasons %v; want 0.2, sw_power_cap 0.2", deref(got.ThrottledShare), got.ThrottleReasons)
	}
	capped := []rundir.GPUSample{
		{TNS: sec, Index: 0, ClockEventReasons: []string{"sw_power_cap"}},
		{TNS: 2 * sec, Index: 0, ClockEventReasons: []string{}},
	}
	if got := SummarizeGPU(capped, 0, 2*sec, 0); got.ThrottledShare == nil || *got.ThrottledShare != 1 {
		t.Errorf("capped at the first reading, over [0 s, 2 s]: throttled %v; want 1", deref(got.ThrottledShare))
	}
}
