package report

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"unicode/utf8"

	"github.com/inferbench/inferbench/internal/jsonerr"
	"github.com/inferbench/inferbench/rundir"
)

// Summary is the computed metrics of one run: one Level per load level, and
// the capacity at SLO. It is written as summary.json; field names are a
// public contract (docs/design.md).
type Summary struct {
	// Levels holds one entry per load level, in increasing level order.
	Levels []Level `json:"levels"`
	// Capacity is the level that met the SLOs with the best output
	// throughput, nil when none did or no SLO was set.
	Capacity *Capacity `json:"capacity"`
	// Records is the number of records read, every stage and attempt: what
	// requests.jsonl holds, whatever run.json says.
	Records int64 `json:"records"`
	// Adaptive is run.json's account of adaptive levels (stop decisions,
	// capacity bracket, spend), repeated; nil for fixed levels.
	Adaptive *rundir.Adaptive `json:"adaptive,omitempty"`
	// ServerMetricsError is set when server.jsonl holds scrapes and every
	// one failed: how many, and what the first said.
	ServerMetricsError string `json:"server_metrics_error,omitempty"`
	// SimBehind is how far inferbench's mock engine fell behind its
	// schedule over the whole run, from the first to the last scrape
	// (metrics.go, Mock behind schedule); nil for a real engine.
	SimBehind *SimBehind `json:"sim_behind,omitempty"`
}

