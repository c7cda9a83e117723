package report

import (
	"testing"
	"time"
)

// TestSLOBounds: the one spelling of an SLO's latency bounds, which the
// report's header and run's verdict line both use, at the SLO's percentile
// (p95 when unset), in the order TTFT, TPOT, E2E, ITL; "" when none is set.
func TestSLOBounds(t *testing.T) {
	for _, tt := range []struct {
		slo  SLO
		want string
	}{
		{SLO{}, ""},
		{SLO{TTFT: time.Second}, "TTFT p95 ≤ 1s"},
		{SLO{ITL: 20 * time.Millisecond, TTFT: 500 * time.Millisecond, TPOT: 50 * time.Millisecond, Percentile: 99}, "TTFT p99 ≤ 500ms, TPOT p99 ≤ 50ms, ITL p99 ≤ 20ms"},
		{SLO{E2E: 30 * time.Second, Percentile: 99.9}, "E2E p99.9 ≤ 30s"},
	} {
		if got := tt.slo.Bounds(); got != tt.want {
			t.Errorf("%+v.Bounds() = %q; want %q", tt.slo, got, tt.want)
		}
	}
}
