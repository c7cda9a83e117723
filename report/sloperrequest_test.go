package report

import (
	"testing"
	"time"
)

// TestPerRequestIsWhatMetJudges: an SLO and its PerRequest part judge
// every request alike (ITL, percentile and error budget left out change
// no verdict), and each of TTFT, TPOT and E2E is in the part: a request
// over one bound fails both. Its words name the bounds without a
// percentile.
func TestPerRequestIsWhatMetJudges(t *testing.T) {
	budget := 0.2
	full := SLO{TTFT: 100 * time.Millisecond, TPOT: 20 * time.Millisecond, E2E: 2 * time.Second,
		ITL: time.Millisecond, Percentile: 99, MaxErrorRate: &budget}
	part := full.PerRequest()
	for _, m := range []RequestMetrics{
		{TTFT: 50, TPOT: 10, E2E: 1000, HasTPOT: true},
		{TTFT: 150, TPOT: 10, E2E: 1000, HasTPOT: true},
		{TTFT: 50, TPOT: 30, E2E: 1000, HasTPOT: true},
		{TTFT: 50, TPOT: 10, E2E: 3000, HasTPOT: true},
	} {
		if full.Met(m) != part.Met(m) {
			t.Errorf("%+v: met %v by %+v, %v by its per-request part", m, full.Met(m), full, part.Met(m))
		}
	}
	if got, want := full.PerRequestWords(), "TTFT ≤ 100ms, TPOT ≤ 20ms, E2E ≤ 2s"; got != want {
		t.Errorf("words %q; want %q", got, want)
	}
	if got := (SLO{ITL: time.Millisecond}).PerRequestWords(); got != "no SLO (every successful request good)" {
		t.Errorf("ITL alone: words %q; want no SLO", got)
	}
	if full.PerRequest() != (SLO{TTFT: 100 * time.Millisecond, TPOT: 20 * time.Millisecond, E2E: 2 * time.Second}) {
		t.Errorf("per-request part %+v", part)
	}
}
