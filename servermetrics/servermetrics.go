// Package servermetrics scrapes a serving engine's Prometheus /metrics
// page — vLLM (V1 names, V0 fallback), TGI, llama.cpp llama-server, SGLang, and
// inferbench's mock, which speaks vLLM's names — into one Sample per tick
// for server.jsonl: requests running and waiting, KV-cache use, the
// cumulative prompt and generation token counters, and the mock's
// behind-schedule and CPU-wait seconds. It knows nothing of GPUs (package gpu) or of
// the load (package loadgen).
package servermetrics

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/inferbench/inferbench/internal/prom"
	"github.com/inferbench/inferbench/internal/tick"
	"github.com/inferbench/inferbench/rundir"
)

// Engine names, as rundir.ServerSample.Engine reports them.
const (
	EngineVLLM     = rundir.EngineVLLM
	EngineTGI      = rundir.EngineTGI
	EngineLlamaCPP = rundir.EngineLlamaCPP
	EngineSGLang   = rundir.EngineSGLang
)

// Parse reads one /metrics page in the Prometheus text format and maps
// the engine's names. Metric names may contain colons (vllm:…); the
// _created gauges and histogram buckets are ignored. A page that a
// llama.cpp build of Nov 2025 JSON-escaped into one quoted string
// (ggml-org/llama.cpp#17384) is unquoted first. A page with none of the
// known families is an error. A cumulative counter is the sum of its
// series that hold a count (seriesOf), as a Scraper's first scrape of the
// page gives it. A series the page writes twice (its name and label set)
// counts once, by its first sample, as Prometheus stores it
// (prom.Families): a gauge, counter or histogram repeated was summed, or
// for a histogram read from its last _sum.
func Parse(r io.Reader) (rundir.ServerSample, error) {
	pg, err := parsePage(r)
	if err != nil {
		return rundir.ServerSample{}, err
	}
	var fresh counters
	return fresh.sample(pg), nil
}

// A page is one /metrics page as read: its Sample without the cumulative
// counters, and each counter family's series (seriesOf; nil where the
// page has no value for the family), which a Scraper carries over the
// engine's restarts series by series (restart.go).
type page struct {
	sample   rundir.ServerSample
	counters [numCounters][]seriesValue
}

// parsePage reads one /metrics page as Parse does.
func parsePage(r io.Reader) (page, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(1); err == nil && b[0] == '"' {
		all, err := io.ReadAll(br)
		if err != nil {
			return page{}, fmt.Errorf("read metrics: %w", err)
		}
		var text string
		if err := json.Unmarshal(bytes.TrimSpace(all), &text); err != nil {
			return page{}, fmt.Errorf("quoted metrics page: %w", err)
		}
		br = bufio.NewReader(strings.NewReader(text))
	}
	fams, err := prom.Families(br, Namespaces...)
	if err != nil {
		return page{}, fmt.Errorf("parse metrics: %w", err)
	}
	for _, e := range engines {
		if e.serves(fams) {
			return e.page(fams), nil
		}
	}
	return page{}, errors.New("no vLLM, TGI, llama.cpp or SGLang serving metrics on the page")
}

// Namespaces are the prefixes of every family Parse reads: the engines'
// and the mock's (TestNamespacesCoverTheFamilies). Families outside them
// are dropped unparsed (prom.Families).
var Namespaces = []string{"vllm:", "tgi_", "llamacpp:", "sglang:", "inferbench_mock_"}

// An engine is how one serving engine names, on its /metrics page, what a
// Sample holds: one family per field ("" where the engine has none), and
// the families whose presence says the page is the engine's.
type engine struct {
	name                         string
	detect                       []string
	running, waiting             string
	kvCache                      []string // the first family present wins
	promptTotal, generationTotal string
	prefixCache                  []counterPair // the first with both families on the page wins
	// firstRank names a label whose series other than "0" repeat rank
	// 0's and are left out ("" for none).
	firstRank string
}

// A counterPair names the families of a prefix cache's queries and hits,
// read together so that a hit rate is never one name's hits over another's
// queries.
type counterPair struct{ queries, hits string }

