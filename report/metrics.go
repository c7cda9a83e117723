// Package report computes metrics from the records of a run directory and
// renders them. It reads run directories only and never touches the network:
// every number in a report is recomputed from the raw records, so a run can
// be re-reported with new SLOs or prices without running it again.
//
// This file holds every metric definition, in one place. Times are
// nanoseconds from the run's start (rundir.Record); reported latencies are
// in milliseconds. Only requests of the measure stage count.
//
//   - TTFT (time to first token) = first_token_ns − sent_ns: to the first
//     event that carries at least one generated token on any channel
//     (content, reasoning, tool arguments). Role-only and usage-only events,
//     comments and pings are not tokens; but the tokens a stop sequence held
//     back (counted by the server, their text never streamed) arrived with
//     the event that finished the stream, so an output whose first token
//     held the stop sequence has its TTFT there (loadgen stopHeld).
//   - TTFB = first_byte_ns − sent_ns: to the first byte of the response
//     body, whatever it turns out to be (a comment, a role chunk). The gap
//     TTFB→TTFT shows a server that answers early without a token.
//   - Content TTFT = first_content_ns − sent_ns: to the first visible content
//     (after any reasoning).
//   - E2E = end_ns − sent_ns: to the last token-bearing event.
//   - TPOT = (E2E − TTFT) / (output_tokens − 1), for requests with more than
//     one output token.
//   - ITL (per token): for consecutive token-bearing events at t[i−1] and
//     t[i], where event i carried k tokens, the gap t[i] − t[i−1] is spread
//     evenly over its k tokens (k values of gap/k), so ITL is per token as
//     TPOT is. Inter-chunk latency is the unspread gaps.
//   - output_tokens, here and below, is the record's as bounded by its
//     stream (rundir.Record.BoundOutputTokens, which Summarizer.Add
//     applies): the server's count, unless it is below the token-bearing
//     events (then theirs); chunks' server-given counts summing past it
//     count 1 each (docs/design.md, "Output tokens").
//   - Per-user output speed = (output_tokens − 1) / (E2E − TTFT) in
//     tokens/s, for requests with more than one output token: 1 / TPOT, the
//     tokens that arrived after the first over the time they took (AIPerf's
//     output token throughput per user, 1 / inter-token latency: NVIDIA
//     AIPerf docs/metrics_reference.md). Counted with the first token, a
//     2-token output streamed 10 ms apart read 194 tok/s beside a TPOT of
//     10.3 ms.
//   - Window = the last done_ns − the first sent_ns among a level's measured
//     records, retried attempts included (Span): from the level's first send
//     to its last completion, whatever the order of the lines; widened to
//     the time the level ran where run.json's levels say (LevelWindow): to
//     the level's end, and for an open level back to its schedule's origin.
//     Window throughput (window_*_per_s) = Σ output tokens (or total
//     tokens, or successful requests) / window.
//   - Steady state (Steady): from the ramp's end — when every worker has
//     started (the latest of the workers' first sends, warm-up or measured:
//     the spread probe, sent alone before them, is no part of the load), and
//     for an open level when its server has filled (one mean send→done
//     after its load began: SteadyAcc.Apply), never before the window's
//     start — to the level's last measured send of a first attempt (a
//     retry, sent after its backoff, is in the drain), after which it
//     drains. Ramp = its start − the window's start; drain = the window's
//     end − its end: ramp, steady state and drain tile the window (the
//     table's "left out"), so an open level's ramp holds the wait for its
//     first arrival, and a timed level's drain the time it ran after its
//     last completion. Output tokens/s,
//     total tokens/s, requests/s and goodput are over the steady state:
//     each successful request (a warm-up one too: the server's work inside
//     the steady state is all of it, SteadyAcc.AddWarmup) counts for the
//     share of its output credited inside it, (start, end], first token → done as its chunks brought the
//     tokens (Credit: the times its output reached each 32nd of its
//     tokens, evenly between), tokens in proportion, divided by its length;
//     a request whose tokens came all at once (no stream) or that got none
//     counts whole if that point lies inside. A staggered start (or the slow
//     tail of the last requests) then biases no throughput. A level with no
//     steady state — its sends all within the ramp, or a steady span shorter
//     than its successful requests' mean send→done time (about as many
//     requests as workers) — uses the window.
//     Why the first token, not the send: the wait before it, in the
//     server's queue above all, is no work done. An open level sent past
//     the server's capacity μ queues more and more, so send→done grows
//     along the level, and spread over it the tokens of a level sent at λ
//     read about λ·ln(1 + a)/a with a = λ/μ − 1 (1.024 μ at 105 % load,
//     1.096 μ at 120 %); over first token → done, the tokens the server
//     produced (TestOverloadedOpenLevelReadsCapacity).
//     Why by its chunks, not evenly from first token to done (as until
//     2026-12-06): a request that does not decode at one pace was credited
//     early or late. A short level past the slots, all of its requests
//     decoding in the start's waves, fast and slow as the batch filled and
//     prefills joined, read +1.3 to +2.3 % against its chunks' tokens on a
//     simulated continuous-batching engine (TestWaveDecodingReadsProduced;
//     now −0.01 to −0.04 %), and the capacity search's A100 at 72 and 80
//     workers on the mock −5.0 and −8.7 % (now −0.23 and −0.68 %).
//     Counting each token at its chunk's time is exact but needs every
//     chunk kept until the window is known; 32 pieces are 64 bytes a
//     request, and off the chunks by less than a 32nd of a request's
//     tokens at an edge, only where its pace changed inside a piece (8
//     pieces left the capacity search's A100 at 80 workers −3.7 % against
//     its chunks, 16 −1.7 %, 32 −0.68 %, 64 −0.29 %: its window opens at a
//     send whose prefill stalls the batch, so the pieces at that edge all
//     change pace there). A token at the steady state's start was produced
//     before it, so its start is left out: a closed-loop worker's send,
//     where the steady state starts, may be the very time its last
//     request's last token came. In a closed loop the window starts at the
//     last worker's first send and ends at the last send, so at each edge
//     one worker is at a send and the others at points of their cycles the
//     edge does not choose, alike at start and end: the edges are unbiased
//     (the hand-computed and fixed-timing levels read exact; 64 workers on
//     16 slots, whose queue still filled when the window opened, read 0.55
//     % high over send→done, now their chunks' tokens:
//     TestClosedLoopPastSlotsReadsProduced). In an open level past its
//     fill, a server kept full up to the last send (and beyond: its queue)
//     serves alike at both edges; one that keeps up has its requests in
//     service stop rising one send→done after the load began.
//     The fill stays one mean send→done although past capacity it grows
//     with the queue: waiting only lengthens it, so the window never opens
//     before the server is full, and it costs only window (about a/2 of
//     the level; from about 2 μ none is left, and the level's window rates
//     stand: 0.975–0.999 of the capacity in a 16-slot simulation, low by
//     the fill and the drain, never high).
//   - Send lag = sent_ns − scheduled_ns of each measured request's first
//     attempt (a retry is sent after its backoff by design, which is not the
//     scheduler's lateness). TTFT and E2E from schedule count from
//     scheduled_ns instead of sent_ns: hidden client-side queueing — and a
//     retried request's earlier attempts and backoffs — cannot shrink them.
//   - Achieved rate = (n − 1) / (last sent_ns − first sent_ns) over the n
//     measured first attempts: the rate new requests went out at.
//   - Mean in flight = Σ BusyMS / window: a request holds its worker from
//     its send to its done, and a retried request from its schedule to its
//     last attempt's done, backoffs included.
//   - Server TTFT: the server's own time to first token when it reports
//     one, else its queue + model load + prompt (prefill) times (Groq
//     x_groq, Ollama, llama.cpp timings). TTFT beyond server timing = TTFT −
//     server TTFT: whatever the server's own timing leaves out — the wait
//     for a slot when that timing excludes queueing (llama.cpp's prompt_ms
//     does), the network, HTTP, the server's frontend and the client.
//   - Queue wait (estimated) = the mean of the server's waiting-requests
//     gauge over the window (server.jsonl) / the level's arrival rate
//     (measured requests / window), Little's law L = λ·W on the queue: the
//     mean time a request waited for a slot (QueueWaitMS).
//   - Goodput = successful requests that met every per-request SLO / window.
//     A retried request (--retries) is judged as its user lived it: its
//     TTFT and E2E from its schedule, its earlier attempts and backoffs
//     counted (SLO.Met); its last attempt alone met a 60 ms TTFT where the
//     user had waited 0.5 s and more. The latency distributions still
//     count it from its last attempt's send: the server's latency.
//   - Tokens per joule = a level's output tokens / the GPUs' energy over its
//     window (telemetry.go says how the energy is measured).
//   - Go scheduler latency quantile: the upper bound of the runtime
//     histogram's bucket holding rank ⌈q·n⌉ (HistQuantile); a level's p99
//     is over all its intervals' scheduling events.
//   - Run-queue wait: from a process's threads' cumulative wait for a CPU
//     (Linux schedstat run_delay), their cumulative count of times put on
//     a CPU (its timeslices) and their CPU time, summed over the threads
//     (internal/runwait), the increases over a span: the mean wait = wait
//     / timeslices (RunWaitMeanMS, with RunWaitMinSlices or more), how
//     long a thread that became runnable waited for a CPU on average, how
//     late the host made its timestamps; the wait per CPU second = wait /
//     CPU time (RunWaitPerCPU), how much of the CPU the process wanted
//     others held; and threads waiting = wait / span (RunWaitThreads),
//     context. A host that takes the CPU away raises the first two;
//     the client and the mock waiting for each other's short bursts, only
//     the first. For the client, client.jsonl run_wait_s, run_slices and
//     cpu_s from the sample before the level's window to the first at or
//     after its end; for the mock, server.jsonl mock_cpu_wait_s_total,
//     mock_cpu_slices_total and mock_cpu_s_total between the first and
//     last good scrapes of the window. Absent where unknown (not Linux).
//   - Client-bound: a level whose client CPU, scheduler latency p99, send
//     lag p99 (of 100 sends or more), run-queue wait (mean and per CPU
//     second together) or (closed loop, at least half its requests
//     completed) streams in flight pass the Client* bounds below
//     (clientBoundReasons): its numbers describe the load generator, not
//     the server.
//   - Mock behind schedule (inferbench's mock engine only): the increase
//     of the engine's behind-schedule counter (server.jsonl
//     sim_behind_s_total: the seconds its simulated GPU lost because the
//     host did not run it in time) between the first and last good scrapes
//     of the level's window, over the time between those scrapes
//     (SimBehindShare), the share of the window the simulated engine ran
//     late. At SimBehindBound or more — or with the mock's mean run-queue
//     wait and wait per CPU second (above) at MockCPUWaitBoundMS and
//     MockCPUWaitPerCPUBound or more,
//     which catches what the engine's count misses (a late wake-up the
//     next step absorbs, handlers writing tokens late, fixed timing) —
//     the level is MOCK-BEHIND: its numbers read slower than the mock's
//     profile, a busy host's doing. Absent for a real engine (no counter);
//     fixed timing has the CPU wait only.
//   - Resent requests (ResentByClient): a level's measured requests whose
//     recorded attempt the HTTP client sent again on its own (the
//     record's resent ≥ 1: an HTTP/2 stream refused or a kept-alive
//     connection found closed), retried attempts (--retries) not counted,
//     as they are not in the level's requests. Their TTFT and E2E include
//     the failed sends and, for a refused stream, net/http's waits between
//     them (1, 2, 4 … s), which no other number shows.
//   - Percentiles p50 p90 p95 p99 p99.9 use linear interpolation between
//     closest ranks (Hyndman & Fan type 7, NumPy's default, which vLLM's
//     benchmark uses); stddev is the population standard deviation (NumPy's
//     np.std default).
//
// Latency distributions (TTFT, TPOT, ITL, E2E) count successful requests
// only, as vLLM's benchmark does; failures are counted by error class.
package report

