package compare

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestRowJSONIsEncodingJSONs: for a row of finite values, Row.MarshalJSON
// writes exactly what encoding/json writes for the same fields without the
// method, so its tag walk cannot drift from the standard rules as Row gains
// fields (a "-" field, an untagged one, omitempty on a slice).
func TestRowJSONIsEncodingJSONs(t *testing.T) {
	type plain Row // the same fields, no MarshalJSON
	rows := []Row{
		{Level: 4, Metric: "ttft_p95", Title: "TTFT p95", Unit: "ms", Baseline: 120, Candidate: 150.5, Change: 0.254,
			CILow: 0.1, CIHigh: 0.4, P: 0.002, MannWhitney: &MannWhitney{U: 10, P: 0.03, Effect: 0.7}, Method: MethodBootstrap,
			Threshold: 0.1, Significant: true, Verdict: Regression},
		{Metric: "error_rate", Points: true, Method: MethodHistory, N: 5, Verdict: WithinNoise}, // zero values, nil MannWhitney
	}
	for _, r := range rows {
		got, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(plain(r))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("MarshalJSON:\n %s\nencoding/json:\n %s", got, want)
		}
	}
}

// TestRowJSONWritesUndefinedAsNull: NaN and ±Inf become null, and a
// Mann–Whitney test of undefined values is left out.
func TestRowJSONWritesUndefinedAsNull(t *testing.T) {
	r := Row{Metric: "ttft_p95", Baseline: 0, Candidate: 5, Change: math.Inf(1), CILow: math.NaN(), CIHigh: math.NaN(), P: math.NaN(),
		MannWhitney: &MannWhitney{U: math.NaN(), P: math.NaN()}}
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"change":null`, `"ci_low":null`, `"ci_high":null`, `"p":null`, `"candidate":5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	if strings.Contains(string(b), "mann_whitney") {
		t.Errorf("%s has an undefined Mann–Whitney test", b)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
}