// engines are the engines Parse knows, in the order it tries them.
var engines = []engine{{
	name:            EngineVLLM,
	detect:          []string{"vllm:num_requests_running", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"},
	running:         "vllm:num_requests_running",
	waiting:         "vllm:num_requests_waiting",
	kvCache:         []string{"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"}, // V1 name, then V0
	promptTotal:     "vllm:prompt_tokens_total",
	generationTotal: "vllm:generation_tokens_total",
	// V1's names, then those of V1 before 0.9.2 (vllm:gpu_prefix_cache_*,
	// shown beside the current ones until 0.10 and removed in 0.12; some
	// early releases' HELP text counts blocks, not tokens: a hit rate all
	// the same).
	prefixCache: []counterPair{{"vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total"},
		{"vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total"}},
}, {
	// TGI's token counts are histograms: tgi_request_input_length takes a
	// request's prompt as it passes validation (router/src/validation.rs),
	// before it is queued; tgi_request_generated_tokens its output as it
	// succeeds. Their _sum is the count.
	name:            EngineTGI,
	detect:          []string{"tgi_queue_size", "tgi_batch_current_size"},
	running:         "tgi_batch_current_size",
	waiting:         "tgi_queue_size",
	promptTotal:     "tgi_request_input_length",
	generationTotal: "tgi_request_generated_tokens",
}, {
	// llama-server adds a request's generated tokens to
	// tokens_predicted_total when its slot is reset, at the request's end
	// (tools/server/server-context.cpp, callback_on_reset), so the counter
	// stands still while requests stream: a difference over a span shorter
	// than the requests reads low (a 5 s level of 64-token requests, 4
	// slots: 426.7 tok/s by the counter, 532.4 streamed). Its
	// prompt_tokens_total leaves out the prompt tokens reused from its
	// cache (prompt_tokens_cached_total, in builds that have it), where
	// vLLM's counts them.
	name:            EngineLlamaCPP,
	detect:          []string{"llamacpp:requests_processing", "llamacpp:prompt_tokens_total"},
	running:         "llamacpp:requests_processing",
	waiting:         "llamacpp:requests_deferred",
	kvCache:         []string{"llamacpp:kv_cache_usage_ratio"}, // removed in newer builds
	promptTotal:     "llamacpp:prompt_tokens_total",
	generationTotal: "llamacpp:tokens_predicted_total",
}, {
	// SGLang (python/sglang/srt/metrics/collector.py; docs.sglang.io,
	// references/production_metrics) exports its scheduler's numbers from
	// the first tensor-parallel rank of each data-parallel scheduler; with
	// --enable-metrics-for-all-schedulers every TP rank exports the same
	// batch again under its tp_rank, which summed would multiply the
	// counts by the TP size. token_usage is the fraction of the KV token
	// pool in use. Its tokenizer manager counts a request's prompt tokens
	// (prompt_tokens_total), generated tokens and the prompt tokens its
	// radix cache held (cached_tokens_total, one series per cache_source
	// where HiCache has tiers) when the request finishes
	// (observe_one_finished_request): the prompt tokens are the queries of
	// the prefix cache, the cached ones its hits. cached_tokens_total has no
	// series before the first hit; until then no hit rate is read.
	name:            EngineSGLang,
	detect:          []string{"sglang:num_running_reqs", "sglang:token_usage", "sglang:generation_tokens_total"},
	running:         "sglang:num_running_reqs",
	waiting:         "sglang:num_queue_reqs",
	kvCache:         []string{"sglang:token_usage"},
	promptTotal:     "sglang:prompt_tokens_total",
	generationTotal: "sglang:generation_tokens_total",
	prefixCache:     []counterPair{{"sglang:prompt_tokens_total", "sglang:cached_tokens_total"}},
	firstRank:       "tp_rank",
}}

// serves reports whether the page has any of e's detecting families.
func (e *engine) serves(fams map[string]*dto.MetricFamily) bool {
	for _, name := range e.detect {
		if fams[name] != nil {
			return true
		}
	}
	return false
}

// page maps the page's families onto a Sample and the series of its
// cumulative counters; a family the page lacks leaves its field nil.
func (e *engine) page(fams map[string]*dto.MetricFamily) page {
	if e.firstRank != "" {
		for _, f := range fams {
			f.Metric = slices.DeleteFunc(f.Metric, func(m *dto.Metric) bool { return !firstRank(m, e.firstRank) })
		}
	}
	s := rundir.ServerSample{
		Engine:          e.name,
		RequestsRunning: within(sum(fams[e.running]), maxRequests),
		RequestsWaiting: within(sum(fams[e.waiting]), maxRequests),
	}
	for _, name := range e.kvCache {
		if s.KVCacheUsage = within(mean(fams[name]), 1); s.KVCacheUsage != nil {
			break
		}
	}
	pg := page{sample: s}
	pg.counters[promptTokens] = seriesOf(fams[e.promptTotal])
	pg.counters[generationTokens] = seriesOf(fams[e.generationTotal])
	for _, p := range e.prefixCache {
		if q, h := seriesOf(fams[p.queries]), seriesOf(fams[p.hits]); q != nil && h != nil {
			pg.counters[prefixCacheQueries], pg.counters[prefixCacheHits] = q, h
			break
		}
	}
	// Not an engine's family: inferbench's mock (on its vLLM-style page)
	// says how far its simulated engine fell behind its schedule.
	pg.counters[simBehindSeconds] = seriesOf(fams[MockBehindFamily])
	pg.counters[mockCPUWaitSeconds] = seriesOf(fams[MockCPUWaitFamily])
	pg.counters[mockCPUSlices] = seriesOf(fams[MockCPUSlicesFamily])
	pg.counters[mockCPUSeconds] = seriesOf(fams[MockCPUSecondsFamily])
	return pg
}

// firstRank reports whether m's label name is absent or "0".
func firstRank(m *dto.Metric, name string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue() == "0"
		}
	}
	return true
}

