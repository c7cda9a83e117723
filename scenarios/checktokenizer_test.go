package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateFilesReadsTheTokenizer: a workload.tokenizer that is no
// tokenizer (a JSON file of something else) was "ok" to `scenarios
// validate`, which only checked that it exists, and refused by run (exit
// 2: "tokenizer.json has no model"). Validate reads it as run does, where
// run reads it (prompt_sizing auto or tokenizer), and says it at the key.
func TestValidateFilesReadsTheTokenizer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tok.json"), []byte(`{"not": "a tokenizer"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.Abs("../tokenizer/testdata/qwen3.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, workload string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("name: t\nload: {concurrency: 1, requests: 2}\nworkload: "+workload+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ workload, want string }{
		{"{tokenizer: tok.json}", ":3:23: workload.tokenizer: " + filepath.Join(dir, "tok.json") + ": "},
		{"{tokenizer: tok.json, prompt_sizing: tokenizer}", ":3:23: workload.tokenizer: "},
		{"{tokenizer: tok.json, prompt_sizing: estimate}", ": ok"},
		{"{tokenizer: " + real + "}", ": ok"},
	} {
		f := write("s.yaml", c.workload)
		var out bytes.Buffer
		ValidateFiles(&out, []string{f}, Known{})
		if !strings.HasPrefix(out.String(), f+c.want) {
			t.Errorf("%s: %q; want %s…", c.workload, out.String(), f+c.want)
		}
	}
}
