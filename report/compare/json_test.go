package compare

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"math"
	"slices"
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

// TestJUnitCarriesWarnings: a CI system that shows only the JUnit file
// shows the result's warnings too, as "warning" properties of the level
// suites they concern: one about the whole comparison (an interrupted
// run) in every suite, one about a level ("level 8: …") in that level's.
func TestJUnitCarriesWarnings(t *testing.T) {
	res := &Result{Baseline: "history:median-of-7", Candidate: "run",
		Warnings: []string{"the candidate run was interrupted by signal after 113 records"},
		Rows:     []Row{{Level: 4, Metric: "ttft_p95", Verdict: WithinNoise}, {Level: 8, Metric: "ttft_p95", Verdict: WithinNoise}}}
	res.warnLevel(8, "level 8: earlier runs' values left out of the noise interval as outliers: TPOT p95 11.71 ms (median 10.01 ms)")
	res.warnLevel(2, "level 2: not in the candidate")
	out := junitOf(t, res)
	want := map[string][]string{
		"4": {res.Warnings[0]},
		"8": {res.Warnings[0], res.Warnings[1]},
	}
	for _, s := range out.Suites {
		var got []string
		for _, p := range s.Properties {
			if p.Name == "warning" {
				got = append(got, p.Value)
			}
		}
		lv := s.Name[strings.LastIndex(s.Name, " ")+1:]
		if !slices.Equal(got, want[lv]) {
			t.Errorf("suite %q: warnings %q; want %q", s.Name, got, want[lv])
		}
	}
	if len(out.Suites) != 2 {
		t.Errorf("%d suites; want 2", len(out.Suites))
	}
}

// junitOf is res written by WriteJUnit and read back.
func junitOf(t *testing.T, res *Result) junitSuites {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJUnit(&b, res); err != nil {
		t.Fatal(err)
	}
	var out junitSuites
	if err := xml.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	return out
}