// MockBehindFamily is the counter family of inferbench's mock engine that
// becomes a Sample's SimBehindSecondsTotal: the seconds the simulated
// engine fell behind its schedule (mock.BehindScheduleFamily, whose test
// checks the two names agree).
const MockBehindFamily = "inferbench_mock_behind_schedule_seconds_total"

// MockCPUWaitFamily is the counter family of inferbench's mock that
// becomes a Sample's MockCPUWaitSecondsTotal: the seconds the mock's
// threads waited for a CPU (mock.CPUWaitFamily, whose test checks the two
// names agree).
const MockCPUWaitFamily = "inferbench_mock_cpu_wait_seconds_total"

// MockCPUSlicesFamily becomes MockCPUSlicesTotal: the times the mock's
// threads were put on a CPU (mock.CPUSlicesFamily).
const MockCPUSlicesFamily = "inferbench_mock_cpu_timeslices_total"

// MockCPUSecondsFamily becomes MockCPUSecondsTotal: the seconds the mock's
// threads ran on a CPU (mock.CPUSecondsFamily).
const MockCPUSecondsFamily = "inferbench_mock_cpu_seconds_total"

// The largest values a Sample's fields can hold, far above any engine's:
// past them a page's value is garbage (a mean of 1.7e308 over the samples
// of a level is +Inf, which summary.json cannot hold). KV-cache use is a
// ratio, at most 1. maxTokensTotal bounds each series of a cumulative
// counter (seriesOf), not their carried sum: a page holds at most
// prom.MaxSeries series, so the sum stays finite.
const (
	maxRequests    = 1e9
	maxTokensTotal = 1e18
)

// within returns v when it is at most limit, else nil.
func within(v *float64, limit float64) *float64 {
	if v == nil || *v > limit {
		return nil
	}
	return v
}

// values returns each series' value: gauge, counter and untyped values,
// and the sum of a histogram or summary (TGI's token counts are histograms).
func values(f *dto.MetricFamily) []float64 {
	var out []float64
	for _, m := range f.GetMetric() {
		if v, ok := prom.Value(m); ok {
			out = append(out, v)
		}
	}
	return out
}

// sum is the sum of f's series, nil when f has none or one is negative
// (every field of a Sample is a count or a ratio: the page is absurd). A
// sum that overflows is +Inf, which within refuses.
func sum(f *dto.MetricFamily) *float64 {
	return total(values(f))
}

// mean is the mean of f's series, nil where sum is.
func mean(f *dto.MetricFamily) *float64 {
	vs := values(f)
	t := total(vs)
	if t == nil {
		return nil
	}
	m := *t / float64(len(vs))
	return &m
}

// total is the sum of vs; nil when there are none or one is negative.
func total(vs []float64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	var t float64
	for _, v := range vs {
		if v < 0 {
			return nil
		}
		t += v
	}
	return &t
}

// DefaultTimeout bounds one scrape when Scraper.Timeout is zero.
const DefaultTimeout = prom.DefaultTimeout

// A Scraper reads one engine's /metrics URL. Set URL; the other fields
// have working zero values. It is safe for concurrent use, though one
// engine's pages are carried in the order their scrapes return (Watch
// scrapes one at a time). A Scraper must not be copied after first use.
type Scraper struct {
	// URL is the metrics URL, e.g. http://127.0.0.1:8000/metrics.
	URL string
	// Client makes the requests; nil means prom.Fetch's own (redirects
	// within the origin only, no gzip asked for).
	Client *http.Client
	// Timeout bounds each scrape; 0 means DefaultTimeout.
	Timeout time.Duration

	mu sync.Mutex
	// carried are each engine's counters, series by series (restart.go),
	// by the engine the page was (enginechange.go).
	carried map[string]*counters
	change  engineChange
}

