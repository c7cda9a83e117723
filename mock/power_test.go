package mock

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/gpu"
)

// TestStepActivity checks the power model's activity against hand-computed
// values: a compute-bound step draws full load, a purely memory-bound one
// MemoryBoundActivity of the dynamic range, overhead dilutes both.
func TestStepActivity(t *testing.T) {
	for _, tt := range []struct{ compute, memory, sec, want float64 }{
		{0.010, 0.004, 0.010, 1},            // prefill: compute-bound, capped
		{0.0001, 0.005, 0.005, 0.02 + 0.45}, // decode at batch 1: memory-bound
		{0.0001, 0.003, 0.005, 0.02 + 0.27}, // the same with 2 ms overhead
		{0, 0, 0.002, 0},                    // overhead only
		{0.001, 0.001, 0, 0},                // no time
	} {
		if got := stepActivity(tt.compute, tt.memory, tt.sec); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("stepActivity(%v, %v, %v) = %v; want %v", tt.compute, tt.memory, tt.sec, got, tt.want)
		}
	}
	if w := fullLoadW(GPUProfile{TDPW: 700}); math.Abs(w-633.5) > 1e-9 {
		t.Errorf("H100 full load %v W; want 633.5 (the gpu-burn capture)", w)
	}
}

// TestPowerFollowsLoad (issue 20 item 7): on the simulated H100 the draw is
// the idle figure with no load and rises with the batch (1 stream, then
// 64), never past the full-load figure (a prefill's compute-bound step
// reaches it: TestStepActivity); output tokens per joule rise with the
// batch instead of staying flat as the old busy-share model made them
// (it drew the TDP at any batch).
func TestPowerFollowsLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Config{GPU: "h100-sxm", Model: "llama-3-8b", OutputTokens: 400})
		gauge := func(path, name string) float64 {
			f := scrape(t, s, path)[name]
			if f == nil {
				t.Fatalf("%s: no %s", path, name)
			}
			m := f.GetMetric()[0]
			return m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
		time.Sleep(time.Second)
		if p := gauge("/dcgm/metrics", "DCGM_FI_DEV_POWER_USAGE"); p != 70 {
			t.Errorf("idle power %v W; want the profile's idle 70 W", p)
		}
		// load runs n streams with prompts of words words and returns the
		// mean power and output tokens per joule over 1 s in mid-generation.
		load := func(n, words int) (powerW, tokPerJ float64) {
			body := fmt.Sprintf(`{"messages":[{"role":"user","content":"%s"}],"stream":true}`, wordsN(words))
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() { s.ServeHTTP(newFlushRecorder(), post(t.Context(), "/v1/chat/completions", body)) })
			}
			time.Sleep(200 * time.Millisecond)
			gauge("/dcgm/metrics", "DCGM_FI_DEV_POWER_USAGE") // start the window
			e0, g0 := gauge("/dcgm/metrics", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"), gauge("/metrics", "vllm:generation_tokens_total")
			time.Sleep(time.Second)
			p := gauge("/dcgm/metrics", "DCGM_FI_DEV_POWER_USAGE")
			e1, g1 := gauge("/dcgm/metrics", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"), gauge("/metrics", "vllm:generation_tokens_total")
			wg.Wait()
			time.Sleep(time.Second)
			return p, (g1 - g0) / ((e1 - e0) / 1000)
		}
		p1, tj1 := load(1, 8)
		p64, tj64 := load(64, 8)
		t.Logf("batch 1: %.0f W, %.2f tok/J; batch 64: %.0f W, %.2f tok/J", p1, tj1, p64, tj64)
		if !(70 < p1 && p1 < p64 && p64 <= 633.5) {
			t.Errorf("power: batch 1 %v W, batch 64 %v W; want 70 < batch 1 < batch 64 ≤ 633.5", p1, p64)
		}
		if tj64 < 10*tj1 {
			t.Errorf("tokens per joule: batch 1 %v, batch 64 %v; want them to rise with the batch (≥ 10×)", tj1, tj64)
		}
	})
}

// wordsN is a prompt of n words.
func wordsN(n int) string {
	b := make([]byte, 0, 2*n)
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, 'a')
	}
	return string(b)
}

// TestLongStepDrawsAsItRuns: a step's activity is drawn over its length. A
// prompt of 6,000 words on the simulated A100 is one compute-bound prefill
// step of about half a second; a scrape window wholly inside it reads the
// full-load draw (0.905 · 400 W), not the idle one, and the energy counter
// grows through it (before, the step's whole activity was booked when it
// began: the window read idle and the next one double).
func TestLongStepDrawsAsItRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Config{GPU: "a100-80gb", Model: "llama-3-8b", OutputTokens: 1})
		gauge := func(name string) float64 {
			m := scrape(t, s, "/dcgm/metrics")[name].GetMetric()[0]
			return m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
		body := fmt.Sprintf(`{"messages":[{"role":"user","content":"%s"}],"stream":true}`, wordsN(6000))
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeHTTP(newFlushRecorder(), post(t.Context(), "/v1/chat/completions", body))
		}()
		time.Sleep(50 * time.Millisecond)
		gauge("DCGM_FI_DEV_POWER_USAGE") // start the window
		e0 := gauge("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")
		time.Sleep(200 * time.Millisecond)
		p := gauge("DCGM_FI_DEV_POWER_USAGE")
		e1 := gauge("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")
		<-done
		if step := s.engine.stats().ActiveS; step < 0.3 {
			t.Fatalf("the prefill step's activity-seconds %.3f; want a step of over 0.3 s for the window to lie inside", step)
		}
		if full := 0.905 * 400; math.Abs(p-full) > 1 {
			t.Errorf("power inside the prefill step %v W; want the full-load %v W", p, full)
		}
		if de := (e1 - e0) / 1000; math.Abs(de-0.2*0.905*400) > 2 {
			t.Errorf("energy over the 0.2 s window %v J; want %v J", de, 0.2*0.905*400)
		}
	})
}

