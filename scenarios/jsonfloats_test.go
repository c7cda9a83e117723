package scenarios

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestJSONFloats: a scenario's numbers are written to run.json as
// positional floats (0.25, 5.0, 20.5, 100000.0, 1000000.0: a whole one
// keeps its ".0", as the YAML encoder writes it) and read back as given.
// writeJSON formats them itself, and only strings were checked: a rate of
// 1,000,000 (the most a scenario takes) was written 1e+06, which the
// scenario reader refused ("want a rate in requests per second"), so
// run.json's scenario did not read back.
func TestJSONFloats(t *testing.T) {
	s, err := Load("t.yaml", []byte("name: t\nload:\n  rate: [0.25, 5, 20.5, 100000, 1000000]\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"rate":[0.25,5.0,20.5,100000.0,1000000.0]`; !strings.Contains(string(b), want) {
		t.Errorf("run.json's scenario %s; want %s", b, want)
	}
	var back Scenario
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got, want := []float64(back.Load.Rate), []float64{0.25, 5, 20.5, 100000, 1000000}; !slices.Equal(got, want) {
		t.Errorf("rates read back %v; want %v", got, want)
	}
}

// TestYAMLFloatsReadBack: the scenario as YAML (a k8s ConfigMap's) reads
// back with its rates: a million was written 1e+06, which reads as text.
func TestYAMLFloatsReadBack(t *testing.T) {
	s, err := Load("t.yaml", []byte("name: t\nload:\n  rate: [0.25, 1000000]\n"))
	if err != nil {
		t.Fatal(err)
	}
	y, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load("back.yaml", y)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if got := []float64(back.Load.Rate); !slices.Equal(got, []float64{0.25, 1000000}) {
		t.Errorf("rates read back %v; want 0.25 and 1000000\n%s", got, y)
	}
}
