package report

import (
	"math"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSummarizeServer: samples outside the window are ignored, failed
// scrapes counted, means and peaks and the counter rate hand-computed.
func TestSummarizeServer(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	samples := []rundir.ServerSample{
		{TNS: 0, RequestsRunning: f(100), GenerationTokensTotal: f(0)}, // before the window
		{TNS: 1e9, RequestsRunning: f(2), RequestsWaiting: f(0), KVCacheUsage: f(0.25), GenerationTokensTotal: f(1000)},
		{TNS: 1.5e9, Error: "connection refused"},
		{TNS: 2e9, RequestsRunning: f(4), RequestsWaiting: f(6), KVCacheUsage: f(0.75), GenerationTokensTotal: f(1500)},
		{TNS: 3e9, RequestsRunning: f(6), RequestsWaiting: f(0), GenerationTokensTotal: f(2500)},
		{TNS: 9e9, RequestsRunning: f(100)}, // after
	}
	lv := SummarizeServer(samples, 1e9, 3e9)
	if lv.Samples != 3 || lv.Failed != 1 {
		t.Errorf("samples %d failed %d; want 3, 1", lv.Samples, lv.Failed)
	}
	// running 2,4,6: mean 4 peak 6; waiting 0,6,0: mean 2 peak 6; kv 0.25,0.75: mean 0.5.
	if lv.RequestsRunning.Mean != 4 || lv.RequestsRunning.Peak != 6 || lv.RequestsWaiting.Mean != 2 || lv.KVCacheUsage.Mean != 0.5 || lv.KVCacheUsage.Peak != 0.75 {
		t.Errorf("running %+v waiting %+v kv %+v", lv.RequestsRunning, lv.RequestsWaiting, lv.KVCacheUsage)
	}
	// (2500 − 1000) tokens over 2 s = 750 tok/s.
	if lv.GenerationTokensPerS == nil || math.Abs(*lv.GenerationTokensPerS-750) > 1e-9 {
		t.Errorf("generation tok/s = %v; want 750", lv.GenerationTokensPerS)
	}
	if empty := SummarizeServer(nil, 0, 1); empty.Samples != 0 || empty.RequestsRunning != nil || empty.GenerationTokensPerS != nil {
		t.Errorf("empty = %+v", empty)
	}
}

// TestPrefixCacheHitRate: hits and queries over the window, hand-computed:
// (1,900 − 100) hits of (3,000 − 600) queried tokens is 75 %; a scrape
// without the counters and one outside the window are skipped.
func TestPrefixCacheHitRate(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	samples := []rundir.ServerSample{
		{TNS: 0, Engine: "vllm", PrefixCacheQueriesTotal: f(0), PrefixCacheHitsTotal: f(0)}, // before
		{TNS: 1e9, Engine: "vllm", PrefixCacheQueriesTotal: f(600), PrefixCacheHitsTotal: f(100)},
		{TNS: 2e9, Engine: "vllm"},
		{TNS: 3e9, Engine: "vllm", PrefixCacheQueriesTotal: f(3000), PrefixCacheHitsTotal: f(1900)},
	}
	lv := SummarizeServer(samples, 1e9, 3e9)
	if lv.PrefixCacheHitRate == nil || math.Abs(*lv.PrefixCacheHitRate-0.75) > 1e-12 || !strings.HasPrefix(lv.PrefixCacheSource, "vllm prefix_cache_hits_total") {
		t.Errorf("hit rate %v from %q; want 0.75 from vLLM's counters", lv.PrefixCacheHitRate, lv.PrefixCacheSource)
	}
	if !strings.Contains(serverLine(&lv, 0), "prefix cache hit rate 75.0%") {
		t.Errorf("table line %q", serverLine(&lv, 0))
	}
	// SGLang's counters are its cached and prompt tokens, counted as
	// requests finish: the source says so.
	for i := range samples {
		samples[i].Engine = rundir.EngineSGLang
	}
	sg := SummarizeServer(samples, 1e9, 3e9)
	if sg.PrefixCacheHitRate == nil || math.Abs(*sg.PrefixCacheHitRate-0.75) > 1e-12 ||
		sg.PrefixCacheSource != "sglang cached_tokens_total / prompt_tokens_total (server.jsonl), counted as requests finish" {
		t.Errorf("SGLang: hit rate %v from %q", sg.PrefixCacheHitRate, sg.PrefixCacheSource)
	}
	if one := SummarizeServer(samples[:2], 1e9, 3e9); one.PrefixCacheHitRate != nil {
		t.Error("a hit rate from one reading")
	}
	for _, tt := range []struct{ hits, queries float64 }{{1, 0}, {-1, 5}, {6, 5}} {
		if _, ok := PrefixCacheHitRate(tt.hits, tt.queries); ok {
			t.Errorf("PrefixCacheHitRate(%v, %v) defined", tt.hits, tt.queries)
		}
	}
}
