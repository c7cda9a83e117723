package compare

import (
	"strings"
	"testing"
)

// TestThresholdsMetricTypoSaysTheNearest: a mistyped metric in a
// thresholds file names the metric meant, at its file:line:col.
func TestThresholdsMetricTypoSaysTheNearest(t *testing.T) {
	path := "th.yaml"
	_, err := LoadThresholds(path, []byte("metrics: {tft_p95: 5%}\n"))
	if want := path + ":1:11: metrics.tft_p95: unknown metric, did you mean ttft_p95? (known: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("LoadThresholds: %v; want it to start %q", err, want)
	}
}
