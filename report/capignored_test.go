package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestCapIgnoredNamesOllamaToOpenAIOnly: the warning that a server
// produced more tokens than asked named Ollama's OpenAI-compatible chat to
// every kind, --target ollama itself told to use --target ollama (an
// outside QA pass); it is named to the generic OpenAI kind alone.
func TestCapIgnoredNamesOllamaToOpenAIOnly(t *testing.T) {
	l := &Level{PastMaxTokens: 2, Requests: Requests{Total: 4}}
	for kind, want := range map[string]bool{"openai": true, "ollama": false, "anthropic": false, "tgi": false, "vllm": false} {
		m := &rundir.Manifest{Target: rundir.TargetInfo{Kind: kind}}
		got := measureNotes(l, m)
		if !strings.Contains(got, "produced more tokens than requested") {
			t.Fatalf("%s: no warning in %q", kind, got)
		}
		if strings.Contains(got, "Ollama") != want {
			t.Errorf("%s: %q; want Ollama named: %v", kind, got, want)
		}
	}
}
