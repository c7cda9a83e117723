package servermetrics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/internal/fixtures"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets/targettest"
)

// fixture returns a recorded output without its two provenance lines.
func fixture(t testing.TB, name string) []byte { return fixtures.Telemetry(t, name) }

func f(v float64) *float64 { return &v }

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want rundir.ServerSample
	}{
		{"vllm-metrics-v1-busy.txt", rundir.ServerSample{Engine: "vllm", RequestsRunning: f(1), RequestsWaiting: f(0), KVCacheUsage: f(0.38235294117647056),
			PromptTokensTotal: f(71), GenerationTokensTotal: f(40), PrefixCacheQueriesTotal: f(71), PrefixCacheHitsTotal: f(0)}},
		{"vllm-metrics-v1-idle.txt", rundir.ServerSample{Engine: "vllm", RequestsRunning: f(0), RequestsWaiting: f(0), KVCacheUsage: f(0),
			PromptTokensTotal: f(48), GenerationTokensTotal: f(24), PrefixCacheQueriesTotal: f(48), PrefixCacheHitsTotal: f(0)}},
		// No KV metric in llama.cpp b9014: absent, not 0.
		{"llamacpp-metrics-b9014-busy.txt", rundir.ServerSample{Engine: "llamacpp", RequestsRunning: f(1), RequestsWaiting: f(0),
			PromptTokensTotal: f(65), GenerationTokensTotal: f(8)}},
		{"llamacpp-metrics-b9014-idle.txt", rundir.ServerSample{Engine: "llamacpp", RequestsRunning: f(0), RequestsWaiting: f(0),
			PromptTokensTotal: f(0), GenerationTokensTotal: f(0)}},
		// TGI: no KV metric; prompt tokens are the input-length histogram
		// sum; the excerpt has no generated-tokens histogram.
		{"tgi-metrics-excerpt.txt", rundir.ServerSample{Engine: "tgi", RequestsRunning: f(0), RequestsWaiting: f(0), PromptTokensTotal: f(662)}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(fixture(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDataParallelAndV0(t *testing.T) {
	page := `vllm:num_requests_running{engine="0",model_name="m"} 3
vllm:num_requests_running{engine="1",model_name="m"} 5
vllm:num_requests_waiting{engine="0",model_name="m"} 1
vllm:num_requests_waiting{engine="1",model_name="m"} 0
vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.2
vllm:gpu_cache_usage_perc{engine="1",model_name="m"} 0.6
vllm:prompt_tokens_created{engine="0",model_name="m"} 1.7781012747868764e+09
`
	got, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	// Running and waiting sum over engines; KV use averages (0.2+0.6)/2;
	// the _created gauge is not a token count.
	want := rundir.ServerSample{Engine: "vllm", RequestsRunning: f(8), RequestsWaiting: f(1), KVCacheUsage: f(0.4)}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 })); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseQuotedLlamaCPPPage(t *testing.T) {
	quoted, _ := json.Marshal(string(fixture(t, "llamacpp-metrics-b9014-busy.txt")))
	got, err := Parse(bytes.NewReader(quoted))
	if err != nil {
		t.Fatal(err)
	}
	if got.Engine != "llamacpp" || *got.RequestsRunning != 1 {
		t.Errorf("Parse(quoted page) = %+v; want llamacpp, 1 running", got)
	}
	if _, err := Parse(strings.NewReader("process_open_fds 3\n")); err == nil {
		t.Error("Parse(page without engine metrics) = nil error; want one")
	}
}

func TestScrapeHTTP(t *testing.T) {
	busy := fixture(t, "vllm-metrics-v1-busy.txt")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.Error(w, "no", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=1.0.0; charset=utf-8")
		w.Write(busy)
	}))
	defer srv.Close()
	s := &Scraper{URL: MetricsURL(srv.URL + "/v1"), Client: srv.Client()}
	got, err := s.Scrape(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if *got.KVCacheUsage != 0.38235294117647056 {
		t.Errorf("KV use = %v; want 0.38235294117647056", *got.KVCacheUsage)
	}
	bad := &Scraper{URL: srv.URL + "/nope", Client: srv.Client()}
	if _, err := bad.Scrape(t.Context()); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("Scrape(404) = %v; want an HTTP 404 error", err)
	}
}

