package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckTargetRefusesWhatTheKindCannotDo: an API the scenario's kind
// does not speak, and server prompt sizing on a kind with no tokenize
// endpoint, are refused at their file:line:col, as run refuses them: both
// passed validate, and run named a flag the user never gave ("--api: target
// tgi speaks [native chat]", "--prompt-sizing server: no tokenize
// endpoint"). A scenario that names no kind is left to the kind run gives it
// (a --target flag may).
func TestCheckTargetRefusesWhatTheKindCannotDo(t *testing.T) {
	known := Known{Kinds: []string{"openai", "tgi", "vllm"}, Target: func(kind string) ([]string, bool, bool) {
		switch kind {
		case "tgi":
			return []string{"native", "chat"}, true, true
		case "openai":
			return []string{"chat", "completions", "responses"}, false, true
		case "vllm":
			return []string{"chat", "completions"}, true, true
		}
		return nil, false, false
	}}
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"api", "target:\n  kind: tgi\n  api: responses\n", "s.yaml:4:8: target.api: target tgi speaks native, chat, not \"responses\""},
		{"sizing", "target:\n  kind: openai\nworkload:\n  prompt_sizing: server\n", "s.yaml:5:18: workload.prompt_sizing: server: target openai has no tokenize endpoint"},
		{"fine", "target:\n  kind: vllm\n  api: completions\nworkload:\n  prompt_sizing: server\n", ""},
		{"no kind", "target:\n  api: native\nworkload:\n  prompt_sizing: server\n", ""},
	} {
		f := filepath.Join(t.TempDir(), "s.yaml")
		if err := os.WriteFile(f, []byte("name: s\n"+c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := OpenChecked(f, known)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v; want it accepted", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}
