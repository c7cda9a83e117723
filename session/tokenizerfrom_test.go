package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestTokenizerErrorSaysWhereItCameFrom: a workload.tokenizer that is no
// tokenizer run can read is refused before the run, as `scenarios
// validate` refuses it: at the scenario's line when the file names it,
// as --tokenizer only when the flag gave it (the flag laid over the file
// forgets the file's place of it, as cmd/inferbench's run does). Before,
// run said "--tokenizer: tok.json: model "WordLevel" is not supported"
// for a scenario's tokenizer, a flag never typed, and only once the
// target had been probed.
func TestTokenizerErrorSaysWhereItCameFrom(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tok.json"), []byte(`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	const unsupported = `model "WordLevel" is not supported`
	yaml := "name: tk\ntarget:\n  kind: vllm\n  url: http://127.0.0.1:1\n  model: m\nworkload:\n  prompt_sizing: %s\n  tokenizer: tok.json\nload:\n  concurrency: 1\n  requests: 1\n"
	for _, c := range []struct {
		sizing string
		flag   bool
		want   string // the error's start; "" for none
	}{
		{"tokenizer", false, filepath.Join(dir, "s.yaml") + ":8:14: workload.tokenizer: " + filepath.Join(dir, "tok.json") + ": " + unsupported},
		{"auto", false, filepath.Join(dir, "s.yaml") + ":8:14: workload.tokenizer: " + filepath.Join(dir, "tok.json") + ": " + unsupported},
		{"tokenizer", true, "--tokenizer: " + filepath.Join(dir, "tok.json") + ": " + unsupported},
		{"estimate", false, ""}, // not read: not refused
	} {
		path := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(path, []byte(strings.Replace(yaml, "%s", c.sizing, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := scenarios.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if c.flag {
			s.Workload.Tokenizer = filepath.Join(dir, "tok.json")
			s.Forget("workload.tokenizer")
		}
		s.ApplyDefaults()
		_, err = FromScenario(s, Extras{Out: filepath.Join(t.TempDir(), "run"), ServerMetrics: "off", NoProbe: true})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s (flag %v): %v; want no error", c.sizing, c.flag, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n")):
			t.Errorf("%s (flag %v): FromScenario = %v\nwant one line starting %q", c.sizing, c.flag, err, c.want)
		}
	}
}
