package compare

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestWriteJSONUndefined: a row's undefined values (NaN, ±Inf) are written
// as null, a Mann–Whitney test of undefined values is left out, and every
// other field is written as its tag says, in Row's order.
func TestWriteJSONUndefined(t *testing.T) {
	nan := math.NaN()
	res := &Result{Baseline: "a", Candidate: "b", Rows: []Row{
		{Level: 4, Metric: "ttft_p95", Title: "TTFT p95", Unit: "ms", Baseline: 0, Candidate: 12.5,
			Change: nan, CILow: nan, CIHigh: math.Inf(1), P: nan, MannWhitney: &MannWhitney{U: nan, P: nan},
			Method: MethodHistory, N: 3, Verdict: NotGated},
		{Level: 4, Metric: "error_rate", Title: "error rate", Unit: "fraction", Points: true, Baseline: 0.02, Candidate: 0.05,
			Change: 0.03, CILow: 0.01, CIHigh: 0.05, P: 0.004, MannWhitney: &MannWhitney{U: 10, P: 0.5, Exact: true, Effect: 0.25},
			Method: MethodBootstrap, Threshold: 0.01, Significant: true, Verdict: Regression},
	}}
	var b bytes.Buffer
	if err := WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Rows       []json.RawMessage
		Regression bool
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || len(out.Rows) != 2 || !out.Regression {
		t.Fatalf("%v, %d rows, regression %v:\n%s", err, len(out.Rows), out.Regression, b.String())
	}
	want := []string{
		`{"level":4,"metric":"ttft_p95","title":"TTFT p95","unit":"ms","points":false,"baseline":0,"candidate":12.5,` +
			`"change":null,"ci_low":null,"ci_high":null,"p":null,"method":"history prediction interval","baseline_runs":3,` +
			`"threshold":0,"significant":false,"verdict":"not gated"}`,
		`{"level":4,"metric":"error_rate","title":"error rate","unit":"fraction","points":true,"baseline":0.02,"candidate":0.05,` +
			`"change":0.03,"ci_low":0.01,"ci_high":0.05,"p":0.004,"mann_whitney":{"u":10,"p":0.5,"exact":true,"effect":0.25},` +
			`"method":"bootstrap","baseline_runs":0,"threshold":0.01,"significant":true,"verdict":"regression"}`,
	}
	for i, raw := range out.Rows {
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			t.Fatal(err)
		}
		if c.String() != want[i] {
			t.Errorf("row %d:\n%s\nwant\n%s", i, c.String(), want[i])
		}
	}
	if !strings.HasSuffix(b.String(), "\n  ],\n  \"regression\": true\n}\n") {
		t.Errorf("rows and regression not last:\n%s", b.String())
	}
}

// TestWriteJSONListsAreLists: a result without warnings writes
// "warnings": [], not null, as report.json and advise do: a nightly job's
// `for w in r["warnings"]` failed on a clean comparison.
func TestWriteJSONListsAreLists(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, &Result{Baseline: "a", Candidate: "b"}); err != nil {
		t.Fatal(err)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"warnings", "rows"} {
		if string(out[k]) != "[]" {
			t.Errorf("%q: %s; want []", k, out[k])
		}
	}
}
