package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestDatasetErrorsNameTheFileRead: a scenario in its own directory names
// its dataset relative to it (data/d.jsonl); when the dataset's length
// filters keep none of its prompts the error names the file as read
// (DIR/data/d.jsonl), not as written in the scenario, which from the
// directory the user runs in names no file (or another one).
func TestDatasetErrorsNameTheFileRead(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := `{"prompt": "hello there, how are you today?", "output_tokens": 4}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "data", "d.jsonl"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := "name: ds\ntarget:\n  kind: vllm\n  url: http://127.0.0.1:1\n  model: m\n" +
		"workload:\n  dataset:\n    file: data/d.jsonl\n    max_input: 1\nload:\n  concurrency: 1\n  requests: 1\n"
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s.ApplyDefaults()
	_, err = FromScenario(s, Extras{Out: t.TempDir()})
	want := "none of the 1 prompts of " + filepath.Join(dir, "data", "d.jsonl") + " lies within the length filters"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("FromScenario = %v; want an error saying %q", err, want)
	}
}

// TestDataErrorsAtTheScenarioLine: run refuses a dataset with a bad line
// and a trace going back in time at the scenario's line of the key naming
// the file, naming the data file's line, as `scenarios validate` does
// (Scenario.DatasetPrompts, TraceEntries): it said
// "workload.dataset: data/d.jsonl: dataset: line 2: …", no place in the
// scenario and "dataset" twice.
func TestDataErrorsAtTheScenarioLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"d.jsonl": `{"prompt": "hello"}` + "\n" + `{"prompt": 5}` + "\n",
		"t.jsonl": `{"offset_ms": 500, "prompt_tokens": 4, "output_tokens": 4}` + "\n" + `{"offset_ms": 400, "prompt_tokens": 4, "output_tokens": 4}` + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, "data", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	head := "name: ds\ntarget:\n  kind: vllm\n  url: http://127.0.0.1:1\n  model: m\n"
	for _, c := range []struct{ yaml, want string }{
		{head + "workload:\n  dataset:\n    file: data/d.jsonl\nload:\n  concurrency: 1\n  requests: 1\n",
			"s.yaml:8:11: workload.dataset.file: " + filepath.Join(dir, "data", "d.jsonl") + ": line 2: prompt: a JSON number where a string belongs"},
		{head + "load:\n  trace:\n    file: data/t.jsonl\n  requests: 1\n",
			"s.yaml:8:11: load.trace.file: " + filepath.Join(dir, "data", "t.jsonl") + ": line 2: arrivals must be in time order"},
	} {
		path := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := scenarios.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s.ApplyDefaults()
		_, err = FromScenario(s, Extras{Out: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "dataset") > 1 {
			t.Errorf("FromScenario = %v; want an error saying %q", err, c.want)
		}
	}
}
