package scenarios

import (
	"strings"
	"testing"
)

// TestGateThresholdForm: a scenario's gate takes thresholds in the form of
// a compare thresholds file and refuses others at their file:line:col.
func TestGateThresholdForm(t *testing.T) {
	ok := "name: g\nload: {concurrency: 1, requests: 2}\ngate:\n  ttft_p50: 10%\n  output_tokens_per_s: -5%\n  error_rate: 1pt\n  ttft_p95: \"off\"\n"
	s, err := Load("g.yaml", []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil || len(s.Gate) != 4 || s.Gate["ttft_p50"] != "10%" {
		t.Errorf("gate %v, %v; want the four thresholds", s.Gate, err)
	}
	s, err = Load("g.yaml", []byte("name: g\nload: {concurrency: 1, requests: 2}\ngate:\n  ttft_p50: ten\n"))
	if err == nil {
		err = s.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "g.yaml:4:") || !strings.Contains(err.Error(), "gate.ttft_p50") {
		t.Errorf("gate ttft_p50: ten: %v; want an error at g.yaml:4 naming gate.ttft_p50", err)
	}
}