import (
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/inferbench/inferbench/rundir"
	"github.com/montanaflynn/stats"
)

const nsPerMS = 1e6

// RequestMetrics are one successful request's values, in milliseconds
// (tokens/s for UserTPS), by the definitions above. The Has* fields say
// which optional values are defined.
type RequestMetrics struct {
	TTFT, TTFB, ContentTTFT, E2E, TPOT, UserTPS float64
	// TTFTFromSchedule and E2EFromSchedule count from scheduled_ns.
	TTFTFromSchedule, E2EFromSchedule float64
	HasTTFB, HasContent, HasTPOT      bool
	// Retry says the record is a retried request's last attempt
	// (--retries, attempt > 0): SLO.Met judges it from its schedule.
	Retry bool
}

// PerRequest computes a successful record's per-request metrics. It is the
// one implementation of the per-request definitions: every report,
// comparison and plot uses it.
func PerRequest(r *rundir.Record) RequestMetrics {
	var m RequestMetrics
	m.TTFT = float64(r.FirstTokenNS-r.SentNS) / nsPerMS
	m.E2E = float64(r.EndNS-r.SentNS) / nsPerMS
	m.TTFTFromSchedule = float64(r.FirstTokenNS-r.ScheduledNS) / nsPerMS
	m.E2EFromSchedule = float64(r.EndNS-r.ScheduledNS) / nsPerMS
	m.Retry = r.Attempt > 0
	if r.FirstByteNS != 0 {
		m.TTFB, m.HasTTFB = float64(r.FirstByteNS-r.SentNS)/nsPerMS, true
	}
	if r.FirstContentNS != 0 {
		m.ContentTTFT, m.HasContent = float64(r.FirstContentNS-r.SentNS)/nsPerMS, true
	}
	if r.OutputTokens > 1 {
		decode := float64(r.EndNS - r.FirstTokenNS)
		m.TPOT = decode / nsPerMS / float64(r.OutputTokens-1)
		if decode > 0 {
			m.UserTPS = float64(r.OutputTokens-1) / (decode / 1e9)
		}
		m.HasTPOT = true
	}
	return m
}

