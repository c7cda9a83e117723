package rundir

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDiffScenarios: every differing setting by its path, both values,
// in path order; key order does not matter; lists of another length and
// whole documents of another kind are one difference; long values are cut.
func TestDiffScenarios(t *testing.T) {
	a := json.RawMessage(`{"name":"x","load":{"concurrency":[4,8],"requests":200,"rates":[1,2]},"slo":{"ttft":"500ms"}}`)
	b := json.RawMessage(`{"load":{"requests":300,"rates":[1],"concurrency":[4,16]},"name":"x","workload":{"max_tokens":64}}`)
	got, err := DiffScenarios(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []ScenarioDifference{
		{"load.concurrency[1]", "8", "16"},
		{"load.rates", "[1,2]", "[1]"},
		{"load.requests", "200", "300"},
		{"slo", `{"ttft":"500ms"}`, "absent"},
		{"workload", "absent", `{"max_tokens":64}`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DiffScenarios =\n%q\nwant\n%q", got, want)
	}
	if d, err := DiffScenarios(b, json.RawMessage(`{"name":"x","workload":{"max_tokens":64},"load":{"concurrency":[4,16],"rates":[1],"requests":300}}`)); err != nil || len(d) != 0 {
		t.Errorf("reordered keys: %q, %v", d, err)
	}
	long := json.RawMessage(`"` + strings.Repeat("a", 200) + `"`)
	d, err := DiffScenarios(json.RawMessage(`{}`), long)
	if err != nil || len(d) != 1 || d[0].Path != "scenario" || len(d[0].B) != 80 || !strings.HasSuffix(d[0].B, "...") {
		t.Errorf("whole-document difference: %q, %v", d, err)
	}
	if _, err := DiffScenarios(a, json.RawMessage(`{"name":`)); err == nil {
		t.Error("a scenario that is not JSON gave no error")
	}
}

// TestDiffScenariosCutsAtACharacter: a long value of two-byte characters,
// one byte off, is cut before the character the 77th byte falls in, not
// inside it; before, the cut left half an "é", which compare's JSON and
// Markdown carried as invalid UTF-8.
func TestDiffScenariosCutsAtACharacter(t *testing.T) {
	long := json.RawMessage(`{"name":"a` + strings.Repeat("é", 100) + `"}`)
	d, err := DiffScenarios(json.RawMessage(`{"name":"b"}`), long)
	if err != nil || len(d) != 1 {
		t.Fatalf("DiffScenarios = %q, %v; want one difference", d, err)
	}
	// `"a` and 37 é are 76 bytes; the 38th é would end at byte 78.
	if want := `"a` + strings.Repeat("é", 37) + "..."; d[0].B != want || !utf8.ValidString(d[0].B) {
		t.Errorf("cut value %q; want %q", d[0].B, want)
	}
}
