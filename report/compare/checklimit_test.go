package compare

import (
	"strings"
	"testing"
)

// TestCheckLimit: one gate entry judged as a thresholds file's metrics
// mapping judges it (LoadThresholds), for a scenario's gate as it loads.
func TestCheckLimit(t *testing.T) {
	for _, tt := range []struct{ metric, value, want string }{
		{"ttft_p95", "10%", ""},
		{"ttft_p95", "off", ""},
		{"output_tokens_per_s", "-5%", ""},
		{"error_rate", "1pt", ""},
		{"ttft_p59", "10%", "unknown metric, did you mean ttft_p50?"},
		{"output_tokens_per_s", "150%", "could never fail"},
		{"ttft_p95", "-10%", "regresses when it grows"},
		{"error_rate", "5%", "want percentage points"},
	} {
		err := CheckLimit(tt.metric, tt.value)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckLimit(%s, %s) = %v; want %q", tt.metric, tt.value, err, tt.want)
		}
		// The same words as a thresholds file's, after its location.
		_, ferr := LoadThresholds("t.yaml", []byte("metrics:\n  "+tt.metric+": "+tt.value+"\n"))
		if (err == nil) != (ferr == nil) || err != nil && !strings.HasSuffix(ferr.Error(), err.Error()) {
			t.Errorf("%s: %s: CheckLimit says %v, a thresholds file %v", tt.metric, tt.value, err, ferr)
		}
	}
}
