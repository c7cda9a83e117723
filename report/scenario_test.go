package report

import (
	"encoding/json"
	"testing"
	"time"
)

// TestManifestSLO: run.json's scenario read back as the SLO run judged
// by, a zero error budget kept as zero.
func TestManifestSLO(t *testing.T) {
	s := ManifestSLO(json.RawMessage(`{"name":"q","slo":{"percentile":99,"ttft":"150ms","tpot":"20ms","max_error_rate":0}}`))
	if s.TTFT != 150*time.Millisecond || s.TPOT != 20*time.Millisecond || s.Percentile != 99 || s.MaxErrorRate == nil || s.ErrorBudget() != 0 {
		t.Errorf("SLO %+v budget %v", s, s.ErrorBudget())
	}
	s = ManifestSLO(json.RawMessage(`{"name":"q","slo":{"ttft":"1s"}}`))
	if s.MaxErrorRate != nil || s.ErrorBudget() != DefaultMaxErrorRate {
		t.Errorf("unset budget: %v", s.ErrorBudget())
	}
	for _, raw := range []string{``, `{`, `[]`} {
		if s := ManifestSLO(json.RawMessage(raw)); !s.IsZero() || s.MaxErrorRate != nil {
			t.Errorf("%q: %+v", raw, s)
		}
	}
}
