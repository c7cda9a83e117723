package session

import (
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// expMockBubble serves the fixed-timing mock (no TTFT of its own, 8 tokens
// 1 ms apart) behind a delay drawn from Exp(mean) before each request: on
// the bubble's clock every TTFT is exactly that delay (other endpoints
// answer at once), so the true TTFT p95
// is mean · ln 20.
func expMockBubble(t *testing.T, mean time.Duration, seed uint64) Dialer {
	t.Helper()
	m, err := mock.New(mock.Config{ITL: time.Millisecond, OutputTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, 22))
	return serveBubble(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/v1/chat/completions" { // /tokenize, /version: at once
			m.ServeHTTP(w, req)
			return
		}
		mu.Lock()
		d := time.Duration(r.ExpFloat64() * float64(mean))
		mu.Unlock()
		select {
		case <-time.After(d):
			m.ServeHTTP(w, req)
		case <-req.Context().Done():
		}
	}))
}

// TestAdaptiveCoverageEndToEnd is the coverage of the wired stop
// (docs/adaptive.md, "Coverage end to end"): session.Run, closed loop of 4
// streams, ±5 %, 50 → 300 judged requests, against TTFTs drawn from
// Exp(20 ms) (true p95 59.91 ms), with the TTFT p95 threshold at 0.8, 1,
// 1.25 and 2 times the truth: whatever stopped each level (a settled
// verdict, the maximum, the projection that stops sending early — at 2×
// most levels stop sending on it), the TTFT p95 interval in run.json must
// hold the truth in ≥ 93 % of the runs for a nominal 95 %. ADAPTIVE_SIM=1
// runs 200 levels per threshold (800); otherwise 10 (40 runs, ≥ 85 %: 4
// standard errors under 95 %, so that a broken interval or stop can fail
// it).
func TestAdaptiveCoverageEndToEnd(t *testing.T) {
	runs, floor := 10, 0.85
	if os.Getenv("ADAPTIVE_SIM") != "" {
		runs, floor = 200, 0.93
	}
	const mean = 20 * time.Millisecond
	truth := float64(mean) / float64(time.Millisecond) * math.Log(20)
	covered, total := 0, 0
	for _, ratio := range []float64{0.8, 1, 1.25, 2} {
		hits, reasons, judged := 0, map[string]int{}, 0
		for i := range runs {
			var iv rundir.Interval
			var lv rundir.AdaptiveLevel
			synctest.Test(t, func(t *testing.T) {
				o := adaptiveOptions(t, "http://mock")
				o.Dial = expMockBubble(t, mean, uint64(1000*ratio)+uint64(i))
				o.MaxRequests = 300
				o.SLO = report.SLO{Percentile: 95, TTFT: time.Duration(ratio * truth * float64(time.Millisecond))}
				res, err := Run(t.Context(), t.Context(), o, &strings.Builder{})
				if err != nil || res.Manifest.Adaptive == nil || len(res.Manifest.Adaptive.Levels) != 1 {
					t.Fatalf("run: %v; want one adaptive level", err)
				}
				lv = res.Manifest.Adaptive.Levels[0]
				iv = lv.Intervals[0]
			})
			if iv.Name != "TTFT p95" {
				t.Fatalf("first interval %+v; want TTFT p95", iv)
			}
			reasons[lv.Reason]++
			judged += lv.Judged
			if (iv.Lo == nil || *iv.Lo <= truth) && (iv.Hi == nil || truth <= *iv.Hi) {
				hits++
			}
		}
		t.Logf("threshold %.2f × truth: coverage %d/%d, mean judged %d, stops %v", ratio, hits, runs, judged/runs, reasons)
		covered += hits
		total += runs
	}
	cov := float64(covered) / float64(total)
	t.Logf("coverage %.1f %% of %d runs (nominal 95 %%)", 100*cov, total)
	if cov < floor {
		t.Errorf("coverage %.1f %% of %d runs; want ≥ %.0f %%", 100*cov, total, 100*floor)
	}
}
