package scenarios

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSeedUnsetIsAbsent: a workload seed the file does not give is
// absent where the scenario is written back (scenarios show, run.json's
// scenario), and one it gives, 0 included, is kept: before, both were
// `seed: 0`, so a scenario copied from show could not tell "no seed" from
// "seed 0". An unset seed runs as 0, as every inferbench before did, so a
// scenario without one sends the lengths and arrivals it sent.
func TestSeedUnsetIsAbsent(t *testing.T) {
	for _, c := range []struct {
		name, workload string
		set            bool
		value          uint64
	}{
		{"unset", "{prompt_tokens: 8}", false, 0},
		{"zero", "{prompt_tokens: 8, seed: 0}", true, 0},
		{"seven", "{prompt_tokens: 8, seed: 7}", true, 7},
	} {
		s, err := Load("s.yaml", []byte("name: a\nload: {concurrency: 1, requests: 1}\nworkload: "+c.workload+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		s.ApplyDefaults()
		if got := s.Workload.Seed != nil; got != c.set || s.Workload.SeedValue() != c.value {
			t.Errorf("%s: set %v, value %d; want %v, %d", c.name, got, s.Workload.SeedValue(), c.set, c.value)
		}
		y, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Workload map[string]any `json:"workload"`
		}
		if err := json.Unmarshal(j, &w); err != nil {
			t.Fatal(err)
		}
		_, inJSON := w.Workload["seed"]
		if inYAML := strings.Contains(string(y), "\n  seed:"); inYAML != c.set || inJSON != c.set {
			t.Errorf("%s: seed written in show's YAML %v, in run.json's %v; want %v\n%s", c.name, inYAML, inJSON, c.set, y)
		}
		back, err := Load("back.yaml", y)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON Scenario
		if err := json.Unmarshal(j, &fromJSON); err != nil {
			t.Fatal(err)
		}
		for what, b := range map[string]*Scenario{"show's YAML": back, "run.json": &fromJSON} {
			if (b.Workload.Seed != nil) != c.set || b.Workload.SeedValue() != c.value {
				t.Errorf("%s read back from %s: set %v, value %d", c.name, what, b.Workload.Seed != nil, b.Workload.SeedValue())
			}
		}
	}
}

// TestOlderRunJSONSeedZeroLoads: an inferbench before this one wrote
// "seed": 0 for a scenario with no seed; such a run.json's scenario still
// loads, and its seed runs as it ran: 0.
func TestOlderRunJSONSeedZeroLoads(t *testing.T) {
	var s Scenario
	old := `{"name":"a","target":{"kind":"openai","api":"chat"},"workload":{"prompt_tokens":8,"output_tokens":256,"ignore_eos":false,"seed":0},"load":{"concurrency":1,"requests":1}}`
	if err := json.Unmarshal([]byte(old), &s); err != nil {
		t.Fatal(err)
	}
	if s.Workload.SeedValue() != 0 || s.Load.Concurrency != 1 {
		t.Errorf("seed %d, concurrency %d; want 0 and 1", s.Workload.SeedValue(), s.Load.Concurrency)
	}
}