// TestPowerReadingIsTheRealGPUs: every profile's page reports power as
// NVML does on the real GPU of its name (gpu.PowerWindowOf), so that a
// reader that takes the span from the name reads it rightly. Where that is
// 1 s, the reading in mid-load is the energy counter's growth over the
// second before it divided by the second, though another page was served
// in between (the page's power once was the mean since it was last
// served, whoever asked); the tolerance is the counter's rounding, 1 mJ
// over the difference of two readings (1 mW over 1 s), with the page's
// 0.5 µW. Where it is 0, the reading is the draw at that instant: the
// idle draw as soon as the load is served, though the second before it
// was busy.
func TestPowerReadingIsTheRealGPUs(t *testing.T) {
	for _, g := range gpuProfiles() {
		t.Run(g.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				window := gpu.PowerWindowOf(0, 0, g.ModelName)
				s := newServer(t, Config{GPU: g.Name, Model: "llama-3-8b", OutputTokens: 400})
				read := func() (powerW, energyJ float64) {
					f := scrape(t, s, "/dcgm/metrics")
					p := f["DCGM_FI_DEV_POWER_USAGE"].GetMetric()[0].GetGauge().GetValue()
					return p, f["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"].GetMetric()[0].GetCounter().GetValue() / 1000
				}
				body := fmt.Sprintf(`{"messages":[{"role":"user","content":"%s"}],"stream":true}`, wordsN(300))
				var wg sync.WaitGroup
				for range 8 {
					wg.Go(func() { s.ServeHTTP(newFlushRecorder(), post(t.Context(), "/v1/chat/completions", body)) })
				}
				time.Sleep(100 * time.Millisecond)
				_, e1 := read()
				time.Sleep(300 * time.Millisecond)
				read() // another reader's page
				time.Sleep(700 * time.Millisecond)
				p, e2 := read()
				if st := s.engine.stats(); st.Running == 0 {
					t.Fatalf("the load was served within 1.1 s; want it running through the second read")
				}
				wg.Wait()
				pEnd, eEnd := read()
				slope := e2 - e1 // J over 1 s
				t.Logf("%s (%v): %.3f W in mid-load, counter %.3f W over its second; %.3f W as the load ends", g.ModelName, window, p, slope, pEnd)
				switch window {
				case time.Second:
					if tol := 1e-3 + 0.5e-6; math.Abs(p-slope) > tol {
						t.Errorf("power %.6f W; want the counter's mean over the second before it, %.6f W (±%.4f)", p, slope, tol)
					}
				case 0:
					if pEnd != g.IdleW {
						t.Errorf("power %v W as the load is served; want the idle %v W at that instant", pEnd, g.IdleW)
					}
					if eEnd-e2 <= 0 || !(slope > g.IdleW) {
						t.Errorf("counter %.3f W over the loaded second; want above idle, for the check to mean something", slope)
					}
				default:
					t.Fatalf("gpu.PowerWindowOf(%q) = %v; this test knows 1 s and 0", g.ModelName, window)
				}
			})
		})
	}
}

// TestUtilizationIsTheTrailingSecondsWhoeverScrapes: the page's
// utilization is the engine's busy share of the second before it (NVML's
// "past sample period", 1/6 s to 1 s by product: the longest), whoever
// else read the page. Two readers take turns, A every 250 ms and B 100 ms
// after A, while short requests arrive at A's reads; each reading from 1 s
// on must be the share the engine's busy time grew by over the second
// before it (read from the engine at each page), rounded to a percent as
// the page prints it. (It was the busy share since anyone's last page: A
// read the 150 ms after B's page, B the 100 ms after A's.)
func TestUtilizationIsTheTrailingSecondsWhoeverScrapes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Config{GPU: "h100-sxm", Model: "llama-3-8b", OutputTokens: 8})
		body := fmt.Sprintf(`{"messages":[{"role":"user","content":"%s"}],"max_tokens":8,"stream":true}`, wordsN(1500))
		t0 := time.Now()
		busyAt := map[time.Duration]int64{} // engine busy ns at each page's time
		var wg sync.WaitGroup
		type reading struct {
			at   time.Duration
			util float64
		}
		var got []reading
		for k := range 40 {
			for i, off := range []time.Duration{0, 100 * time.Millisecond} {
				at := time.Duration(k)*250*time.Millisecond + off
				time.Sleep(time.Until(t0.Add(at)))
				f := scrape(t, s, "/dcgm/metrics")
				busyAt[at] = s.engine.stats().BusyNS
				got = append(got, reading{at, f["DCGM_FI_DEV_GPU_UTIL"].GetMetric()[0].GetGauge().GetValue()})
				if i == 0 && k >= 4 && k < 30 {
					wg.Go(func() { s.ServeHTTP(newFlushRecorder(), post(t.Context(), "/v1/chat/completions", body)) })
				}
			}
		}
		wg.Wait()
		busy := 0
		for _, r := range got {
			before, ok := busyAt[r.at-time.Second]
			if !ok {
				continue
			}
			want := math.Round(100 * float64(busyAt[r.at]-before) / 1e9)
			if want > 0 {
				busy++
			}
			if r.util != want {
				t.Errorf("utilization %v %% at %v; want %v %%, the engine's busy share of the second before it", r.util, r.at, want)
			}
		}
		if busy == 0 {
			t.Fatal("the engine was never busy: the test checks nothing")
		}
	})
}