// Level is the metrics of one load level, over its measured stage only.
type Level struct {
	// Level is the load level: concurrency, or request rate.
	Level    float64  `json:"level"`
	Requests Requests `json:"requests"`
	// TTFTMS, TPOTMS, ITLMS and E2EMS are the latency distributions, in
	// milliseconds (definitions in metrics.go).
	TTFTMS Dist `json:"ttft_ms"`
	TPOTMS Dist `json:"tpot_ms"`
	ITLMS  Dist `json:"itl_ms"`
	E2EMS  Dist `json:"e2e_ms"`
	// TTFBMS is the time to the first byte of the body; ContentTTFTMS the
	// time to the first visible content; InterChunkMS the gaps between
	// token-bearing events, unspread.
	TTFBMS        Dist `json:"ttfb_ms"`
	ContentTTFTMS Dist `json:"content_ttft_ms"`
	InterChunkMS  Dist `json:"inter_chunk_ms"`
	// UserOutputTokensPerS is the per-request decode speed a user sees:
	// (output tokens − 1) / (E2E − TTFT), 1 / TPOT (report/metrics.go).
	UserOutputTokensPerS Dist `json:"user_output_tokens_per_s"`
	// SendLagMS is sent − scheduled per request: how late the harness sent
	// requests against their schedule (open loop; the cap's queueing shows
	// here). TTFTFromScheduleMS and E2EFromScheduleMS count from the due time,
	// the latency a user arriving on schedule would see.
	SendLagMS Dist `json:"send_lag_ms"`
	// ConnectMS is the wait for a new connection (ConnectMS in metrics.go)
	// of the completed requests that opened one: N of Requests.OK, and a
	// part of their TTFT a kept connection does not have (a TLS handshake
	// against a remote API). Nil when none did, or the records do not say.
	ConnectMS          *Dist `json:"connect_ms,omitempty"`
	TTFTFromScheduleMS Dist  `json:"ttft_from_schedule_ms"`
	E2EFromScheduleMS  Dist  `json:"e2e_from_schedule_ms"`
	// AchievedRatePerS is the rate requests were really sent at:
	// (n − 1) / (last send − first send).
	AchievedRatePerS float64 `json:"achieved_rate_per_s"`
	// ServerTTFTMS is the server's own time to first token (metrics.go),
	// for servers that report their timings; N is 0 otherwise.
	ServerTTFTMS Dist `json:"server_ttft_ms"`
	// TTFTOverheadMS is the TTFT beyond server timing: client TTFT − server
	// TTFT per request that has both (metrics.go); N is 0 when the server
	// reports no timings.
	TTFTOverheadMS Dist `json:"ttft_overhead_ms"`
	// ServerTimingHasQueue says the server's timings included a queue time
	// (server TTFT then holds the queueing, not TTFTOverheadMS).
	ServerTimingHasQueue bool `json:"server_timing_has_queue,omitempty"`
	// QueueWaitMS is the estimated mean wait for a slot (metrics.go), nil
	// when the server reported no waiting requests (server.jsonl).
	QueueWaitMS *float64 `json:"queue_wait_ms,omitempty"`
	// WindowS is the measured window in seconds (metrics.go), from
	// StartNS to EndNS: the first measured send to the last measured
	// completion, widened to the time the level ran (LevelWindow).
	WindowS float64 `json:"window_s"`
	StartNS int64   `json:"start_ns"`
	EndNS   int64   `json:"end_ns"`
	// InputTokens and OutputTokens total the successful measured requests'
	// tokens (as vLLM's benchmark totals them): a failed request's partial
	// output is not counted.
	InputTokens  int64 `json:"input_tokens"`
	OutputTokens int64 `json:"output_tokens"`
	// CachedInputTokens totals the input tokens the server said it answered
	// from its prompt cache (Record.CachedInputTokens), over the same
	// requests as InputTokens.
	CachedInputTokens int64 `json:"cached_input_tokens"`
	// OutputTokensSource counts measured requests by where their output
	// token count came from.
	OutputTokensSource map[rundir.TokenSource]int `json:"output_tokens_source"`
	// OutputTokensPerS, TotalTokensPerS, RequestsPerS and GoodputRPS are
	// over the steady state (Steady), or the window when it has none.
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	TotalTokensPerS  float64 `json:"total_tokens_per_s"`
	RequestsPerS     float64 `json:"requests_per_s"`
	// GoodputRPS is the rate of requests that met every per-request SLO;
	// equal to the OK request rate when no SLO is set.
	GoodputRPS float64 `json:"goodput_rps"`
	// Steady is the level's steady state, ramp and drain (metrics.go), nil
	// when every send fell within the ramp.
	Steady *Steady `json:"steady,omitempty"`
	// WindowOutputTokensPerS and WindowRequestsPerS are the same rates over
	// the whole window, ramp and drain included.
	WindowOutputTokensPerS float64 `json:"window_output_tokens_per_s"`
	WindowRequestsPerS     float64 `json:"window_requests_per_s"`
	// PastMaxTokens counts measured requests, whatever their outcome (a
	// stream that ran past its cap and then timed out too), that produced
	// more output tokens than requested, by the server's count or the
	// stream's token events (never an estimate).
	PastMaxTokens int `json:"past_max_tokens"`
	// UsageChecks counts measured requests whose output-token count the
	// stream contradicted or strained (rundir.Record.BoundOutputTokens).
	UsageChecks
	// ResentRequests counts the measured requests the HTTP client sent
	// again on its own (ResentByClient, metrics.go), of any outcome.
	ResentRequests int `json:"resent_requests,omitempty"`
	// Errors counts failed measured requests by class.
	Errors map[rundir.ErrorClass]int `json:"errors"`
	// ErrorExamples is, by class, the error of the first failed measured
	// request in the file (up to ErrorExampleBytes): what the server or the
	// client said, so that "http_4xx 327" says why without opening
	// requests.jsonl.
	ErrorExamples map[rundir.ErrorClass]string `json:"error_examples,omitempty"`
	// Retried counts failed attempts that were sent again (--retries), by
	// class; they are not in Requests or Errors.
	Retried map[rundir.ErrorClass]int `json:"retried,omitempty"`
	// Lengths compares what the workload asked for with what the server
	// processed and produced, over successful requests.
	Lengths *Lengths `json:"lengths,omitempty"`
	// GPU is the GPU telemetry over the measured window, nil when the run
	// had none.
	GPU *GPULevel `json:"gpu,omitempty"`
	// Sessions is the multi-turn session view of the level (TTFT of turn 1
	// against later turns, session durations); nil without sessions.
	Sessions *SessionLevel `json:"sessions,omitempty"`
	// MeanInFlight is the mean number of measured requests in flight over
	// the window: Σ BusyMS / window (a closed loop should hold its
	// concurrency).
	MeanInFlight float64 `json:"mean_in_flight"`
	// Client is the load generator's own state and whether it was the
	// bottleneck, nil when the run did not record client.jsonl.
	Client *ClientLevel `json:"client,omitempty"`
	// Server is what the engine's own metrics said over the window, nil
	// when the run did not scrape them.
	Server *ServerLevel `json:"server,omitempty"`
}

// Requests counts the measured requests of a level.
type Requests struct {
	Total  int `json:"total"`
	OK     int `json:"ok"`
	Failed int `json:"failed"`
}