// EachITL calls f for each token-bearing event after the first of chunks
// with the gap (ms) since the previous event and the k tokens the event
// carried: the gap counts as k inter-token latencies of gap/k each.
func EachITL(chunks [][2]int64, f func(gap float64, k int64)) {
	eachGap(chunks, func(ns, k int64) { f(gapMS(ns), k) })
}

// eachGap calls f for each token-bearing event after the first of chunks
// with the gap (ns) since the previous event and the tokens it carried (at
// least 1).
func eachGap(chunks [][2]int64, f func(ns, k int64)) {
	for i := 1; i < len(chunks); i++ {
		f(chunks[i][0]-chunks[i-1][0], max(chunks[i][1], 1))
	}
}

// gapMS is an inter-chunk gap of ns nanoseconds in milliseconds.
func gapMS(ns int64) float64 { return float64(ns) / nsPerMS }

// ConnectMS is a record's wait for a new connection in ms (name lookup,
// dial, TLS handshake: rundir.Record.ConnectNS), a part of its TTFT, and
// whether it had one: false when it was sent on a kept connection.
func ConnectMS(r *rundir.Record) (float64, bool) {
	return float64(r.ConnectNS) / nsPerMS, r.ConnectNS > 0
}

// connectsMatter reports whether a level's connection waits weigh on its
// TTFT percentiles: at least 1 % of its completed requests opened a
// connection (so p99 may be theirs), and the median wait is at least 5 %
// of the median TTFT. On loopback (0.2–0.6 ms against a mock's 50 ms
// TTFT) they do not; a TLS handshake to a remote API does.
func connectsMatter(l *Level) bool {
	c := l.ConnectMS
	return c != nil && 100*c.N >= l.Requests.OK && c.P50 >= 0.05*l.TTFTMS.P50
}

// ResentByClient reports whether the HTTP client sent a record's attempt
// again on its own (rundir.Record.Resent): its times from sent_ns then
// include the failed sends.
func ResentByClient(r *rundir.Record) bool { return r.Resent > 0 }

// ResentWarning is the line a level with resent requests gets where its
// results are read, empty when it has none.
func (l *Level) ResentWarning() string {
	if l.ResentRequests == 0 {
		return ""
	}
	return fmt.Sprintf("level %g: %d of %d requests were resent by the HTTP client (REFUSED_STREAM or a closed kept-alive connection): their TTFT includes the failed sends",
		l.Level, l.ResentRequests, l.Requests.Total)
}

// RetriedAttempts is how many of the level's failed attempts --retries
// sent again (Level.Retried, all classes).
func (l *Level) RetriedAttempts() int {
	n := 0
	for _, c := range l.Retried {
		n += c
	}
	return n
}

// RetriedWarning is the line a level whose failed attempts --retries sent
// again gets where its results are read (Level.Retried, by class), empty
// when it has none: the attempts are not requests, so neither its failed
// count nor its error rate shows them.
func (l *Level) RetriedWarning() string {
	n := l.RetriedAttempts()
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(l.Retried)) {
		parts = append(parts, fmt.Sprintf("%s %d", c, l.Retried[c]))
	}
	if n == 0 {
		return ""
	}
	were, they := "1 failed attempt was", "it is"
	if n > 1 {
		were, they = fmt.Sprintf("%d failed attempts were", n), "they are"
	}
	return fmt.Sprintf("level %g: %s sent again (--retries): %s; %s not in failed, and a retried request's latencies count from its last attempt's send (its goodput from its schedule)",
		l.Level, were, strings.Join(parts, ", "), they)
}

// SendLagMS is a record's sent − scheduled in ms, and whether it counts as
// send lag: only a request's first attempt does.
func SendLagMS(r *rundir.Record) (float64, bool) {
	return float64(r.SentNS-r.ScheduledNS) / nsPerMS, r.Attempt == 0
}

// InputExact says whether a record's prompt length can be checked (the
// server counted it and the workload said what it asked for) and, if so,
// whether the server counted exactly the tokens asked for.
func InputExact(r *rundir.Record) (checked, exact bool) {
	if r.InputTokensSource != rundir.SourceServer || r.RequestedInputTokens <= 0 {
		return false, false
	}
	return true, r.InputTokens == r.RequestedInputTokens
}

