package loadgen

import (
	"testing"

	"github.com/inferbench/inferbench/prompt"
)

// TestSynthPromptIsPromptWords: a synthetic prompt is the word sequence
// prompt.Words draws for the same seed and stream, so that the prompt
// builder's estimates and the load generator's prompts agree.
func TestSynthPromptIsPromptWords(t *testing.T) {
	for _, c := range []struct {
		seed int64
		id   uint64
		n    int
	}{{1, 0, 1}, {7, 42, 50}, {-3, 1 << 40, 300}} {
		got := synthPrompt(c.seed, c.id, c.n)
		want := prompt.Words{Seed: uint64(c.seed), Stream: c.id}.Text(c.n)
		if got != want {
			t.Errorf("synthPrompt(%d, %d, %d) = %.40q…, want prompt.Words' %.40q…", c.seed, c.id, c.n, got, want)
		}
	}
}