// Dist summarizes a distribution: percentiles by linear interpolation
// between closest ranks (NumPy's default), mean and population standard
// deviation. N is the number of values; all fields are zero when N is 0.
type Dist struct {
	N      int     `json:"n"`
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P95    float64 `json:"p95"`
	P99    float64 `json:"p99"`
	P999   float64 `json:"p999"`
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Capacity is the load level whose percentiles met the SLOs with the best
// output throughput, and its throughput: the throughput the cost model uses.
type Capacity struct {
	Level            float64 `json:"level"`
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	TotalTokensPerS  float64 `json:"total_tokens_per_s"`
	RequestsPerS     float64 `json:"requests_per_s"`
	// LowerBound is true when the capacity is the highest level run: no
	// level above it was tried, so the true capacity may be higher.
	LowerBound bool `json:"lower_bound"`
}

// Describe is the capacity in words for tables and verdicts: "level 16,
// 661.0 output tok/s, 5.16 req/s", with " (lower bound: every level run
// met the SLO)" when it is one.
func (c *Capacity) Describe() string {
	s := fmt.Sprintf("level %g, %.1f output tok/s, %.2f req/s", c.Level, c.OutputTokensPerS, c.RequestsPerS)
	if c.LowerBound {
		s += " " + LowerBoundNote
	}
	return s
}

// LowerBoundNote marks a capacity that is a lower bound.
const LowerBoundNote = "(lower bound: the highest level run met the SLO; more load was not tried)"

// ReadSummary reads a summary.json file.
func ReadSummary(path string) (*Summary, error) {
	b, err := rundir.ReadFile(path, rundir.MaxSummarySize)
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		// In words, where and what, and the way out: a summary is only
		// ever computed from the records.
		where := path
		if line, col, ok := jsonerr.Position(b, err); ok {
			where = fmt.Sprintf("%s:%d:%d", path, line, col)
		}
		return nil, fmt.Errorf("%s: %w (inferbench report %s computes it again from the run's records)", where, jsonerr.TypeError(err), filepath.Dir(path))
	}
	return &s, nil
}

// Lengths sets requested prompt and output lengths beside the counts the
// server reported (or the harness counted), means over successful requests.
type Lengths struct {
	RequestedInputMean  float64 `json:"requested_input_mean"`
	InputMean           float64 `json:"input_mean"`
	RequestedOutputMean float64 `json:"requested_output_mean"`
	OutputMean          float64 `json:"output_mean"`
	// ShortOutputShare is the fraction of successful requests that produced
	// fewer tokens than requested: the server stopped early (EOS), so
	// throughput per request is not comparable across servers unless the
	// output length is forced (ignore_eos / min_tokens).
	ShortOutputShare float64 `json:"short_output_share"`
	// LongOutputShare is the fraction of successful requests that produced
	// more tokens than requested, by the server's count or by counting the
	// stream's token events (never by an estimate): the server ignored the
	// output cap (Ollama's OpenAI-compatible chat ignores
	// max_completion_tokens), so the run did other work than its scenario says.
	LongOutputShare float64 `json:"long_output_share"`
	// InputChecked is the number of successful requests whose prompt the
	// server counted (InputExact); InputExactShare the fraction of those
	// whose count was exactly the length requested (both absent when no
	// prompt was checked; a share absent beside a count is 0).
	InputChecked    int64   `json:"input_checked,omitempty"`
	InputExactShare float64 `json:"input_exact_share,omitempty"`
	// InputAdded is the tokens the server counted beyond every checked
	// prompt's requested length, when it was one and the same for all of
	// them and more than 0: the chat template the server wraps a prompt in (27
	// on llama-server's template), or a start token, which a prompt sized
	// by a tokenize endpoint that counts the text alone does not hold.
	// Absent otherwise.
	InputAdded *int64 `json:"input_added,omitempty"`
}

// ErrorExampleBytes bounds an error example (Level.ErrorExamples): a
// server's error body may run to kilobytes; its first sentence says why.
const ErrorExampleBytes = 240

// ErrorExample is msg cut to ErrorExampleBytes at a character boundary,
// with "…" where it was cut.
func ErrorExample(msg string) string {
	if len(msg) <= ErrorExampleBytes {
		return msg
	}
	cut := ErrorExampleBytes
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}

// UsageChecks counts a level's measured requests, whatever their outcome,
// whose server output-token count their stream contradicts or strains
// (rundir.Record.BoundOutputTokens); all zero (absent) when none did.
type UsageChecks struct {
	// BelowEvents counts those whose server count was below their
	// token-bearing events, provably wrong: their output tokens are the
	// events' count (source events), a lower bound. BelowUsage and
	// BelowOf are the first one's server count and events.
	BelowEvents int   `json:"usage_below_events,omitempty"`
	BelowUsage  int   `json:"usage_below_first_usage,omitempty"`
	BelowOf     int64 `json:"usage_below_first_events,omitempty"`
	// EventCountsDropped counts those whose per-event counts (a cumulative
	// usage's increases) summed past the server's final count: each of
	// their events counted one token.
	EventCountsDropped int `json:"event_counts_dropped,omitempty"`
	// UsageDecreased counts those whose server's cumulative output count
	// went down during the stream (rundir.Record.UsageDecreased), which
	// no generation does: their per-event counts were not trusted, each
	// event counted one token. One whose counts also summed past its
	// final count is in EventCountsDropped as well.
	UsageDecreased int `json:"usage_decreased,omitempty"`
	// ManyPerEvent counts those whose server count is more than
	// rundir.MaxTokensPerEvent a token-bearing event, kept; MaxPerEvent is
	// the most tokens per event among them.
	ManyPerEvent int     `json:"many_tokens_per_event,omitempty"`
	MaxPerEvent  float64 `json:"max_tokens_per_event,omitempty"`
}