func TestRecordWatchesAndWritesGaps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := 0
		scrape := func(context.Context) (rundir.ServerSample, error) {
			n++
			if n == 2 {
				return rundir.ServerSample{}, errors.New("connection refused")
			}
			return rundir.ServerSample{Engine: "vllm", RequestsRunning: f(float64(n))}, nil
		}
		var buf bytes.Buffer
		ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
		defer cancel()
		if err := Record(ctx, scrape, time.Now(), WatchConfig{}, &buf); err != nil {
			t.Fatal(err)
		}
		want := `{"t_ns":0,"engine":"vllm","requests_running":1}
{"t_ns":250000000,"error":"connection refused"}
{"t_ns":500000000,"engine":"vllm","requests_running":3}
`
		if diff := cmp.Diff(want, buf.String()); diff != "" {
			t.Errorf("server.jsonl (-want +got):\n%s", diff)
		}
		got, err := rundir.ReadServerSamples(&buf)
		if err != nil || len(got) != 3 || got[1].Error == "" {
			t.Errorf("ReadJSONL = %+v, %v; want 3 samples, the 2nd an error", got, err)
		}
		stop := fmt.Errorf("disk full")
		if err := Watch(t.Context(), scrape, time.Now(), WatchConfig{}, func(rundir.ServerSample) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("Watch with failing emit = %v; want %v", err, stop)
		}
	})
}

// FuzzParse: any page parses without panicking, and what parses can be
// written to server.jsonl (no NaN or infinity reaches the sample).
func FuzzParse(f *testing.F) {
	for _, name := range []string{"vllm-metrics-v1-busy.txt", "tgi-metrics-excerpt.txt", "llamacpp-metrics-b9014-busy.txt"} {
		for _, fam := range targettest.MetricFamilies(fixture(f, name)) {
			f.Add(fam)
		}
	}
	f.Add(fixture(f, "llamacpp-metrics-b9014-busy.txt")) // one whole page (2 KB)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("Parse(%q) = %+v, which cannot be written: %v", b, s, err)
		}
	})
}

func BenchmarkParseVLLMPage(b *testing.B) {
	page := fixture(b, "vllm-metrics-v1-busy.txt")
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
}

// vLLM V1 before 0.9.2 named its prefix-cache counters
// vllm:gpu_prefix_cache_queries and vllm:gpu_prefix_cache_hits (renamed
// vllm:prefix_cache_*; the old names shown beside the new until 0.10,
// hidden in 0.11, removed in 0.12): their page gave no prefix-cache counts
// and the report no hit rate. Where both are on the page, the current
// names are read.
func TestParseOlderVLLMPrefixCacheNames(t *testing.T) {
	old := `vllm:num_requests_running{engine="0",model_name="m"} 1
vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.25
vllm:gpu_prefix_cache_queries_total{engine="0",model_name="m"} 120
vllm:gpu_prefix_cache_hits_total{engine="0",model_name="m"} 48
`
	s, err := Parse(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if s.PrefixCacheQueriesTotal == nil || *s.PrefixCacheQueriesTotal != 120 || s.PrefixCacheHitsTotal == nil || *s.PrefixCacheHitsTotal != 48 {
		t.Errorf("older names: queries %v, hits %v; want 120 and 48", ptr(s.PrefixCacheQueriesTotal), ptr(s.PrefixCacheHitsTotal))
	}
	both := old + `vllm:prefix_cache_queries_total{engine="0",model_name="m"} 130
vllm:prefix_cache_hits_total{engine="0",model_name="m"} 50
`
	s, err = Parse(strings.NewReader(both))
	if err != nil {
		t.Fatal(err)
	}
	if s.PrefixCacheQueriesTotal == nil || *s.PrefixCacheQueriesTotal != 130 || s.PrefixCacheHitsTotal == nil || *s.PrefixCacheHitsTotal != 50 {
		t.Errorf("both names: queries %v, hits %v; want the current names' 130 and 50", ptr(s.PrefixCacheQueriesTotal), ptr(s.PrefixCacheHitsTotal))
	}
}