// BusyMS is how long a record's request held its worker, in ms (Σ BusyMS /
// window is the mean number in flight): send to done; for the last attempt
// of a retried request, its schedule to done, so that its earlier attempts
// and the backoffs between them count; 0 for a retried attempt, which that
// last attempt covers.
func BusyMS(r *rundir.Record) float64 {
	from, to, ok := busySpan(r)
	if !ok {
		return 0
	}
	return float64(to-from) / nsPerMS
}

// busySpan is the span a record's request held its worker (BusyMS); false
// for a retried attempt, which its last attempt's span covers.
func busySpan(r *rundir.Record) (from, to int64, ok bool) {
	if r.Retried {
		return 0, 0, false
	}
	from = r.SentNS
	if r.Attempt > 0 {
		from = r.ScheduledNS
	}
	return from, max(r.DoneNS, r.EndNS), true
}

// BusySpan is the span [from, to] a record's request held its worker
// (BusyMS's), zero for a retried attempt.
func BusySpan(r *rundir.Record) [2]int64 {
	from, to, _ := busySpan(r)
	return [2]int64{from, max(to, from)}
}

// HeldWithin is the part of a busy span (BusySpan) inside [startNS,
// endNS], in ns: Σ HeldWithin over a window's requests, over the window,
// is the mean in flight over it (Steady.MeanInFlight).
func HeldWithin(span [2]int64, startNS, endNS int64) int64 {
	return max(min(span[1], endNS)-max(span[0], startNS), 0)
}

// PrefixCacheHitRate is the share of prompt tokens looked up in the
// engine's prefix cache that were found there, over a window: the increase
// of the hits counter over the increase of the queries counter (vLLM V1's
// prefix_cache_hits / prefix_cache_queries, both in tokens). false when no
// token was looked up (or a counter went back: the engine restarted).
func PrefixCacheHitRate(hitsDelta, queriesDelta float64) (float64, bool) {
	if !(queriesDelta > 0) || hitsDelta < 0 || hitsDelta > queriesDelta {
		return 0, false
	}
	return hitsDelta / queriesDelta, true
}

// SimBehindBound is the share of a window past which the mock's simulated
// engine is flagged behind its schedule (MOCK-BEHIND). A share f lost
// stretches every step by about f, so throughput reads about f low and
// latencies about f high: 2 % is the tolerance the qualification already
// grants a difference in work between two runs (render.WorkTolerance), so
// a busy host that moved the ground truth by more than a fair comparison
// allows is said. A host that is not overloaded loses next to nothing (a
// late timer is absorbed by the next step: mock/engine.go loop): `make
// demo` on the shared 2-core machine at load average 3–4 lost at most
// 0.4 % of a level; with six busy loops beside it, 5–20 % (docs/design.md,
// The mock).
const SimBehindBound = 0.02

// MockCPUWaitBoundMS and MockCPUWaitPerCPUBound are the mean time the
// mock's threads waited for a CPU each time they became runnable
// (SimBehind.CPUWaitMeanMS) and the seconds they waited per second they ran
// (CPUWaitPerCPU) at which, both reached, a level is MOCK-BEHIND: the host
// delayed the mock's tokens whether or not its engine lost a whole step.
// Calibrated with the client's bounds (ClientRunWaitBoundMS: the same
// runs): quiet, mean 0.016–0.064 ms, 0.8–1.3 s per CPU second; three busy
// loops beside it, 0.20–0.35 ms and 7.1–7.7 s, while the behind-schedule
// share read 0.02–0.35 %, far under SimBehindBound; `make demo`, 0.08–0.22
// ms and 1.0–2.9 s, nothing flagged.
const (
	MockCPUWaitBoundMS     = 0.125
	MockCPUWaitPerCPUBound = 4.5
)

// SimBehindShare is the share of a span of spanS seconds that the mock's
// simulated engine lost behind its schedule, behindDelta the increase of
// its behind-schedule counter over the span. false when the span is empty
// or the counter went back (a difference of carried counters never does).
func SimBehindShare(behindDelta, spanS float64) (float64, bool) {
	if !(spanS > 0) || behindDelta < 0 {
		return 0, false
	}
	return behindDelta / spanS, true
}

// SessionDurationMS is a multi-turn session's duration in ms: from its
// first measured send (sent_ns) to the last completion of its measured
// records (done_ns, or end_ns if later) — the turns, the think times
// between them and any retries, as the user lived it.
func SessionDurationMS(firstSentNS, lastDoneNS int64) float64 {
	return float64(lastDoneNS-firstSentNS) / nsPerMS
}

// Span is the span of a level's measured records: the first sent_ns to the
// last done_ns (or end_ns, if later) of its records, retried attempts
// included; its window (LevelWindow) widens it to the time the level ran
// where that is known. The zero value is empty.
type Span struct {
	FirstSentNS, LastDoneNS int64
	n                       int
}

// Add widens s to cover r.
func (s *Span) Add(r *rundir.Record) {
	done := max(r.DoneNS, r.EndNS)
	if s.n == 0 {
		s.FirstSentNS, s.LastDoneNS = r.SentNS, done
	}
	s.n++
	s.FirstSentNS = min(s.FirstSentNS, r.SentNS)
	s.LastDoneNS = max(s.LastDoneNS, done)
}

// NS is the window's length, 0 when empty or inverted.
func (s Span) NS() int64 { return max(s.LastDoneNS-s.FirstSentNS, 0) }

