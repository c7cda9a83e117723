package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestValidateFilesReadsTheDataAsRunDoes: a dataset with a bad line 5,000,
// or a trace whose arrivals go back in time, was "ok" to `scenarios
// validate` (which only checked that the file exists) and refused by run,
// exit 2: a CI step that validates scenarios passed what would not run.
// Validate now reads them as run does and says what run would, at the
// scenario's line of the file's key, naming the data file's line.
func TestValidateFilesReadsTheDataAsRunDoes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var ds strings.Builder
	for i := 1; i <= 5001; i++ {
		if i == 5000 {
			ds.WriteString(`{"prompt": "hi", "output_tokens": "sixteen"}` + "\n")
			continue
		}
		ds.WriteString(`{"prompt": "hello there", "output_tokens": 16}` + "\n")
	}
	write("bad.jsonl", ds.String())
	write("back.jsonl", `{"offset_ms": 0, "prompt_tokens": 8, "output_tokens": 4}
{"offset_ms": 500, "prompt_tokens": 8, "output_tokens": 4}
{"offset_ms": 400, "prompt_tokens": 8, "output_tokens": 4}
`)
	const head = "name: s\ntarget: {url: \"http://h:1\", model: m}\n"
	dsYAML := write("ds.yaml", head+"workload:\n  dataset: {format: jsonl, file: bad.jsonl}\nload: {concurrency: 1, requests: 4}\n")
	trYAML := write("tr.yaml", head+"load:\n  trace: {file: back.jsonl}\n  warmup: 0\n")
	for _, c := range []struct{ file, want string }{
		{dsYAML, dsYAML + ":4:34: workload.dataset.file: " + filepath.Join(dir, "bad.jsonl") + ": line 5000: output_tokens: a JSON string where a whole number belongs"},
		{trYAML, trYAML + ":4:17: load.trace.file: " + filepath.Join(dir, "back.jsonl") + ": line 3: arrivals must be in time order: 400ms comes after 500ms"},
	} {
		var out strings.Builder
		if err := ValidateFiles(&out, []string{c.file}, Known{}); err == nil {
			t.Errorf("%s validated: %s", c.file, out.String())
			continue
		}
		if got := strings.TrimSuffix(out.String(), "\n"); got != c.want {
			t.Errorf("validate wrote\n%s\nwant\n%s", got, c.want)
		}
	}
}

// TestErrorAt: a caller's error is said at the key's line in the file,
// and at the key alone for a scenario built in memory.
func TestErrorAt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "s.yaml")
	s, err := Load(name, []byte("name: s\nload:\n  trace: {file: t.jsonl}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.ErrorAt("load.trace.file", errors.New("t.jsonl: line 3: bad")).Error(), name+":3:17: load.trace.file: t.jsonl: line 3: bad"; got != want {
		t.Errorf("ErrorAt = %s; want %s", got, want)
	}
	if got, want := (&Scenario{}).ErrorAt("load.trace.file", errors.New("bad")).Error(), "load.trace.file: bad"; got != want {
		t.Errorf("ErrorAt in memory = %s; want %s", got, want)
	}
}

// TestValidateFilesSaysATraceIsAllWarmup: a trace no longer than its
// warm-up (16 by default) measures nothing; run refuses it, and validate
// said "ok".
func TestValidateFilesSaysATraceIsAllWarmup(t *testing.T) {
	dir := t.TempDir()
	var tr strings.Builder
	for i := range 10 {
		tr.WriteString(`{"offset_ms": ` + strconv.Itoa(i*10) + `, "prompt_tokens": 8, "output_tokens": 4}` + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(tr.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(sc, []byte("name: s\ntarget: {url: \"http://h:1\", model: m}\nload:\n  trace: {file: t.jsonl}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := ValidateFiles(&out, []string{sc}, Known{}); err == nil {
		t.Fatalf("validated: %s", out.String())
	}
	want := sc + ":4:17: load.trace.file: the trace's 10 arrivals would all be warm-up (a warm-up of 16) and none measured: give a warm-up below 10 (--warmup, load.warmup)\n"
	if out.String() != want {
		t.Errorf("validate wrote\n%s\nwant\n%s", out.String(), want)
	}
}
