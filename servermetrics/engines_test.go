package servermetrics

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/rundir"
)

// The recorded llama.cpp and TGI pages hold 0 running and 0 waiting, no
// KV-cache use (llama.cpp b9014 has none) and no generated tokens (the TGI
// excerpt ends before them): a field read from the wrong family, or not
// read, passed TestParseFixtures. Pages written by hand with a different
// value in every family each field comes from read as their families say:
// llama-server of a build that still had kv_cache_usage_ratio (3
// processing, 2 deferred, KV 0.25, 120 prompt and 45 predicted tokens),
// and TGI (batch 4, queue 7, input lengths summing 900 and generated
// tokens 150 over 3 requests; TGI reports no KV-cache use).
func TestParseEveryFieldOfLlamaCPPAndTGI(t *testing.T) {
	for _, tt := range []struct {
		name, page string
		want       rundir.ServerSample
	}{{"llamacpp", `# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 120
# TYPE llamacpp:tokens_predicted_total counter
llamacpp:tokens_predicted_total 45
# TYPE llamacpp:kv_cache_usage_ratio gauge
llamacpp:kv_cache_usage_ratio 0.25
# TYPE llamacpp:kv_cache_tokens gauge
llamacpp:kv_cache_tokens 512
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 3
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 2
`, rundir.ServerSample{Engine: rundir.EngineLlamaCPP, RequestsRunning: f(3), RequestsWaiting: f(2), KVCacheUsage: f(0.25), PromptTokensTotal: f(120), GenerationTokensTotal: f(45)}},
		{"tgi", `# TYPE tgi_queue_size gauge
tgi_queue_size 7
# TYPE tgi_batch_current_size gauge
tgi_batch_current_size 4
# TYPE tgi_batch_current_max_tokens gauge
tgi_batch_current_max_tokens 2048
# TYPE tgi_request_input_length histogram
tgi_request_input_length_bucket{le="256"} 1
tgi_request_input_length_bucket{le="512"} 3
tgi_request_input_length_bucket{le="+Inf"} 3
tgi_request_input_length_sum 900
tgi_request_input_length_count 3
# TYPE tgi_request_generated_tokens histogram
tgi_request_generated_tokens_bucket{le="32"} 1
tgi_request_generated_tokens_bucket{le="64"} 3
tgi_request_generated_tokens_bucket{le="+Inf"} 3
tgi_request_generated_tokens_sum 150
tgi_request_generated_tokens_count 3
`, rundir.ServerSample{Engine: rundir.EngineTGI, RequestsRunning: f(4), RequestsWaiting: f(7), PromptTokensTotal: f(900), GenerationTokensTotal: f(150)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}