// LevelWindow is a level's window, [start, end] in ns from the run's
// start: what its whole-window rates (window_*_per_s, and the rates where
// no steady state is found) and its telemetry are over. It is the span sp
// of its measured records, widened to the time the level ran where that
// is known (ls: run.json's levels; nil for a run that did not say):
//   - to the level's end, when its last request had finished: a level
//     whose requests were done before it stopped ran until then;
//   - for an open level, back to its schedule's origin, from which its
//     arrivals were drawn: the level's start or, where warm-ups took the
//     schedule's first arrivals, the last warm-up's due time lastDue (the
//     gap before the first measured arrival is the measured part's). A
//     closed loop's first send is its start: the workers send at once
//     (or spread, which the steady state leaves out), after warm-ups.
//
// Over its records' span alone, an open level of one request read that
// request's own rate: at 0.0001 req/s stopped after 8 s, 0.757 req/s and
// 96.9 output tok/s for one 1.32 s request; over its window, 0.125 and 16.
//
// A span that cannot be (a start before the run's, an end before its
// start: an edited run.json) is as good as none.
func LevelWindow(sp Span, ls *rundir.LevelSpan, lastDue int64) (start, end int64) {
	start, end = sp.FirstSentNS, sp.LastDoneNS
	if ls == nil || ls.StartNS < 0 || ls.EndNS < ls.StartNS {
		return start, end
	}
	if ls.Open {
		start = min(start, max(ls.StartNS, lastDue))
	}
	return start, max(end, ls.EndNS)
}

// serverTTFT is the server's own time to first token of r in ms, and
// whether it reported one.
func serverTTFT(r *rundir.Record) (float64, bool) {
	st := r.Server
	if st == nil {
		return 0, false
	}
	if st.TTFT > 0 {
		return float64(st.TTFT) / nsPerMS, true
	}
	if d := st.Queue + st.Load + st.Prompt; d > 0 {
		return float64(d) / nsPerMS, true
	}
	return 0, false
}

// TTFTOverheadMS is one request's TTFT as the client measured it minus the
// server's own TTFT (serverTTFT), in ms: the TTFT beyond server timing —
// queueing the server's timing leaves out (QueueWaitMS estimates it), the
// network, the HTTP stack, the server's frontend and the client.
// It is a per-request difference, so its percentiles are those of the
// differences, not differences of percentiles. Negative values mean the
// two clocks or definitions disagree (e.g. a server that counts a queue
// the client cannot see), and are kept.
func TTFTOverheadMS(clientTTFT, serverTTFT float64) float64 { return clientTTFT - serverTTFT }

// QueueWaitMS is the mean time a request waited in the server's queue, in
// ms, by Little's law: meanWaiting (the server's waiting-requests gauge,
// averaged over the window) / arrivalsPerS (the level's measured requests /
// window). 0 without arrivals.
func QueueWaitMS(meanWaiting, arrivalsPerS float64) float64 {
	if arrivalsPerS <= 0 {
		return 0
	}
	return 1000 * meanWaiting / arrivalsPerS
}

// distOf summarizes values (any order; values is reordered in place).
func distOf(values []float64) Dist {
	n := len(values)
	if n == 0 {
		return Dist{}
	}
	// Quantile7 reads the values at ranks ⌊h⌋ and ⌊h⌋+1 only (and the
	// last): put those in their sorted places, not the whole slice. A full
	// sort of a level's 30 million inter-token latencies was a quarter of
	// `report`'s time over a million records; selection is linear.
	d := Dist{N: n, Min: slices.Min(values), Max: slices.Max(values)}
	selectRanks(values, distRanks(n))
	d.setPercentiles(func(p float64) float64 { return Quantile7(values, p) })
	d.Mean, _ = stats.Mean(values)
	d.Stddev, _ = stats.StandardDeviationPopulation(values)
	return d
}

// distPercentiles are the percentiles a Dist holds, in its field order.
var distPercentiles = [...]float64{50, 90, 95, 99, 99.9}

// distRanks are the ranks of n sorted values that a Dist's percentiles
// read (ranks7 of each).
func distRanks(n int) []int {
	ranks := make([]int, 0, 2*len(distPercentiles))
	for _, p := range distPercentiles {
		ranks = append(ranks, ranks7(n, p)...)
	}
	return ranks
}

// setPercentiles sets d's percentiles to q of each of distPercentiles.
func (d *Dist) setPercentiles(q func(p float64) float64) {
	ps := &distPercentiles
	d.P50, d.P90, d.P95, d.P99, d.P999 = q(ps[0]), q(ps[1]), q(ps[2]), q(ps[3]), q(ps[4])
}

// ranks7 are the ranks of n sorted values that Quantile7(·, p) reads.
func ranks7(n int, p float64) []int {
	k := min(int(p/100*float64(n-1)), n-1)
	return []int{k, min(k+1, n-1)}
}

// QuantileOf is Quantile7 of values in any order, which it reorders in
// place: it selects the two ranks Quantile7 reads (selectRanks) instead of
// sorting, which matters where it runs once per bootstrap resample.
func QuantileOf(values []float64, p float64) float64 {
	if n := len(values); n > 1 {
		selectRanks(values, ranks7(n, p))
	}
	return Quantile7(values, p)
}

// Quantile7 is percentile p (0–100) of sorted values by linear interpolation between
// closest ranks (Hyndman & Fan type 7, NumPy's default): rank h = p/100·(n−1),
// value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). montanaflynn/stats.Percentile
// computes the same (TestPercentilesNumPy pins both), but it copies and
// sorts its input on every call: five percentiles of a run's 30 million
// inter-token latencies cost five sorts. Here the values are sorted once.
// It is the one implementation: comparisons and plots call it. NaN for no
// values.
func Quantile7(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if n == 1 {
		return sorted[0]
	}
	h := p / 100 * float64(n-1)
	k := int(h)
	if k >= n-1 {
		return sorted[n-1]
	}
	f := h - float64(k)
	if f == 0 || sorted[k] == sorted[k+1] {
		return sorted[k]
	}
	return sorted[k] + f*(sorted[k+1]-sorted[k])
}

// DistOfNS summarizes nanosecond values as a Dist in milliseconds.
func DistOfNS(ns []int64) Dist {
	v := make([]float64, len(ns))
	for i, x := range ns {
		v[i] = float64(x) / nsPerMS
	}
	return distOf(v)
}

