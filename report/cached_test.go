package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestCachedInputTokens (issue 20 item 19): the cached prompt tokens the
// server reported are summed over successful requests and shown; a run with
// an explicit --seed is warned about them, one with its own prompts or
// without cached tokens is not.
func TestCachedInputTokens(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, cached := range []int{33, 0, 1569} {
		r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 10, 1}}, 1, 1602)
		r.CachedInputTokens = cached
		s.Add(r)
	}
	sum := s.Close()
	if got := sum.Levels[0].CachedInputTokens; got != 1602 {
		t.Fatalf("cached input tokens %d; want 33 + 1569 = 1602", got)
	}
	if tab := tableText(t, sum); !strings.Contains(tab, "prompt cache: the server answered 1602 of the 4806 input tokens from its cache (33%)") {
		t.Errorf("table:\n%s", tab)
	}
	m := &rundir.Manifest{Load: rundir.LoadInfo{PromptSeed: 7, PromptSeedExplicit: true}}
	if w := cachedPromptWarning(sum, m); !strings.Contains(w, "1602 of 4806 prompt tokens") || !strings.Contains(w, "--seed 7") {
		t.Errorf("explicit seed: warning %q", w)
	}
	if w := cachedPromptWarning(sum, m); strings.Contains(w, "by design") {
		t.Errorf("explicit seed, nothing shared by design: warning %q", w)
	}
	// Prompts that share text by design are answered from the cache
	// within the run too: the warning says so, not that all of it is an
	// earlier run's.
	m.Load.SharedPrompts = "trace blocks"
	if w := cachedPromptWarning(sum, m); !strings.Contains(w, "share text by design (trace blocks)") || !strings.Contains(w, "part of it may be an earlier run's") {
		t.Errorf("explicit seed, trace blocks: warning %q", w)
	}
	m.Load.SharedPrompts = ""
	m.Load.PromptSeedExplicit = false
	if w := cachedPromptWarning(sum, m); w != "" {
		t.Errorf("prompts unique to the run: warning %q; want none", w)
	}
	m.Load.PromptSeedExplicit = true
	sum.Levels[0].CachedInputTokens = 0
	if w := cachedPromptWarning(sum, m); w != "" {
		t.Errorf("no cached tokens: warning %q; want none", w)
	}
}
