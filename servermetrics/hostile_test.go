package servermetrics

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
)

// A page whose series overflow to infinity when summed, or that say a
// count is negative, gives no value for those fields (nil), and what it
// gives can be written to server.jsonl: before, two data-parallel
// counters of 1.7e308 summed to +Inf and the run stopped with "server.jsonl:
// encode: json: unsupported value: +Inf".
func TestParseDropsOverflowAndNegativeValues(t *testing.T) {
	page := `vllm:num_requests_running{engine="0"} -5
vllm:num_requests_running{engine="1"} 2
vllm:num_requests_waiting{engine="0"} 3
vllm:generation_tokens_total{engine="0"} 1.7e308
vllm:generation_tokens_total{engine="1"} 1.7e308
vllm:prompt_tokens_total{engine="0"} 40
vllm:prompt_tokens_total{engine="1"} 2
vllm:kv_cache_usage_perc{engine="0"} -0.5
`
	s, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if s.RequestsRunning != nil || s.GenerationTokensTotal != nil || s.KVCacheUsage != nil {
		t.Errorf("running %v, generation total %v, KV %v; want none (a negative count, an overflow, a negative ratio)",
			ptr(s.RequestsRunning), ptr(s.GenerationTokensTotal), ptr(s.KVCacheUsage))
	}
	if s.RequestsWaiting == nil || *s.RequestsWaiting != 3 || s.PromptTokensTotal == nil || *s.PromptTokensTotal != 42 {
		t.Errorf("waiting %v, prompt total %v; want 3 and 42 (the sound fields kept)", ptr(s.RequestsWaiting), ptr(s.PromptTokensTotal))
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("the sample cannot be written: %v", err)
	}
}

func ptr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestParseDropsValuesPastTheirLimits: finite values no engine can have
// (1.7e308 requests running, a KV-cache use of 1.7e308) are none. Before,
// a level's mean of them was +Inf and the run ended with exit 2 and no
// summary.json: "json: unsupported value: +Inf".
func TestParseDropsValuesPastTheirLimits(t *testing.T) {
	page := `vllm:num_requests_running 1.7e308
vllm:num_requests_waiting 4
vllm:kv_cache_usage_perc 1.7e308
vllm:generation_tokens_total 1.7e308
vllm:prompt_tokens_total 90
`
	s, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if s.RequestsRunning != nil || s.KVCacheUsage != nil || s.GenerationTokensTotal != nil {
		t.Errorf("running %v, KV %v, generation total %v; want none", ptr(s.RequestsRunning), ptr(s.KVCacheUsage), ptr(s.GenerationTokensTotal))
	}
	if s.RequestsWaiting == nil || *s.RequestsWaiting != 4 || s.PromptTokensTotal == nil || *s.PromptTokensTotal != 90 {
		t.Errorf("waiting %v, prompt total %v; want 4 and 90", ptr(s.RequestsWaiting), ptr(s.PromptTokensTotal))
	}
}

// A 200 whose body is not the text format — an HTML sign-in page from a
// proxy, JSON (trtllm-serve's /metrics is its iteration stats as JSON),
// gzip bytes sent without a Content-Encoding — fails the scrape saying
// what the page is: every line fell outside the namespaces, and the error
// read "no vLLM, TGI or llama.cpp serving metrics on the page".
func TestParseSaysWhatAPageThatIsNotTextIs(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(fixture(t, "vllm-metrics-v1-busy.txt"))
	zw.Close()
	for body, want := range map[string]string{
		"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>vllm:num_requests_running</body></html>\n": `page is HTML or XML, not the Prometheus text format: "<!DOCTYPE html>"`,
		"\n  <html>\n<body>502 Bad Gateway</body></html>\n":                                                         `page is HTML or XML, not the Prometheus text format: "<html>"`,
		`[{"iterCounter": 1, "numActiveRequests": 2}]` + "\n":                                                       "page is JSON, not the Prometheus text format",
		`{"error": "metrics disabled"}` + "\n":                                                                      "page is JSON, not the Prometheus text format",
		gz.String():                                                                                                 "page is gzip data, not the Prometheus text format",
	} {
		_, err := Parse(strings.NewReader(body))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.40q: error %v; want one line saying %q", body, err, want)
		}
	}
	// The text format's own {"name"} form is not JSON.
	if s, err := Parse(strings.NewReader(`{"vllm:num_requests_running", engine="0"} 2` + "\n")); err != nil || s.RequestsRunning == nil || *s.RequestsRunning != 2 {
		t.Errorf(`{"vllm:num_requests_running", engine="0"} 2: %+v, %v; want 2 running`, s, err)
	}
}

// NaN and the infinities are no value for a gauge or a histogram's sum
// either: the series is left out, and a field whose every series is left
// out is absent (nil), not 0; the other series of the field still count.
func TestParseLeavesOutNaNAndInfinities(t *testing.T) {
	page := `vllm:num_requests_running{engine="0"} +Inf
vllm:num_requests_running{engine="1"} 2
vllm:num_requests_waiting{engine="0"} NaN
vllm:kv_cache_usage_perc{engine="0"} -Inf
vllm:kv_cache_usage_perc{engine="1"} 0.5
vllm:prompt_tokens_total{engine="0"} NaN
`
	s, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if s.RequestsRunning == nil || *s.RequestsRunning != 2 || s.KVCacheUsage == nil || *s.KVCacheUsage != 0.5 {
		t.Errorf("running %v, KV %v; want engine 1's 2 and 0.5", ptr(s.RequestsRunning), ptr(s.KVCacheUsage))
	}
	if s.RequestsWaiting != nil || s.PromptTokensTotal != nil {
		t.Errorf("waiting %v, prompt total %v; want none (NaN alone)", ptr(s.RequestsWaiting), ptr(s.PromptTokensTotal))
	}
	tgi := strings.Replace(string(fixture(t, "tgi-metrics-excerpt.txt")), "tgi_request_input_length_sum 662", "tgi_request_input_length_sum NaN", 1)
	if s, err := Parse(strings.NewReader(tgi)); err != nil || s.PromptTokensTotal != nil || s.RequestsRunning == nil {
		t.Errorf("TGI with a NaN input-length sum: %+v, %v; want no prompt total, the rest read", s, err)
	}
}
