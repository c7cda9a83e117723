package compare

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestScenarioGate (issue #20 item 14): the thresholds of a run's scenario
// (`gate:` in nightly.yaml: TTFT at p50 +10 %, p90 +25 % and p95 +100 %) are
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
	base := Baseline{Label: "run-0", Meta: cand.Meta}
	th, warning, err := thresholdsFor(Thresholds{}, base, cand)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultThresholds().Limits
	want["ttft_p50"], want["ttft_p90"], want["ttft_p95"] = 0.10, 0.25, 1.00
	if len(th.Limits) != len(want) || warning != "" {
		t.Errorf("limits %v, warning %q; want %v and no warning", th.Limits, warning, want)
	}
	for k, v := range want {
		if got, ok := th.Limits[k]; !ok || got != v {
			t.Errorf("%s: %v (set %v); want %v", k, got, ok, v)
		}
	}
	given := Thresholds{Limits: map[string]float64{"ttft_p95": 0.2}}
	if th, _, _ := thresholdsFor(given, base, cand); len(th.Limits) != 1 || th.Limits["ttft_p95"] != 0.2 {
		t.Errorf("--thresholds given: %v; want them alone", th.Limits)
	}
	if th, _, _ := thresholdsFor(Thresholds{}, Baseline{}, &Run{}); len(th.Limits) != len(DefaultThresholds().Limits) || th.Limits["ttft_p95"] != 0.10 {
		t.Errorf("no gate: %v; want the defaults", th.Limits)
	}
	bad := &Run{Dir: "run-2", Meta: Meta{Gate: []byte(`{"ttft_p95": "-10%"}`)}}
	if _, _, err := thresholdsFor(Thresholds{}, Baseline{}, bad); err == nil || !strings.Contains(err.Error(), "run-2") || !strings.Contains(err.Error(), "gate") {
		t.Errorf("a gate against TTFT's bad direction: %v; want an error naming the run and the gate", err)
	}
}

// TestGateIsTheStricter: the candidate's own scenario gate decided the
// gate, so a change under test could loosen it (every entry off: TTFT
// +58 % passed with "scenario setting differs" warnings only). Where the
// runs' gates differ, each metric is judged at the stricter (a limit over
// off), said in one warning naming the metrics; a gate only one run
// carries is compared with the defaults the other was judged by; a gate
// the baseline's run cannot read is an error naming it.
func TestGateIsTheStricter(t *testing.T) {
	gate := func(g string) Meta { return Meta{Gate: json.RawMessage(g)} }
	bl := Baseline{Label: "base", Meta: gate(`{"ttft_p50": "10%", "ttft_p95": "20%", "itl_p99": "30%"}`)}
	cand := &Run{Dir: "cand", Meta: gate(`{"ttft_p50": "off", "ttft_p95": "10%", "e2e_p95": "off", "output_tokens_per_s": "-50%", "error_rate": "off", "tpot_p95": "off"}`)}
	th, warning, err := thresholdsFor(Thresholds{}, bl, cand)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"ttft_p50": 0.10, "ttft_p95": 0.10, "itl_p99": 0.30, "e2e_p95": 0.10, "tpot_p95": 0.10, "output_tokens_per_s": 0.05, "error_rate": 0.01,
		"ttft_later_p50": 0.10, "ttft_later_p90": 0.10}
	if !maps.Equal(th.Limits, want) {
		t.Errorf("limits %v; want %v", th.Limits, want)
	}
	const w = "the runs' scenario gates differ: each metric is judged at the stricter of the two (a limit over off; --thresholds replaces both): " +
		"e2e_p95 +10% (baseline +10%, candidate off), error_rate +1pt (baseline +1pt, candidate off), itl_p99 +30% (baseline +30%, candidate off), " +
		"output_tokens_per_s -5% (baseline -5%, candidate -50%), tpot_p95 +10% (baseline +10%, candidate off), ttft_p50 +10% (baseline +10%, candidate off), " +
		"ttft_p95 +10% (baseline +20%, candidate +10%)"
	if warning != w {
		t.Errorf("warning\n%s\nwant\n%s", warning, w)
	}
	// The candidate without a gate: the baseline's still binds it.
	th, warning, _ = thresholdsFor(Thresholds{}, bl, &Run{Dir: "cand"})
	if th.Limits["ttft_p50"] != 0.10 || th.Limits["ttft_p95"] != 0.10 || !strings.Contains(warning, "ttft_p50 +10% (baseline +10%, candidate off)") {
		t.Errorf("a candidate without a gate: %v, %q; want the baseline's ttft_p50 and the defaults' ttft_p95", th.Limits, warning)
	}
	// --thresholds replaces both.
	given := Thresholds{Limits: map[string]float64{"ttft_p99": 0.5}}
	if th, warning, _ := thresholdsFor(given, bl, cand); !maps.Equal(th.Limits, given.Limits) || warning != "" {
		t.Errorf("--thresholds: %v, %q; want them alone, no warning", th.Limits, warning)
	}
	// In a comparison: TTFT +30 % regresses under the baseline's gate,
	// whatever the candidate's says, and the warning is among the result's.
	b, slow := load(t, base()), base()
	slow.seed, slow.ttftMS = 2, 65
	c := load(t, slow)
	b.Meta.Gate = json.RawMessage(`{"ttft_p95": "10%"}`)
	c.Meta.Gate = json.RawMessage(`{"ttft_p95": "off", "e2e_p95": "off", "tpot_p95": "off", "output_tokens_per_s": "off", "error_rate": "off"}`)
	res, err := Compare(RunBaseline(b), c, Options{Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	if row := find(t, res, 8, "ttft_p95"); row.Verdict != Regression || !slices.ContainsFunc(res.Warnings, func(w string) bool {
		return strings.HasPrefix(w, "the runs' scenario gates differ") && strings.Contains(w, "ttft_p95 +10% (baseline +10%, candidate off)")
	}) {
		t.Errorf("TTFT p95 +30%% with the candidate's gate off: %s, warnings %q; want a regression and the gates' warning", row.Verdict, res.Warnings)
	}
	bad := Baseline{Label: "history:median-of-7 (#1 #2 #3)", Meta: gate(`{"ttft_p95": "-10%"}`)}
	if _, _, err := thresholdsFor(Thresholds{}, bad, cand); err == nil || !strings.Contains(err.Error(), "history:median-of-7") {
		t.Errorf("the baseline's gate against TTFT's bad direction: %v; want an error naming the baseline", err)
	}
}
