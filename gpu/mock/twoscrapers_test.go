package mock

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/gpu/dcgm"
	engine "github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// handlerTransport answers a client's requests with h, in the process: a
// synctest bubble's clock runs it, without a network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// TestTwoScrapersIntegrateTheEngineEnergy: two samplers read one mock
// engine's page in turn (`inferbench gpu watch --gpu-backend mock` beside a
// `run --gpu-backend mock`), A every 250 ms and B 100 ms after each of A's
// scrapes, while short requests arrive at A's scrapes. The energy each one
// integrates from its own power readings (the report's power integral, the
// counter left out) must be the engine's energy counter over the same span.
//
// The tolerance is derived, not picked. The H100's power reading is the
// mean draw over the trailing W = 1 s (NVML; gpu.PowerWindowOf), and the
// report places it at W/2 before its time and integrates the readings by
// the trapezoidal rule. A sampler's readings m_i at t_i, Δ = 250 ms apart,
// placed Δ apart, weigh Δ each inside the window, so the integral is
// Σ Δ·m_i = Σ (Δ/W)·∫_{t_i−W}^{t_i} P = ∫ P(t)·(Δ/W)·#{i: t ∈ (t_i−W, t_i]} dt,
// and the count is W/Δ at every instant from W after the window's first
// reading to W/2 before its last: there the integral is the energy, with
// no error of method. Outside that part, [2 s, 13.5 s] of A's window
// [1 s, 14 s], the draw is the constant idle one, where any weighting of
// it sums to idle · span: requests come from 3 s to 9 s, and the readings
// at 1 s, 2 s and 14 s, each the mean of the second before it, are checked
// idle. What is left is rounding: the page prints power to 1 µW
// (≤ 0.5 µW per reading, weighing at most the span in all: 0.5e-6 · 13 J),
// and the counter is in whole mJ (≤ 1 mJ over the difference of two).
// The test runs in a synctest bubble, so every scrape comes at its exact
// time and the engine steps on its schedule.
func TestTwoScrapersIntegrateTheEngineEnergy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, err := engine.New(engine.Config{GPU: "h100-sxm", Model: "llama-3-8b", OutputTokens: 8})
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Transport: handlerTransport{srv}}
		a, err := New("http://mock:8000", client)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New("http://mock:8000", client)
		if err != nil {
			t.Fatal(err)
		}
		const (
			every  = 250 * time.Millisecond
			offset = 100 * time.Millisecond
			ticks  = 57 // A at 0 … 14 s
			idleW  = 70 // the H100 profile's idle draw
		)
		body := fmt.Sprintf(`{"model":"llama-3-8b","max_tokens":8,"stream":true,"messages":[{"role":"user","content":%q}]}`, strings.Repeat("word ", 1500))
		var wg sync.WaitGroup
		t0 := time.Now()
		var got [2][]rundir.GPUSample
		for k := range ticks {
			for i, s := range []*dcgm.Scraper{a, b} {
				time.Sleep(time.Until(t0.Add(time.Duration(k)*every + time.Duration(i)*offset)))
				ss, err := s.Sample(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				ss[0].TNS = time.Since(t0).Nanoseconds()
				got[i] = append(got[i], ss[0])
				if i == 0 && k >= 12 && k < 37 { // a request at each of A's scrapes from 3 s to 9 s
					wg.Go(func() {
						req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						srv.ServeHTTP(httptest.NewRecorder(), req)
					})
				}
			}
		}
		wg.Wait()
		for i, name := range []string{"A", "B"} {
			ss := got[i]
			first, last := ss[4], ss[len(ss)-1] // the window: 1 s to 14 s (B: 1.1 s to 14.1 s)
			for _, s := range []rundir.GPUSample{first, ss[8], last} {
				if *s.PowerW != idleW {
					t.Fatalf("%s: power %v W at %.2f s; want the idle %d W at the window's ends (the method's error is 0 only there)", name, *s.PowerW, float64(s.TNS)/1e9, idleW)
				}
			}
			counterJ := float64(*last.EnergyMJ-*first.EnergyMJ) / 1000
			noCounter := make([]rundir.GPUSample, len(ss))
			for j, s := range ss {
				s.EnergyMJ = nil
				noCounter[j] = s
			}
			lv := report.SummarizeGPU(noCounter, first.TNS, last.TNS, 0)
			if lv.EnergyJ == nil || lv.EnergySource != report.EnergyPowerIntegral {
				t.Fatalf("%s: energy %v from %q; want the power integral", name, lv.EnergyJ, lv.EnergySource)
			}
			span := float64(last.TNS-first.TNS) / 1e9
			tol := 0.5e-6*span + 1e-3
			t.Logf("%s: %.6f J integrated from power, %.6f J by the counter (%.3f s; the idle draw alone %.1f J)", name, *lv.EnergyJ, counterJ, span, idleW*span)
			if math.Abs(*lv.EnergyJ-counterJ) > tol {
				t.Errorf("%s: energy integrated from its power readings %.3f J, the engine's counter %.3f J over the same %.2f s: off by %.3f J, past the rounding's %.4f J",
					name, *lv.EnergyJ, counterJ, span, *lv.EnergyJ-counterJ, tol)
			}
		}
	})
}