// MetricsURL returns the conventional /metrics URL of an engine whose
// API is at baseURL (with or without a trailing / or /v1). A query (a
// proxy's ?key=) is kept as the query, not made part of the path.
func MetricsURL(baseURL string) string { return MetricsURLAt(baseURL, "/metrics") }

// MetricsURLAt is the metrics page at path under the server root baseURL
// (a trailing /v1 is the API's, not the server's, and is dropped).
func MetricsURLAt(baseURL, path string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1") + path
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1") + path
	u.RawPath = ""
	return u.String()
}

// Scrape fetches and parses the page once; TNS is left zero. The
// cumulative counters are carried, series by series, over the engine's
// restarts that this Scraper's scrapes have seen (restart.go): a
// difference of two scrapes' values is what the engine did between them.
// Each engine's counters are carried apart: a page of another engine than
// the one before (a server restarted as another engine behind the URL, a
// balancer alternating between two) is returned with its own engine's
// counters and, the first time, an *EngineChange beside it, the sample
// good (enginechange.go). A failed scrape changes nothing.
func (s *Scraper) Scrape(ctx context.Context) (rundir.ServerSample, error) {
	pg, err := prom.Fetch(ctx, s.Client, s.URL, s.Timeout, "server metrics", parsePage)
	if err != nil {
		return rundir.ServerSample{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.carried[pg.sample.Engine]
	if c == nil {
		if s.carried == nil {
			s.carried = map[string]*counters{}
		}
		c = new(counters)
		s.carried[pg.sample.Engine] = c
	}
	smp := c.sample(pg)
	if err := c.turns(); err != nil {
		return rundir.ServerSample{}, fmt.Errorf("server metrics: %w", err)
	}
	if ch := s.change.see(smp.Engine); ch != nil {
		return smp, ch
	}
	return smp, nil
}

// DefaultInterval is the scrape period of Watch when WatchConfig.Interval
// is zero; it matches gpu.DefaultInterval so the two files share ticks.
const DefaultInterval = 250 * time.Millisecond

// WatchConfig configures Watch; the zero value scrapes every
// DefaultInterval until ctx is done.
type WatchConfig struct {
	// Interval is the scrape period; 0 means DefaultInterval.
	Interval time.Duration
	// Count stops Watch after this many ticks; 0 means no limit.
	Count int
	// OnError, if set, is called with the time (ns from start) and error
	// of every failed scrape.
	OnError func(tNS int64, err error)
}

// Watch calls scrape at once and then every cfg.Interval, stamps each
// Sample with its offset from start, taken when scrape returned, and hands
// it to emit (a Scraper's Scrape has carried the engine's cumulative
// counters over its restarts, series by series: restart.go). A failed
// scrape is emitted as a Sample with only TNS and Error, and the
// loop goes on; a scrape that returns an *EngineChange beside its sample
// is not failed: its sample is emitted as it is; missed ticks are skipped, not queued. Watch
// returns ctx.Err() when ctx is done, nil after cfg.Count ticks, or the
// first error from emit.
func Watch(ctx context.Context, scrape func(context.Context) (rundir.ServerSample, error), start time.Time, cfg WatchConfig, emit func(rundir.ServerSample) error) error {
	interval := cfg.Interval
	if interval == 0 {
		interval = DefaultInterval
	}
	if interval < 0 || cfg.Count < 0 {
		return fmt.Errorf("server metrics watch: interval %v, count %d: must not be negative", interval, cfg.Count)
	}
	return tick.Every(ctx, interval, cfg.Count, func() error {
		smp, err := scrape(ctx)
		tNS := time.Since(start).Nanoseconds()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var change *EngineChange
		if err != nil && !errors.As(err, &change) {
			if cfg.OnError != nil {
				cfg.OnError(tNS, err)
			}
			smp = rundir.ServerSample{Error: err.Error()}
		}
		smp.TNS = tNS
		return emit(smp)
	})
}

// Record runs Watch and writes every Sample to w as JSON Lines
// (server.jsonl), flushing each line. It returns nil when ctx is done or
// cfg.Count ticks have run, and an error only when writing fails:
//
//	sc := &servermetrics.Scraper{URL: servermetrics.MetricsURL(targetURL)}
//	g.Go(func() error { return servermetrics.Record(telemetryCtx, sc.Scrape, start, servermetrics.WatchConfig{}, f) })
func Record(ctx context.Context, scrape func(context.Context) (rundir.ServerSample, error), start time.Time, cfg WatchConfig, w io.Writer) error {
	jw := rundir.NewJSONLWriter[rundir.ServerSample](w, rundir.ServerFile)
	err := Watch(ctx, scrape, start, cfg, func(s rundir.ServerSample) error { return jw.Write(s) })
	return tick.IgnoreStop(ctx, err)
}