// Steady is a level's steady state (steady.go, SteadyAcc.Apply): StartNS,
// when the server holds the level's whole load (a closed loop's last worker
// sent its first request; an open level's server filled, one mean request
// duration after its load began), to EndNS, the last measured send.
type Steady struct {
	StartNS int64 `json:"start_ns"`
	EndNS   int64 `json:"end_ns"`
	// WindowS is EndNS − StartNS; RampS the time from the level's window's
	// start (Level.StartNS: LevelWindow) to StartNS (an open level's fill
	// included); DrainS from EndNS to the window's end (Level.EndNS), so
	// that RampS + WindowS + DrainS is the level's WindowS.
	WindowS float64 `json:"window_s"`
	RampS   float64 `json:"ramp_s"`
	DrainS  float64 `json:"drain_s"`
	// MeanInFlight is the requests in flight on average over the steady
	// state (warm-ups included: a worker busy with one holds its load),
	// what the client-bound check judges a closed loop's streams by
	// (clientBoundReasons); 0 (absent) where unknown (a summary written
	// before it was, 2026-12-06), and the window's Level.MeanInFlight is
	// judged.
	MeanInFlight float64 `json:"mean_in_flight,omitempty"`
}

// CreditKnots is how many pieces a successful request's output is
// credited to time in (Credit): the times its output reached each
// 1/CreditKnots of its chunks' tokens are kept, and the tokens between two
// of them are spread evenly over the time between. A request's credit is
// then off its chunks by less than 1/CreditKnots of its tokens at an edge
// of the steady state, and only where its pace changed inside one piece.
const CreditKnots = 32

// Credit is where in time a successful request's work lies, for the
// steady-state rates (SteadyAcc.Apply, and compare's samples, which must
// agree with them): from its first token to its done (end_ns, if later),
// the time the server was producing its output, its tokens placed as its
// chunks brought them (CreditKnots pieces). Its wait before the first
// token — in the server's queue above all — is no work done for it. A
// request that never got a token, or got them all at once (no stream), is
// the point of its done, or of its one chunk; one whose tokens came without
// chunks is spread evenly from its first token to its done. CreditOf makes
// it (80 bytes: no chunk is kept); Share reads it.
type Credit struct {
	From, To int64
	// at[j] is when the output reached (j+1)/CreditKnots of its chunks'
	// tokens, in 65,535ths of [From, To] (fraction): within 15 µs of it in
	// a 1 s request, a 2,000th of a piece.
	at [CreditKnots]uint16
}

// CreditOf returns the credit of a successful request's record.
func CreditOf(r *rundir.Record) Credit {
	c := Credit{To: max(r.DoneNS, r.EndNS)}
	c.From = c.To
	// first_token_ns is absent (zero) without a token; a warm-up's may be
	// negative, and one at the run's origin is zero with its chunks.
	if r.FirstTokenNS != 0 || len(r.Chunks) > 0 {
		c.From = min(r.FirstTokenNS, c.To)
	}
	var total int64
	for _, ch := range r.Chunks {
		total += max(ch[1], 0)
	}
	if total == 0 { // no chunk to place the tokens by: evenly
		for j := range c.at {
			c.at[j] = c.fraction(c.From + (c.To-c.From)/CreditKnots*int64(j+1) + (c.To-c.From)%CreditKnots*int64(j+1)/CreditKnots)
		}
		return c
	}
	// A chunk's tokens were produced over the gap since the chunk before
	// it, evenly (as ITL spreads the gap over them); the first chunk's at
	// its own time. Knot j is when the output reached j/CreditKnots of its
	// tokens so.
	var cum, prev int64
	j := 0
	for i, ch := range r.Chunks {
		n := ch[1]
		if n <= 0 {
			continue
		}
		for ; j < CreditKnots && (cum+n)*CreditKnots >= int64(j+1)*total; j++ {
			t := ch[0]
			if i > 0 && cum > 0 {
				// the (j+1)·total/CreditKnots − cum-th of the chunk's n tokens
				t = prev + int64(float64(ch[0]-prev)*float64(int64(j+1)*total-cum*CreditKnots)/float64(n*CreditKnots))
			}
			c.at[j] = c.fraction(t)
		}
		cum += n
		prev = ch[0]
	}
	return c
}

// fraction is where t lies in [From, To] (clamped), in 65,535ths of it:
// 0 is From and 65,535 To. It rounds down, and knot rounds up, so that a
// knot's time is never later than its chunk's (the ns itself over spans
// under 65 µs, within span/65,535 over longer ones): a chunk that came at
// an edge of the steady state, as a closed-loop worker's last token often
// comes at the send that opens or closes it, stays on its side.
func (c Credit) fraction(t int64) uint16 {
	span := c.To - c.From
	if span <= 0 || t <= c.From {
		return 0
	}
	hi, lo := bits.Mul64(uint64(min(t-c.From, span)), math.MaxUint16)
	q, _ := bits.Div64(hi, lo, uint64(span))
	return uint16(q)
}

// knot is the time of knot j: j = 0 is From, j = k the time the output
// reached k/CreditKnots of its tokens.
func (c Credit) knot(j int) int64 {
	if j == 0 {
		return c.From
	}
	hi, lo := bits.Mul64(uint64(c.at[j-1]), uint64(c.To-c.From))
	q, rem := bits.Div64(hi, lo, math.MaxUint16)
	if rem > 0 {
		q++
	}
	return c.From + int64(q)
}

// Share is the share of the request that lies in (startNS, endNS]: how
// much of the request, and of its tokens, the steady-state rates count (its
// output credited as Credit says). A token that came at startNS was
// produced before it, so the steady states of a level's pieces tile it: a
// closed-loop worker's send, where its steady state starts, is often the
// very time its last request got its last token.
func (c Credit) Share(startNS, endNS int64) float64 {
	return max(c.upTo(endNS)-c.upTo(startNS), 0)
}

// upTo is the share of the output credited at or before t.
func (c Credit) upTo(t int64) float64 {
	switch {
	case t < c.From:
		return 0
	case t >= c.To: // every knot is at or before To
		return 1
	}
	// j: how many knots after From lie at or before t (they only rise).
	j := sort.Search(CreditKnots, func(i int) bool { return c.knot(i+1) > t })
	if j == CreditKnots {
		return 1
	}
	k0, k1 := c.knot(j), c.knot(j+1)
	return (float64(j) + float64(t-k0)/float64(k1-k0)) / CreditKnots
}

