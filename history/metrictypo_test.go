package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrendMetricTypoSaysTheNearest: a mistyped --metric names the metric
// meant, as a mistyped flag does; the list alone left ttft_p95 to be found
// among 21 names.
func TestTrendMetricTypoSaysTheNearest(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := RunTrend(t.Context(), CommandOptions{Store: filepath.Join(t.TempDir(), "h.db"), Metric: "tft_p95"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `--metric "tft_p95": did you mean ttft_p95?`) {
		t.Errorf("trend --metric tft_p95: %v; want 'did you mean ttft_p95?'", err)
	}
}
