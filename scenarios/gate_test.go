package scenarios

import (
	"errors"
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

// TestCheckGate: what the gate's judge (Known.GateLimit, compare's in the
// binary) refuses is said as the file loads, each at its entry's
// file:line:col with the other mistakes, in the file's order; a nightly
// scenario with a mistyped metric ran and failed only at compare.
func TestCheckGate(t *testing.T) {
	judge := func(metric, value string) error {
		switch {
		case metric == "ttft_p59":
			return errors.New("unknown metric, did you mean ttft_p50?")
		case value == "150%":
			return errors.New("want less than 100%")
		}
		return nil
	}
	src := "name: g\nload: {concurrency: 1, requests: 2}\ngate:\n  ttft_p59: 10%\n  output_tokens_per_s: 150%\n  ttft_p95: 10%\nslo: {ttft: -1s}\n"
	_, err := load("g.yaml", []byte(src), Known{GateLimit: judge})
	want := "g.yaml:4:13: gate.ttft_p59: unknown metric, did you mean ttft_p50?\n" +
		"g.yaml:5:24: gate.output_tokens_per_s: want less than 100%\n" +
		"g.yaml:7:13: slo.ttft: must not be negative, got -1s"
	if err == nil || err.Error() != want {
		t.Errorf("load with a judged gate:\n%v\nwant\n%s", err, want)
	}
	if _, err := load("g.yaml", []byte(src), Known{}); err == nil || strings.Contains(err.Error(), "gate.") {
		t.Errorf("load without a judge: %v; want only the SLO's mistake", err)
	}
}
