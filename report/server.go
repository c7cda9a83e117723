package report

import (
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// ServerLevel is what the serving engine's own metrics (server.jsonl) said
// during a level's measured window: batch and queue sizes, KV-cache use,
// and the engine's generation counter, which cross-checks the harness's
// own token count.
type ServerLevel struct {
	// Samples is the number of successful scrapes in the window; Failed the failed ones.
	Samples int `json:"samples"`
	Failed  int `json:"failed"`
	// RequestsRunning and RequestsWaiting are the engine's running batch
	// and waiting queue; KVCacheUsage the fraction of KV cache in use (0–1).
	RequestsRunning *MeanPeak `json:"requests_running,omitempty"`
	RequestsWaiting *MeanPeak `json:"requests_waiting,omitempty"`
	KVCacheUsage    *MeanPeak `json:"kv_cache_usage,omitempty"`
	// GenerationTokensPerS is the increase of the engine's generation-token
	// counter between the first and last scrape of the window, divided by
	// the time between them; nil without two readings.
	GenerationTokensPerS *float64 `json:"generation_tokens_per_s,omitempty"`
	// GenerationCountedAtEnd says the engine adds a request's generated
	// tokens to its counter when the request ends (llama.cpp, SGLang), or
	// succeeds (TGI), not token by token (rundir.CountsAtEnd): over a
	// window a few requests long its rate reads low against the harness's.
	GenerationCountedAtEnd bool `json:"generation_counted_at_end,omitempty"`
	// PrefixCacheHitRate is the share of prompt tokens the engine found in
	// its prefix cache over the window (PrefixCacheHitRate in metrics.go),
	// and PrefixCacheSource the counters it comes from; nil and "" without
	// two readings.
	PrefixCacheHitRate *float64 `json:"prefix_cache_hit_rate,omitempty"`
	PrefixCacheSource  string   `json:"prefix_cache_source,omitempty"`
	// SimBehind is how far inferbench's mock engine fell behind its
	// schedule over the window (metrics.go, Mock behind schedule); nil for
	// a real engine, fixed timing, or without two readings.
	SimBehind *SimBehind `json:"sim_behind,omitempty"`
	// EngineChange says, in one line, that the window's scrapes are not
	// one engine's, and that no counter rate is given over it: the page's
	// engine changed inside the window (a server restarted as another
	// engine behind the URL, a balancer alternating between two), where;
	// or the run's scrapes were refused as several engines of one kind
	// answering the URL in turn, from when. "" when they are one engine's.
	EngineChange string `json:"engine_change,omitempty"`
}

// SimBehind is how far the host held inferbench's mock back over a span
// of scrapes (a level's window, or the whole run): the seconds its
// simulated engine lost behind its schedule, the span they are over and
// their share of it (SimBehindShare); and, where the mock reports it, its
// threads' wait for a CPU (CPUWaitS), per time one was put on a CPU
// (CPUWaitMeanMS: RunWaitMeanMS), per second they ran (CPUWaitPerCPU:
// RunWaitPerCPU) and over the span (CPUWaitThreads: RunWaitThreads).
// Flagged (MOCK-BEHIND) when the share reached SimBehindBound, or the mean
// wait MockCPUWaitBoundMS and the wait per CPU second
// MockCPUWaitPerCPUBound.
// NoSchedule says the mock had no schedule to fall behind (fixed timing:
// only its CPU wait is known, S and Share are 0).
type SimBehind struct {
	S              float64  `json:"s"`
	SpanS          float64  `json:"span_s"`
	Share          float64  `json:"share"`
	Flagged        bool     `json:"flagged"`
	NoSchedule     bool     `json:"no_schedule,omitempty"`
	CPUWaitS       *float64 `json:"cpu_wait_s,omitempty"`
	CPUWaitMeanMS  *float64 `json:"cpu_wait_mean_ms,omitempty"`
	CPUWaitPerCPU  *float64 `json:"cpu_wait_per_cpu_s,omitempty"`
	CPUWaitThreads *float64 `json:"cpu_wait_threads,omitempty"`
}

// Warning says what a flagged span means, for the table and the reports:
// one sentence naming what was seen.
func (b *SimBehind) Warning() string {
	if !b.cpuWaitFlagged() {
		return fmt.Sprintf("MOCK-BEHIND: the simulated engine fell %.2f s (%.1f %%) behind its schedule: the host was too busy; its numbers read slower than the profile", b.S, 100*b.Share)
	}
	engine := ""
	if !b.NoSchedule {
		engine = fmt.Sprintf(", and its simulated engine fell %.2f s (%.1f %%) behind its schedule", b.S, 100*b.Share)
	}
	return fmt.Sprintf("MOCK-BEHIND: the mock's threads waited %.2f ms on average for a CPU each time they became runnable, %.1f s per second they ran%s: the host took the CPU away, its tokens reached the client late; its numbers read slower than the profile", *b.CPUWaitMeanMS, *b.CPUWaitPerCPU, engine)
}

// Short is what flagged the span, in a few words for a list of levels:
// "3.0 % behind schedule", or "waited 0.30 ms for a CPU" when the mock's
// wait for a CPU did.
func (b *SimBehind) Short() string {
	if b.cpuWaitFlagged() {
		return fmt.Sprintf("waited %.2f ms for a CPU", *b.CPUWaitMeanMS)
	}
	return fmt.Sprintf("%.1f %% behind schedule", 100*b.Share)
}

// cpuWaitFlagged says the mock's mean wait for a CPU reached its bound.
func (b *SimBehind) cpuWaitFlagged() bool {
	return b.CPUWaitMeanMS != nil && b.CPUWaitPerCPU != nil && *b.CPUWaitMeanMS >= MockCPUWaitBoundMS && *b.CPUWaitPerCPU >= MockCPUWaitPerCPUBound
}

// counterDelta is the increase of the counter field reads over the good
// scrapes in [startNS, endNS] that carry it, from the first to the last of
// them, and the seconds between those two; false without two such scrapes
// at different times.
func counterDelta(samples []rundir.ServerSample, startNS, endNS int64, field func(*rundir.ServerSample) *float64) (delta, spanS float64, ok bool) {
	var first, last *rundir.ServerSample
	for i := range samples {
		s := &samples[i]
		if s.TNS < startNS || s.TNS > endNS || s.Error != "" || field(s) == nil {
			continue
		}
		if first == nil {
			first = s
		}
		last = s
	}
	if first == nil || last.TNS == first.TNS {
		return 0, 0, false
	}
	return *field(last) - *field(first), float64(last.TNS-first.TNS) / 1e9, true
}

// SummarizeSimBehind is how far the host held the mock back over the good
// scrapes in [startNS, endNS]: its behind-schedule seconds and its threads'
// CPU wait, each from the first to the last scrape carrying its counter.
// nil without either (a real engine has neither), and where the scrapes'
// engine changed (two engines' counters: EngineChange).
func SummarizeSimBehind(samples []rundir.ServerSample, startNS, endNS int64) *SimBehind {
	if engineChange(samples, startNS, endNS) != "" {
		return nil
	}
	return simBehind(samples, startNS, endNS)
}

// simBehind is SummarizeSimBehind over scrapes of one engine.
func simBehind(samples []rundir.ServerSample, startNS, endNS int64) *SimBehind {
	var b SimBehind
	known := false
	if delta, span, ok := counterDelta(samples, startNS, endNS, func(s *rundir.ServerSample) *float64 { return s.SimBehindSecondsTotal }); ok {
		if share, ok := SimBehindShare(delta, span); ok {
			b.S, b.SpanS, b.Share, known = delta, span, share, true
		}
	}
	if delta, span, ok := counterDelta(samples, startNS, endNS, func(s *rundir.ServerSample) *float64 { return s.MockCPUWaitSecondsTotal }); ok {
		if th, ok := RunWaitThreads(delta, span); ok {
			b.CPUWaitS, b.CPUWaitThreads = &delta, &th
			if cpu, _, ok := counterDelta(samples, startNS, endNS, func(s *rundir.ServerSample) *float64 { return s.MockCPUSecondsTotal }); ok {
				if r, ok := RunWaitPerCPU(delta, cpu); ok {
					b.CPUWaitPerCPU = &r
				}
			}
			if n, _, ok := counterDelta(samples, startNS, endNS, func(s *rundir.ServerSample) *float64 { return s.MockCPUSlicesTotal }); ok {
				if m, ok := RunWaitMeanMS(delta, n); ok {
					b.CPUWaitMeanMS = &m
				}
			}
			if !known {
				b.SpanS, b.NoSchedule = span, true
			}
			known = true
		}
	}
	if !known {
		return nil
	}
	b.Flagged = b.Share >= SimBehindBound || b.cpuWaitFlagged()
	return &b
}

// SummarizeServer summarizes the server samples that fall in [startNS, endNS].
func SummarizeServer(samples []rundir.ServerSample, startNS, endNS int64) ServerLevel {
	var lv ServerLevel
	var running, waiting, kv []float64
	engine := ""
	for i := range samples {
		s := &samples[i]
		if s.TNS < startNS || s.TNS > endNS {
			continue
		}
		if s.Error != "" {
			lv.Failed++
			continue
		}
		lv.Samples++
		engine = s.Engine // one engine's, unless EngineChange says otherwise
		if s.RequestsRunning != nil {
			running = append(running, *s.RequestsRunning)
		}
		if s.RequestsWaiting != nil {
			waiting = append(waiting, *s.RequestsWaiting)
		}
		if s.KVCacheUsage != nil {
			kv = append(kv, *s.KVCacheUsage)
		}
	}
	lv.RequestsRunning, lv.RequestsWaiting, lv.KVCacheUsage = meanPeak(running), meanPeak(waiting), meanPeak(kv)
	if lv.EngineChange = engineChange(samples, startNS, endNS); lv.EngineChange != "" {
		return lv // no counter difference across the change
	}
	lv.prefixCache(samples, startNS, endNS)
	lv.SimBehind = simBehind(samples, startNS, endNS)
	if delta, spanS, ok := counterDelta(samples, startNS, endNS, func(s *rundir.ServerSample) *float64 { return s.GenerationTokensTotal }); ok {
		r := delta / spanS
		lv.GenerationTokensPerS = &r
		lv.GenerationCountedAtEnd = rundir.CountsAtEnd(engine)
	}
	return lv
}

// engineChange says, in one line, why the good scrapes in [startNS,
// endNS] are not one engine's, with what that means for the window's
// counters; "" when they are. Counters of two engines taken together mean
// nothing, and no difference of them is taken:
//   - the scrapes' engine changed (a server restarted as another behind
//     the URL, a balancer alternating between two kinds): servermetrics
//     carries each engine's apart, and a difference across the change is
//     one engine's count less another's;
//   - servermetrics refused the run's scrapes, from some time on, as
//     several engines of one kind answering the URL in turn (restart.go):
//     the scrapes before the refusal carried the engines' counters over
//     their first turns as over restarts, and which did is not known
//     (only a refusal after the window's first good scrape: one before it
//     was of scrapes before the window's).
func engineChange(samples []rundir.ServerSample, startNS, endNS int64) string {
	var first, refused *rundir.ServerSample
	var refusals []*rundir.ServerSample
	for i := range samples {
		s := &samples[i]
		if s.Error != "" {
			if strings.Contains(s.Error, rundir.EnginesInTurn) {
				refusals = append(refusals, s)
			}
			continue
		}
		if s.TNS < startNS || s.TNS > endNS {
			continue
		}
		if first == nil {
			first = s
		} else if s.Engine != first.Engine {
			return fmt.Sprintf("the metrics page's engine changed from %s to %s at %.1f s (a server restarted as another engine, or a balancer alternating between two): no counter rate over this span, two engines' counters mean nothing together",
				printable.Text(first.Engine), printable.Text(s.Engine), float64(s.TNS)/1e9)
		}
	}
	if first == nil {
		return ""
	}
	// servermetrics counts turns per engine kind: a refusal before the
	// window's first good scrape (another kind's, or one whose engines
	// have since gone) says nothing of the scrapes after it.
	for _, r := range refusals {
		if r.TNS > first.TNS && (refused == nil || r.TNS < refused.TNS) {
			refused = r
		}
	}
	if refused != nil {
		return fmt.Sprintf("the metrics scrapes were refused from %.1f s on: %s in turn (a load balancer?), and the scrapes before then carried their counters over the turns as over restarts: no counter rate over this span",
			float64(refused.TNS)/1e9, rundir.EnginesInTurn)
	}
	return ""
}

// prefixCache sets the window's prefix-cache hit rate from the first and
// last good scrapes in [startNS, endNS] that carry both counters.
func (lv *ServerLevel) prefixCache(samples []rundir.ServerSample, startNS, endNS int64) {
	var first, last *rundir.ServerSample
	for i := range samples {
		s := &samples[i]
		if s.TNS < startNS || s.TNS > endNS || s.Error != "" || s.PrefixCacheQueriesTotal == nil || s.PrefixCacheHitsTotal == nil {
			continue
		}
		if first == nil {
			first = s
		}
		last = s
	}
	if first == nil || last == first {
		return
	}
	r, ok := PrefixCacheHitRate(*last.PrefixCacheHitsTotal-*first.PrefixCacheHitsTotal, *last.PrefixCacheQueriesTotal-*first.PrefixCacheQueriesTotal)
	if !ok {
		return
	}
	lv.PrefixCacheHitRate = &r
	lv.PrefixCacheSource = first.Engine + " prefix_cache_hits_total / prefix_cache_queries_total (server.jsonl)"
	if first.Engine == rundir.EngineSGLang {
		lv.PrefixCacheSource = "sglang cached_tokens_total / prompt_tokens_total (server.jsonl), counted as requests finish"
	}
}
