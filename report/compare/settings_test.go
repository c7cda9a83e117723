package compare

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestSettingsDiffNamesEveryField: every differing field is named by its
// path with both values; equal settings written in another key order give
// no warning.
func TestSettingsDiffNamesEveryField(t *testing.T) {
	base := json.RawMessage(`{"name":"nightly","load":{"concurrency":[4,8],"requests":200},"slo":{"ttft":"500ms"},"seed":1}`)
	cand := json.RawMessage(`{"name":"nightly","load":{"concurrency":[4,16],"requests":300},"workload":{"max_tokens":64},"seed":1}`)
	got := SettingsDiff(base, cand)
	want := []string{
		`load.concurrency[1]: baseline 8, candidate 16`,
		`load.requests: baseline 200, candidate 300`,
		`slo: baseline {"ttft":"500ms"}, candidate absent`,
		`workload: baseline absent, candidate {"max_tokens":64}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SettingsDiff =\n%q\nwant\n%q", got, want)
	}
	same := json.RawMessage(`{"seed":1, "load":{"requests":300,"concurrency":[4,16]},"workload":{"max_tokens":64},"name":"nightly"}`)
	if d := SettingsDiff(cand, same); len(d) != 0 {
		t.Errorf("reordered keys reported as differences: %q", d)
	}
	_, warnings := Check(Meta{Settings: base}, Meta{Settings: cand})
	if len(warnings) != 4 || warnings[1] != "scenario setting differs: load.requests: baseline 200, candidate 300" {
		t.Errorf("Check warnings = %q", warnings)
	}
}
