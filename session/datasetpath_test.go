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
