package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// TestKeepKeepsTurns: run filters every dataset with Keep (session's
// filterDataset, filters or none) before a multi-turn session replays a
// ShareGPT conversation's human turns. Keep returned prompts without their
// turns, so HasTurns was false and every session of a ShareGPT run took one
// prompt per turn from other conversations, always the turns drawn: 199
// sessions of exactly 3 turns from conversations of 1 to 5 human turns.
func TestKeepKeepsTurns(t *testing.T) {
	const data = `[
 {"conversations": [{"from": "human", "value": "one"}, {"from": "gpt", "value": "a reply long enough"}, {"from": "human", "value": "two"}]},
 {"conversations": [{"from": "human", "value": "a very long first question that the filter drops"}, {"from": "gpt", "value": "r"}]},
 {"conversations": [{"from": "human", "value": "solo"}, {"from": "gpt", "value": "x"}]}
]`
	p, err := ReadPrompts(strings.NewReader(data), FormatShareGPT)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		keep func(Prompt) bool
		want [][]string
	}{
		{"all", func(Prompt) bool { return true }, [][]string{{"one", "two"}, {"a very long first question that the filter drops"}, {"solo"}}},
		{"short", func(pr Prompt) bool { return pr.PromptTokens < 5 }, [][]string{{"one", "two"}, {"solo"}}},
	} {
		kept, _ := p.Keep(tc.keep)
		if !kept.HasTurns() {
			t.Errorf("%s: Keep lost the conversations' turns (HasTurns false)", tc.name)
			continue
		}
		if kept.Len() != len(tc.want) {
			t.Fatalf("%s: kept %d prompts, want %d", tc.name, kept.Len(), len(tc.want))
		}
		sh := kept.Shuffle(5)
		for id := range uint64(kept.Len()) {
			got := sh.TurnsAt(id)
			if got[0] != sh.At(id).Text || !slices.ContainsFunc(tc.want, func(w []string) bool { return slices.Equal(w, got) }) {
				t.Errorf("%s: TurnsAt(%d) = %q for prompt %q", tc.name, id, got, sh.At(id).Text)
			}
		}
	}
}
