package report

import (
	"strings"
	"testing"
)

// TestTableSaysPromptsWereCut: a server that cut the prompts to its
// context (Ollama at 4,096 tokens: 6,000 requested, 4,096 processed, no
// error) is named in a warning; prompts processed within 5 % of the
// request, or not sized to a length (a dataset), are not.
func TestTableSaysPromptsWereCut(t *testing.T) {
	for _, c := range []struct {
		in    float64
		sized bool
		want  bool
	}{{4096, true, true}, {5800, true, false}, {4096, false, false}} {
		var b strings.Builder
		writeLengths(&b, &Lengths{RequestedInputMean: 6000, InputMean: c.in, RequestedOutputMean: 64, OutputMean: 64, InputChecked: 10}, c.sized, false)
		if got := strings.Contains(b.String(), "it cut the prompts to its context"); got != c.want {
			t.Errorf("%.0f of 6000 processed, sized %v: warned %v; want %v\n%s", c.in, c.sized, got, c.want, b.String())
		}
	}
}