// PerSecond is count / window: output tokens/s, total tokens/s, requests/s
// and goodput are each PerSecond of their count over the level's window
// (Span.NS). 0 for an empty window.
func PerSecond(count float64, windowNS int64) float64 {
	if windowNS <= 0 {
		return 0
	}
	return count / (float64(windowNS) / 1e9)
}

// AchievedRate is (n − 1) / (last − first sent_ns) over a level's n
// measured first attempts; 0 with fewer than two or no spread.
func AchievedRate(n int, firstSentNS, lastSentNS int64) float64 {
	if d := lastSentNS - firstSentNS; n > 1 && d > 0 {
		return float64(n-1) / (float64(d) / 1e9)
	}
	return 0
}

// MeanInFlight is Σ BusyMS / window: requests in flight on average.
func MeanInFlight(busyMS float64, windowNS int64) float64 {
	if windowNS <= 0 {
		return 0
	}
	return busyMS * nsPerMS / float64(windowNS)
}

// TokensPerJoule is output tokens / energy; 0 without energy.
func TokensPerJoule(outputTokens int64, energyJ float64) float64 {
	if !(energyJ > 0) {
		return 0
	}
	return float64(outputTokens) / energyJ
}

// HistQuantile returns quantile q of a sparse [upper bound, count]
// histogram sorted by bound (client.jsonl's sched_hist, in ns): the upper
// bound of the bucket holding rank ⌈q·n⌉ (the Go runtime keeps no finer
// figure), 0 when empty.
func HistQuantile(h [][2]int64, q float64) float64 {
	var total int64
	for _, b := range h {
		total += b[1]
	}
	if total == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(total)))
	var seen int64
	for _, b := range h {
		seen += b[1]
		if seen >= rank {
			return float64(b[0])
		}
	}
	return float64(h[len(h)-1][0])
}

// Thresholds past which a level is flagged client-bound: the load generator,
// not the server, may be what its numbers describe.
const (
	// ClientCPUBound: mean process CPU as a share of GOMAXPROCS cores.
	ClientCPUBound = 0.9
	// ClientSchedBoundMS: Go scheduler latency p99 (goroutines waiting to
	// run), which delays every timestamp by as much.
	ClientSchedBoundMS = 5.0
	// ClientSendLagBoundMS: send lag p99 against the schedule, judged on
	// ClientSendLagMinSends sends or more (calibrate's send-lag window
	// expects as many). The p99 of fewer is their largest or next to it:
	// one send a GC pause or a page fault held flagged a run (a live window
	// of 30 sessions' turns read 11.4 ms where the level's 100 read 4.6 ms).
	ClientSendLagBoundMS  = 5.0
	ClientSendLagMinSends = 100
	// ClientInFlightBound: closed loop, mean streams in flight as a share of
	// the concurrency, judged when each worker sent ≥ 10 requests.
	ClientInFlightBound = 0.8
	// ClientRunWaitBoundMS and ClientRunWaitPerCPUBound: the mean time the
	// client's threads waited for a CPU each time they became runnable
	// (RunWaitMeanMS) and the seconds they waited per second they ran
	// (RunWaitPerCPU), both at their bounds: a host that takes the CPU
	// away, which neither the client's own CPU share nor Go's scheduler
	// latency sees (the Go threads themselves wait, not their goroutines).
	// Calibrated on the 2-core shared machine (2026-12-04, load average
	// 2–4 from other jobs), the mock (h100-sxm) and `run --sweep 4,16 -n
	// 200` both pinned to CPU 0, levels 4 and 16:
	//   - quiet: mean 0.021–0.067 ms, 0.9–1.9 s per CPU second (TTFT p95
	//     16.5–16.8 ms);
	//   - three busy loops pinned beside them: mean 0.27–0.50 ms, 6.9–9.5 s
	//     per CPU second (TTFT p95 20.9–24.4 ms, ITL p95 12.3–14.8 ms against
	//     8.4–9.7), every other client bound silent (scheduler p99 under
	//     1 ms, CPU 2–5 %);
	//   - `make demo`, unpinned, up to c=128: mean 0.09–0.21 ms, 1.0–2.6 s
	//     per CPU second, verdict 3.24× (the profiles' ratio): the client
	//     and the mock wait for each other on two cores, often but briefly.
	// Neither figure alone separates all three (the demo's mean reaches
	// 0.21 ms, near the busy runs' lowest; the threads waiting on average,
	// RunWaitThreads, are 0.02–0.10 quiet, 0.06–0.27 in the demo, 0.18–0.34
	// busy); both together do, each bound a factor of ~1.5–2 from either
	// side (MockCPUWaitBoundMS, the mock's, lies alike).
	ClientRunWaitBoundMS     = 0.125
	ClientRunWaitPerCPUBound = 4.5
)

// RunWaitMinSlices is the fewest timeslices over which a mean run-queue
// wait is judged: fewer say little (a process that hardly ran).
const RunWaitMinSlices = 100

// RunWaitMeanMS is the mean time, in ms, a process's threads waited for a
// CPU each time they were put on one, waitDeltaS the increase of their
// cumulative run-queue wait in seconds over a span and slicesDelta that of
// their timeslices. false with fewer than RunWaitMinSlices timeslices or a
// wait that went back.
func RunWaitMeanMS(waitDeltaS, slicesDelta float64) (float64, bool) {
	if slicesDelta < RunWaitMinSlices || waitDeltaS < 0 {
		return 0, false
	}
	return 1e3 * waitDeltaS / slicesDelta, true
}

// RunWaitPerCPU is the seconds a process's threads waited for a CPU per
// second they ran on one, waitDeltaS and cpuDeltaS the increases of their
// cumulative wait and CPU time over a span; false with no CPU time or a
// wait that went back.
func RunWaitPerCPU(waitDeltaS, cpuDeltaS float64) (float64, bool) {
	if !(cpuDeltaS > 0) || waitDeltaS < 0 {
		return 0, false
	}
	return waitDeltaS / cpuDeltaS, true
}

