package adaptive_test

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/session"
)

// TestRunPoissonLevelStopsEarly runs a Poisson open-loop level with
// --precision 0.05 through session against the fixed-timing mock in a
// synctest bubble (every request takes exactly 450 ms: the server keeps up
// with any rate). Session hands each record's scheduled_ns to the level as
// its due time, so the level judges keeping up against its schedule and
// stops as precise long before MaxRequests (1,000). Without the due time it
// falls back to the served rate, whose interval carries the arrivals'
// ±1/√n, and ran to 1,000 requests.
func TestRunPoissonLevelStopsEarly(t *testing.T) {
	a, _ := runFixedMock(t, &session.Options{Kind: "vllm", URL: "http://mock", Model: "m", API: "chat", Rates: []float64{20},
		Arrival: loadgen.ArrivalPoisson, Duration: 120 * time.Second, SpreadAuto: true, Seed: 3,
		MaxTokens: 8, PromptTokens: 4, Timeout: 10 * time.Second, GPUBackend: "none", ServerMetrics: "off",
		GPUInterval: 50 * time.Millisecond, NoProbe: true, Precision: 0.05})
	if a == nil || len(a.Levels) != 1 {
		t.Fatalf("adaptive section %+v; want one level", a)
	}
	l := a.Levels[0]
	t.Logf("level 20/s: %s after %d completions, %d judged, %+v", l.Reason, l.N, l.Judged, l.Intervals)
	if l.Reason != "precise" || l.Saturated || l.Judged > 250 {
		t.Errorf("level 20/s: stopped %s after %d judged requests (saturated %v: %s); want precise within 250", l.Reason, l.Judged, l.Saturated, l.Saturation)
	}
}
