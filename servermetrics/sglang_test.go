package servermetrics

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/rundir"
)

// sglangPage is an SGLang /metrics page shaped as SGLang's own docs show it
// (docs.sglang.io, references/production_metrics: sglang:prompt_tokens_total,
// generation_tokens_total, token_usage, cache_hit_rate with model_name) with
// the labels its collector adds (model_name, engine_type, tp_rank, pp_rank;
// python/sglang/srt/metrics/collector.py) and the scheduler gauges
// num_running_reqs and num_queue_reqs. Two data-parallel schedulers
// (dp_rank 0 and 1) each export from their first tensor-parallel rank, and,
// as --enable-metrics-for-all-schedulers makes them, their second TP rank
// repeats the same batch: the same requests seen from another GPU of one
// model replica.
const sglangPage = `# HELP sglang:num_running_reqs The number of running requests
# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 3.0
sglang:num_running_reqs{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 3.0
sglang:num_running_reqs{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 5.0
sglang:num_running_reqs{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 5.0
# HELP sglang:num_queue_reqs The number of requests in the waiting queue
# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 1.0
sglang:num_queue_reqs{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 1.0
sglang:num_queue_reqs{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 0.0
sglang:num_queue_reqs{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 0.0
# HELP sglang:token_usage The token usage
# TYPE sglang:token_usage gauge
sglang:token_usage{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 0.2
sglang:token_usage{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 0.2
sglang:token_usage{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 0.6
sglang:token_usage{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 0.6
# HELP sglang:prompt_tokens_total Number of prefill tokens processed.
# TYPE sglang:prompt_tokens_total counter
sglang:prompt_tokens_total{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 8.128902e+06
sglang:prompt_tokens_total{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 8.128902e+06
sglang:prompt_tokens_total{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 1000
sglang:prompt_tokens_total{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 1000
# HELP sglang:generation_tokens_total Number of generation tokens processed.
# TYPE sglang:generation_tokens_total counter
sglang:generation_tokens_total{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 7.557572e+06
sglang:generation_tokens_total{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 7.557572e+06
sglang:generation_tokens_total{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 428
sglang:generation_tokens_total{dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 428
# HELP sglang:cached_tokens_total Number of cached prompt tokens.
# TYPE sglang:cached_tokens_total counter
sglang:cached_tokens_total{cache_source="device",dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 2.5e+06
sglang:cached_tokens_total{cache_source="device",dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 2.5e+06
sglang:cached_tokens_total{cache_source="host",dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 400
sglang:cached_tokens_total{cache_source="host",dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 400
sglang:cached_tokens_total{cache_source="device",dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 600
sglang:cached_tokens_total{cache_source="device",dp_rank="1",engine_type="unified",model_name="m",pp_rank="0",tp_rank="1"} 600
# HELP sglang:cache_hit_rate The cache hit rate
# TYPE sglang:cache_hit_rate gauge
sglang:cache_hit_rate{dp_rank="0",engine_type="unified",model_name="m",pp_rank="0",tp_rank="0"} 0.007507552643049313
`

// TestParseSGLang: an SGLang page reads as the engine's batch, queue, KV
// use and token counters. Data-parallel schedulers add up (running 3 + 5,
// waiting 1 + 0, tokens 8,128,902 + 1,000 and 7,557,572 + 428) and their
// KV use averages ((0.2 + 0.6) / 2), as vLLM's engines do; a second
// tensor-parallel rank's series repeat their first rank's and are left
// out, or every number would double. The prompt tokens are the prefix
// cache's queries and the cached tokens, summed over their cache sources
// (2,500,000 + 400 + 600), its hits.
func TestParseSGLang(t *testing.T) {
	got, err := Parse(strings.NewReader(sglangPage))
	if err != nil {
		t.Fatal(err)
	}
	want := rundir.ServerSample{Engine: rundir.EngineSGLang, RequestsRunning: f(8), RequestsWaiting: f(1), KVCacheUsage: f(0.4),
		PromptTokensTotal: f(8129902), GenerationTokensTotal: f(7558000),
		PrefixCacheQueriesTotal: f(8129902), PrefixCacheHitsTotal: f(2501000)}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

// TestParseSGLangDocsExample: the page of SGLang's docs, one scheduler and
// only model_name as a label (docs.sglang.io, production_metrics), reads
// its values as they stand. It has no cached_tokens_total (no request hit
// the cache yet), so no prefix-cache counters are read: a hit rate needs
// both.
func TestParseSGLangDocsExample(t *testing.T) {
	page := `# TYPE sglang:prompt_tokens_total counter
sglang:prompt_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 8.128902e+06
# TYPE sglang:generation_tokens_total counter
sglang:generation_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 7.557572e+06
# TYPE sglang:token_usage gauge
sglang:token_usage{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.28
`
	got, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	want := rundir.ServerSample{Engine: rundir.EngineSGLang, KVCacheUsage: f(0.28), PromptTokensTotal: f(8128902), GenerationTokensTotal: f(7557572)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}