// RunWaitThreads is the average number of a process's threads waiting for
// a CPU over a span of spanS seconds, waitDelta the increase of their
// cumulative run-queue wait over it (client.jsonl run_wait_s, server.jsonl
// mock_cpu_wait_s_total). false when the span is empty or the wait went
// back (a cumulative wait kept over exited threads never does).
func RunWaitThreads(waitDelta, spanS float64) (float64, bool) {
	if !(spanS > 0) || waitDelta < 0 {
		return 0, false
	}
	return waitDelta / spanS, true
}

// runWaitBound says the client's run-queue wait passed its bounds: the
// mean wait ClientRunWaitBoundMS and the wait per CPU second
// ClientRunWaitPerCPUBound, both.
func (cl *ClientLevel) runWaitBound() bool {
	m, r := cl.RunWaitMeanMS, cl.RunWaitPerCPU
	return m != nil && r != nil && *m >= ClientRunWaitBoundMS && *r >= ClientRunWaitPerCPUBound
}

// clientBoundReasons says why a level's client was near its limit, from
// its client figures cl and the level l; none when it was not. streams is
// the closed loop's workers at the level (the level itself, a shard's
// share of it: Streams); 0, or a level of multi-turn sessions, skips the
// streams-in-flight check.
func clientBoundReasons(cl *ClientLevel, l *Level, streams float64) []string {
	var reasons []string
	if cl.CPUShare != nil && cl.CPUShare.Mean >= ClientCPUBound {
		reasons = append(reasons, fmt.Sprintf("client CPU at %.0f%% of its %d cores", 100*cl.CPUShare.Mean, cl.Cores))
	}
	if cl.SchedLatencyP99MS >= ClientSchedBoundMS {
		reasons = append(reasons, fmt.Sprintf("Go scheduler latency p99 %.1f ms: timestamps late by as much", cl.SchedLatencyP99MS))
	}
	if cl.runWaitBound() {
		reasons = append(reasons, fmt.Sprintf("its threads waited %.2f ms on average for a CPU each time they became runnable, %.1f s per second they ran: the host took the CPU away; timestamps late by as much", *cl.RunWaitMeanMS, *cl.RunWaitPerCPU))
	}
	if l.SendLagMS.N >= ClientSendLagMinSends && l.SendLagMS.P99 >= ClientSendLagBoundMS {
		reasons = append(reasons, fmt.Sprintf("requests sent %.1f ms behind schedule (p99)", l.SendLagMS.P99))
	}
	// Multi-turn sessions idle their workers for the think time by design.
	// A level whose requests mostly failed is not judged by it either: a
	// refused connection is in flight for a fraction of a millisecond, next
	// to which any client's own time between requests is large (a run
	// against a server that was down read "only 0.8 of 1 streams in
	// flight").
	// The streams are judged over the steady state where there is one: the
	// ramp and the drain hold fewer by design, and a drain held open by a
	// retry's backoff (--retries) held 6.3 of 8 over the window where the
	// steady state kept 8.0.
	inFlight, steady := l.MeanInFlight, false
	if st := l.Steady; st != nil && st.MeanInFlight > 0 {
		inFlight, steady = st.MeanInFlight, true
	}
	if l.Sessions == nil && streams >= 1 && float64(l.Requests.Total) >= 10*streams && 2*l.Requests.OK >= l.Requests.Total &&
		inFlight < ClientInFlightBound*streams {
		// Little's law: a closed loop of N workers keeps N requests in
		// flight (rate × time in flight = N) unless the client spends the
		// time between one request's end and the next one's send.
		why := fmt.Sprintf("only %.1f of %g streams in flight on average", inFlight, streams)
		if steady {
			why += " over the steady state (the workers spent the rest in the client)"
		} else if l.WindowS > 0 {
			rate := float64(l.Requests.Total) / l.WindowS
			why += fmt.Sprintf(" (Little's law: %.0f req/s × %.1f ms each in flight; the workers spent the rest in the client)",
				rate, 1000*l.MeanInFlight/rate)
		}
		reasons = append(reasons, why)
	}
	return reasons
}

// VLLMRequestMetrics are one successful request's values by the
// definitions of vLLM's own benchmark client (`vllm bench serve`,
// vllm/benchmarks/lib/endpoint_request_func.py and serve.py's
// calculate_metrics), used by the vLLM-compatible export only
// (VLLMExport). Times are in milliseconds.
//
//   - TTFT: completions to the first token-bearing event, as here; chat to
//     the first chunk of the body (first_byte_ns), because vLLM's client
//     times the first chunk carrying `choices`, which on vLLM is the
//     role-only chunk.
//   - ITL per chunk: one value per event after the first, the unspread gap
//     (on chat the first is the gap from that first chunk to the first
//     token); not spread over the event's tokens.
//   - E2EL: to the last token-bearing event; TPOT = (E2EL − TTFT) /
//     (output tokens − 1) with TTFT as above.
type VLLMRequestMetrics struct {
	TTFT, E2EL, TPOT float64
	HasTPOT          bool
	// ITL are the per-chunk inter-token latencies.
	ITL []float64
}

// PerRequestVLLM computes a successful record's values by vLLM's
// definitions (VLLMRequestMetrics); chat says the request used a chat API.
func PerRequestVLLM(r *rundir.Record, chat bool) VLLMRequestMetrics {
	first := r.FirstTokenNS
	var m VLLMRequestMetrics
	if chat && r.FirstByteNS != 0 && r.FirstByteNS < first {
		first = r.FirstByteNS
		m.ITL = append(m.ITL, float64(r.FirstTokenNS-first)/nsPerMS)
	}
	EachITL(r.Chunks, func(gap float64, _ int64) { m.ITL = append(m.ITL, gap) })
	m.TTFT = float64(first-r.SentNS) / nsPerMS
	m.E2EL = float64(r.EndNS-r.SentNS) / nsPerMS
	if r.OutputTokens > 1 {
		m.TPOT, m.HasTPOT = (m.E2EL-m.TTFT)/float64(r.OutputTokens-1), true
	}
	return m
}
