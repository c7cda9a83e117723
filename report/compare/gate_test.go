package compare

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestScenarioGate (issue #20 item 14): the thresholds of a run's scenario
// (`gate:` in nightly.yaml: TTFT at p50 +10 % and p90 +25 %, p95 off) are
// the gate's unless --thresholds gives others; a gate that does not read
// is an error naming it.
func TestScenarioGate(t *testing.T) {
	s, err := scenarios.Open("nightly")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	cand := &Run{Dir: "run-1", Meta: MetaOf(&rundir.Manifest{Scenario: b})}
	th, err := thresholdsFor(Thresholds{}, cand)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultThresholds().Limits
	delete(want, "ttft_p95")
	want["ttft_p50"], want["ttft_p90"] = 0.10, 0.25
	if len(th.Limits) != len(want) {
		t.Errorf("limits %v; want %v", th.Limits, want)
	}
	for k, v := range want {
		if got, ok := th.Limits[k]; !ok || got != v {
			t.Errorf("%s: %v (set %v); want %v", k, got, ok, v)
		}
	}
	given := Thresholds{Limits: map[string]float64{"ttft_p95": 0.2}}
	if th, _ := thresholdsFor(given, cand); len(th.Limits) != 1 || th.Limits["ttft_p95"] != 0.2 {
		t.Errorf("--thresholds given: %v; want them alone", th.Limits)
	}
	if th, _ := thresholdsFor(Thresholds{}, &Run{}); len(th.Limits) != len(DefaultThresholds().Limits) || th.Limits["ttft_p95"] != 0.10 {
		t.Errorf("no gate: %v; want the defaults", th.Limits)
	}
	bad := &Run{Dir: "run-2", Meta: Meta{Gate: []byte(`{"ttft_p95": "-10%"}`)}}
	if _, err := thresholdsFor(Thresholds{}, bad); err == nil || !strings.Contains(err.Error(), "run-2") || !strings.Contains(err.Error(), "gate") {
		t.Errorf("a gate against TTFT's bad direction: %v; want an error naming the run and the gate", err)
	}
}
