package compare

import (
	"maps"
	"testing"
)

// TestThresholdsAliases: a thresholds file read an anchor and an alias as
// their text: `ttft_p95: &lat 15%` was refused as `want a positive number,
// got "&lat 15%"`, `e2e_p95: *lat` as `want a percentage such as 10%, or
// off; got "*lat"`, `alpha: &a 0.01` as `got &a 0.01`; and an alias that
// names no anchor was refused as if *lat were a threshold written wrong.
// An alias now reads as the value of its anchor, as in a scenario; one
// that names no anchor before it, or sits inside its own anchor's value,
// is refused where it is written.
func TestThresholdsAliases(t *testing.T) {
	th, err := LoadThresholds("t.yaml", []byte("alpha: &a 0.01\nmetrics:\n  ttft_p95: &lat 15%\n  e2e_p95: *lat\n  tpot_p95: &off \"off\"\n  itl_p99: *off\n  &k error_rate: !!str &pt 2pt\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"ttft_p95": 0.15, "e2e_p95": 0.15, "error_rate": 0.02, "output_tokens_per_s": 0.05,
		"ttft_later_p50": 0.10, "ttft_later_p90": 0.10}
	if !maps.EqualFunc(th.Limits, want, func(a, b float64) bool { return near(a, b, 1e-12) }) || th.Alpha != 0.01 {
		t.Errorf("alpha %v, limits %v; want 0.01, %v", th.Alpha, th.Limits, want)
	}
	for _, c := range []struct{ yaml, want string }{
		{"metrics:\n  e2e_p95: *lat\n", "t.yaml:2:12: alias *lat: no anchor &lat is defined before it"},
		{"metrics:\n  e2e_p95: *lat\n  ttft_p95: &lat 15%\n", "t.yaml:2:12: alias *lat: no anchor &lat is defined before it"},
		{"metrics: &m\n  ttft_p95: *m\n", "t.yaml:2:13: alias *m: inside the value of its own anchor &m (line 1, column 10): a value cannot contain itself"},
		{"metrics:\n  ttft_p95: &k 15%\n  *k : 20%\n", "t.yaml:3:3: alias *k as a key: write the key itself"},
		{"metrics:\n  &k ttft_p95: 15%\n  ttft_p95: 20%\n", `t.yaml:3:3: key "ttft_p95" is written twice in one mapping (first at line 2, column 3)`},
	} {
		if _, err := LoadThresholds("t.yaml", []byte(c.yaml)); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v; want %s", c.yaml, err, c.want)
		}
	}
}

// TestThresholdsAliasesAsScenarios: a thresholds file's anchors, aliases
// and merge keys are read by the resolver a scenario's are
// (yamlguard.ResolveAliases). A merge key was an unknown metric ("<<"),
// and after an anchor closed, an alias named it rather than an anchor of
// the name nested in it, the latest: alpha below read the mapping
// {ttft_p95: 15%} instead of 15%. An alias to a nested anchor inside the
// outer's value read the nested one before as now.
func TestThresholdsAliasesAsScenarios(t *testing.T) {
	th, err := LoadThresholds("t.yaml", []byte("metrics:\n  <<: &base {ttft_p95: 15%, e2e_p95: &x 20%}\n  e2e_p95: 30%\n  itl_p99: *x\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"ttft_p95": 0.15, "e2e_p95": 0.30, "itl_p99": 0.20, "tpot_p95": 0.10, "error_rate": 0.01, "output_tokens_per_s": 0.05,
		"ttft_later_p50": 0.10, "ttft_later_p90": 0.10}
	if !maps.EqualFunc(th.Limits, want, func(a, b float64) bool { return near(a, b, 1e-12) }) {
		t.Errorf("limits %v; want %v", th.Limits, want)
	}
	th, err = LoadThresholds("t.yaml", []byte("metrics: &x {ttft_p95: &x 15%, e2e_p95: *x}\n"))
	if err != nil || !near(th.Limits["e2e_p95"], 0.15, 1e-12) {
		t.Errorf("an alias to a nested anchor: e2e_p95 %v, %v; want 0.15", th.Limits["e2e_p95"], err)
	}
	const latest = "metrics: &x {ttft_p95: &x 15%}\nalpha: *x\n"
	if _, err := LoadThresholds("t.yaml", []byte(latest)); err == nil || err.Error() != "t.yaml:1:27: alpha: want a number in (0, 0.5), got 15%" {
		t.Errorf("%q: %v", latest, err)
	}
}
