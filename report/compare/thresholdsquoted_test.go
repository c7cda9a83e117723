package compare

import (
	"maps"
	"testing"
)

// TestThresholdsQuoted: a thresholds file refused quoted values (`ttft_p95:
// "15%"`: want a percentage such as 10%, or off; got "\"15%\""), which a
// scenario's gate accepts and the shipped nightly writes (ttft_p95:
// "off"). Single, double quotes and !!str read as the plain value, keys
// too.
func TestThresholdsQuoted(t *testing.T) {
	th, err := LoadThresholds("t.yaml", []byte("metrics:\n  ttft_p95: \"15%\"\n  tpot_p95: '20%'\n  e2e_p95: !!str off\n  \"itl_p99\": \"+25%\"\n  error_rate: \"0.5pt\"\n  'output_tokens_per_s': '-3%'\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"ttft_p95": 0.15, "tpot_p95": 0.20, "itl_p99": 0.25, "error_rate": 0.005, "output_tokens_per_s": 0.03,
		"ttft_later_p50": 0.10, "ttft_later_p90": 0.10}
	if !maps.EqualFunc(th.Limits, want, func(a, b float64) bool { return near(a, b, 1e-12) }) {
		t.Errorf("limits %v; want %v", th.Limits, want)
	}
	if _, err := LoadThresholds("t.yaml", []byte("metrics:\n  ttft_p95: \"fast\"\n")); err == nil || err.Error() != `t.yaml:2:13: metrics.ttft_p95: want a percentage such as 10%, or off; got "fast"` {
		t.Errorf("a quoted word: %v", err)
	}
}
