package scenarios

import (
	"testing"
)

// TestLoadSaysThePercentageMeant: slo.max_error_rate: 1% and
// slo.percentile: p95 (or 95%) were refused as "want a number, got a
// string" without the number meant; the line now says it.
func TestLoadSaysThePercentageMeant(t *testing.T) {
	const head = "name: t\nload: {concurrency: 1, requests: 2}\nslo: {"
	for slo, want := range map[string]string{
		"max_error_rate: 1%}":   "s.yaml:3:23: slo.max_error_rate: want a number, got a string (did you mean 0.01? a fraction, not a percentage)",
		"max_error_rate: 0.5%}": "s.yaml:3:23: slo.max_error_rate: want a number, got a string (did you mean 0.005? a fraction, not a percentage)",
		"percentile: p95}":      "s.yaml:3:19: slo.percentile: want a number, got a string (did you mean 95?)",
		"percentile: 99.9%}":    "s.yaml:3:19: slo.percentile: want a number, got a string (did you mean 99.9?)",
		"percentile: P99}":      "s.yaml:3:19: slo.percentile: want a number, got a string (did you mean 99?)",
		"percentile: high}":     "s.yaml:3:19: slo.percentile: want a number, got a string",
	} {
		_, err := Load("s.yaml", []byte(head+slo+"\n"))
		if err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", slo, err, want)
		}
	}
}
