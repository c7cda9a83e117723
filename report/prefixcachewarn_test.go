package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestPrefixCacheWarning (QA: a rerun with --seed 5 read a TTFT p50 5.7 %
// lower, its summary showing "prefix cache hit rate 99.6%", and nothing
// warned: the mock, like vLLM, says so on /metrics, not in its responses'
// cached_tokens): a level whose window's prefix cache hit rate is high,
// in a run whose prompts share no text by design, is warned about, with
// the rate and the level; a low rate, or prompts shared by design, is not.
func TestPrefixCacheWarning(t *testing.T) {
	hit := func(r float64) *ServerLevel {
		return &ServerLevel{PrefixCacheHitRate: &r, PrefixCacheSource: "vllm prefix_cache_hits_total / prefix_cache_queries_total (server.jsonl)"}
	}
	sum := &Summary{Levels: []Level{{Level: 8, Server: hit(0.02)}, {Level: 16, Server: hit(0.99609375)}}}
	m := &rundir.Manifest{Load: rundir.LoadInfo{PromptSeed: 5, PromptSeedExplicit: true}}
	w := cachedPromptWarning(sum, m)
	for _, want := range []string{"99.6%", "level 16", "--seed 5", "prefix cache"} {
		if !strings.Contains(w, want) {
			t.Errorf("explicit seed, 99.6%% at level 16: warning %q lacks %q", w, want)
		}
	}
	if strings.Contains(w, "level 8") {
		t.Errorf("level 8's 2%% is not high: warning %q", w)
	}
	m.Load.PromptSeedExplicit = false
	if w := cachedPromptWarning(sum, m); !strings.Contains(w, "99.6%") || strings.Contains(w, "--seed") {
		t.Errorf("prompts of the run's own: warning %q; want the rate, not --seed", w)
	}
	m.Load.SharedPrompts = "trace blocks"
	if w := cachedPromptWarning(sum, m); w != "" {
		t.Errorf("prompts shared by design: warning %q; want none", w)
	}
	m.Load.SharedPrompts = ""
	*sum.Levels[1].Server.PrefixCacheHitRate = 0.3
	if w := cachedPromptWarning(sum, m); w != "" {
		t.Errorf("30%% is below PrefixCacheWarnRate: warning %q; want none", w)
	}
}
