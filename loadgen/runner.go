// Package loadgen drives a targets.Target under a load profile and records
// every request as a Record, streamed to requests.jsonl as it completes.
//
// Every timestamp is taken with the monotonic clock, in the goroutine that
// read the bytes, and stored as nanoseconds from the run's start.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// Defaults for Runner fields left zero.
const (
	// DefaultTimeout is the per-request deadline.
	DefaultTimeout = 120 * time.Second
	// DefaultRetryBackoff is the first retry's wait (see Runner.Retries).
	DefaultRetryBackoff = 500 * time.Millisecond
	// AutoSpread asks the Runner to spread worker starts over one measured
	// request duration (see Runner.Spread).
	AutoSpread time.Duration = -1
)

// Runner runs one load level. Closed loop (Rate 0, no Trace): Concurrency
// workers, each sending its next request as soon as its previous one ends.
// Open loop (Rate > 0): requests are sent at the due times of an arrival
// schedule, whatever the server's state, capped by MaxConcurrency in flight.
// Trace: requests are sent at the offsets of a recorded trace. Each stops
// after Requests measured requests or when Duration has passed.
type Runner struct {
	// Target is the endpoint under test.
	Target targets.Target
	// Workload makes each request.
	Workload Workload
	// Concurrency is the number of closed-loop workers (≥ 1).
	Concurrency int
	// Requests is the number of measured requests to send, warm-up
	// requests not counted; 0 means no count limit (Duration must be set).
	Requests int
	// Warmup is the number of requests sent first and recorded with stage
	// "warmup"; they are excluded from metrics.
	Warmup int
	// Duration stops the run from sending new requests this long after its
	// first request; requests in flight then run to completion. 0: no limit.
	Duration time.Duration
	// Timeout is the per-request deadline, from send to the end of the
	// stream; 0 means DefaultTimeout.
	Timeout time.Duration
	// Spread spreads the workers' first requests so they do not run in
	// lockstep: worker i starts at i·Spread/Concurrency. AutoSpread sends
	// one request alone first and spreads over its duration (DESIGN.md: with
	// all workers starting at once, waves of synchronized requests inflate
	// TTFT p99 by 3–4× on a bare server). 0 starts all workers at once.
	Spread time.Duration
	// Level is written on every record (the load level: concurrency or rate).
	Level float64
	// FirstID is the id of the level's first request; ids of a sweep's
	// levels follow each other.
	FirstID uint64

	// Rate, when positive, makes the loop open: requests per second.
	Rate float64
	// Arrival is the open-loop arrival process (default ArrivalPoisson).
	Arrival Arrival
	// Burstiness is the gamma shape for ArrivalGamma.
	Burstiness float64
	// MaxConcurrency caps requests in flight in open loop (0: no cap). A
	// request held back by the cap keeps its due time, so the wait shows as
	// send lag (sent_ns − scheduled_ns) instead of vanishing.
	MaxConcurrency int
	// RampUp ramps the rate up linearly from 0 over this long.
	RampUp time.Duration
	// Seed seeds the arrival schedule.
	Seed uint64
	// Trace, when set, replays these arrivals (open loop) instead.
	Trace []TraceArrival
	// Secrets are strings redacted from every error message recorded.
	Secrets []string
	// Grace is how long requests in flight may run on once ctx is done
	// (Ctrl-C) before they are cancelled and recorded as canceled; no new
	// request starts meanwhile. 0 cancels them at once.
	Grace time.Duration
	// Abort, when closed, cancels requests in flight at once, grace or not
	// (a second Ctrl-C).
	Abort <-chan struct{}
	// Retries is how many times a request that failed with a retryable
	// error (rate_limited, http_5xx, connection) is sent again; 0 (the
	// default) never retries, since a benchmark must see failures. Each
	// failed attempt is recorded with retried=true and counted apart.
	Retries int
	// RetryBackoff is the wait before the first retry, doubled each time;
	// a server's Retry-After wins when longer. 0 means DefaultRetryBackoff.
	RetryBackoff time.Duration
}

// Result says how a Run went.
type Result struct {
	// Sent is the number of requests sent (records written).
	Sent int64
	// Spread is the worker start spread applied.
	Spread time.Duration
}

func (r *Runner) validate() error {
	var errs []error
	if r.Target == nil {
		errs = append(errs, errors.New("runner: target is required"))
	}
	if r.Rate == 0 && r.Trace == nil && r.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("runner: concurrency must be at least 1, got %d", r.Concurrency))
	}
	if r.Requests < 0 || r.Warmup < 0 {
		errs = append(errs, fmt.Errorf("runner: requests and warmup must not be negative, got %d and %d", r.Requests, r.Warmup))
	}
	if r.Rate < 0 || r.MaxConcurrency < 0 {
		errs = append(errs, fmt.Errorf("runner: rate and max concurrency must not be negative, got %v and %d", r.Rate, r.MaxConcurrency))
	}
	if r.Requests == 0 && r.Duration <= 0 && r.Trace == nil {
		errs = append(errs, errors.New("runner: set a request count or a duration, or the run never ends"))
	}
	if r.Timeout < 0 || r.Duration < 0 {
		errs = append(errs, errors.New("runner: timeout and duration must not be negative"))
	}
	if err := r.Workload.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Run sends requests until a stop condition or until ctx is done, handing
// each completed Record to sink from the worker that made it (sink must be
// safe for concurrent use). start is the run's time origin: every offset in
// the records counts from it. When ctx is cancelled, requests in flight are
// cancelled and recorded with class "canceled", and Run returns
// context.Cause(ctx). A sink error stops the run and is returned.
func (r *Runner) Run(ctx context.Context, start time.Time, sink func(*rundir.Record) error) (Result, error) {
	if err := r.validate(); err != nil {
		return Result{}, err
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Requests run under their own context: when ctx ends, sending stops at
	// once but requests in flight get Grace to finish (or until Abort).
	reqCtx, reqCancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer reqCancel(nil)
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		if r.Grace > 0 {
			t := time.NewTimer(r.Grace)
			defer t.Stop()
			select {
			case <-finished:
				return
			case <-t.C:
			case <-r.Abort:
			}
		}
		reqCancel(context.Cause(ctx))
	}()

	if r.Rate > 0 || r.Trace != nil {
		return r.runOpen(ctx, reqCtx, cancel, start, timeout, sink)
	}
	limit := r.FirstID + uint64(r.Warmup) + uint64(r.Requests)
	var (
		next     atomic.Uint64 // next request id
		deadline atomic.Int64  // ns offset after which no request starts; 0 none
		sent     atomic.Int64
	)
	// take claims the next request id, or reports that the run is over.
	take := func() (uint64, bool) {
		if ctx.Err() != nil {
			return 0, false
		}
		if d := deadline.Load(); d > 0 && time.Since(start).Nanoseconds() >= d {
			return 0, false
		}
		id := r.FirstID + next.Add(1) - 1
		if r.Requests > 0 && id >= limit {
			return 0, false
		}
		return id, true
	}
	do := func(worker int, id uint64) bool {
		req, estIn := r.Workload.Request(id)
		err := r.sendAll(reqCtx, start, timeout, worker, id, time.Since(start).Nanoseconds(), req, estIn, sink)
		sent.Add(1)
		if err != nil {
			cancel(fmt.Errorf("write record: %w", err))
			return false
		}
		return true
	}

	spread := r.Spread
	var wg sync.WaitGroup
	first := 0
	if spread == AutoSpread {
		// The probe: one request alone, whose duration sets the spread.
		id, ok := take()
		if !ok {
			return Result{}, context.Cause(ctx)
		}
		if r.Duration > 0 {
			deadline.Store(time.Since(start).Nanoseconds() + r.Duration.Nanoseconds())
		}
		t0 := time.Now()
		if !do(0, id) {
			return Result{Sent: sent.Load()}, context.Cause(ctx)
		}
		spread = min(time.Since(t0), timeout)
		first = 1 // worker 0 starts again at once
	} else if r.Duration > 0 {
		deadline.Store(time.Since(start).Nanoseconds() + r.Duration.Nanoseconds())
	}
	if spread < 0 {
		spread = 0
	}
	base := time.Now()
	for w := range r.Concurrency {
		wg.Go(func() {
			if w >= first {
				// Spread worker starts over one request duration; worker 0 (and
				// the probe's worker) start at once.
				delay := time.Duration(int64(spread) * int64(w) / int64(r.Concurrency))
				if delay > 0 {
					t := time.NewTimer(time.Until(base.Add(delay)))
					select {
					case <-ctx.Done():
						t.Stop()
						return
					case <-t.C:
					}
				}
			}
			for {
				id, ok := take()
				if !ok || !do(w, id) {
					return
				}
			}
		})
	}
	wg.Wait()
	return Result{Sent: sent.Load(), Spread: spread}, context.Cause(ctx)
}

// sendAll sends request id, retrying as Retries allows, and hands every
// attempt's record to sink. Per-request failures are data, never an error
// of the run: the error returned is the sink's.
func (r *Runner) sendAll(ctx context.Context, start time.Time, timeout time.Duration, worker int, id uint64, scheduledNS int64, req targets.Request, estIn int, sink func(*rundir.Record) error) error {
	backoff := r.RetryBackoff
	if backoff <= 0 {
		backoff = DefaultRetryBackoff
	}
	for attempt := 0; ; attempt++ {
		rec := r.send(ctx, start, timeout, worker, id, scheduledNS, req, estIn)
		rec.Attempt = attempt
		if attempt >= r.Retries || !retryable(rec.ErrorClass) || ctx.Err() != nil {
			return sink(rec)
		}
		rec.Retried = true
		if err := sink(rec); err != nil {
			return err
		}
		wait := max(backoff<<attempt, time.Duration(rec.RetryAfterMS)*time.Millisecond)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// retryable reports whether a failure of class c may succeed when sent again.
func retryable(c rundir.ErrorClass) bool {
	return c == rundir.RateLimited || c == rundir.HTTP5xx || c == rundir.Connection
}

// send sends req (request id, due at scheduledNS) and records it.
func (r *Runner) send(ctx context.Context, start time.Time, timeout time.Duration, worker int, id uint64, scheduledNS int64, req targets.Request, estIn int) *rundir.Record {
	// Chunks is sized for the requested output up front, so the read path
	// appends without growing the slice (up to 4,096 events; more grow).
	rec := &rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: r.Level, Worker: worker,
		Chunks: make([][2]int64, 0, min(max(req.MaxTokens, 1), 4096)), ScheduledNS: scheduledNS,
		RequestedInputTokens: estIn, RequestedOutputTokens: req.MaxTokens}
	if id < r.FirstID+uint64(r.Warmup) {
		rec.Stage = rundir.StageWarmup
	}
	since := func() int64 { return time.Since(start).Nanoseconds() }

	rctx, cancel := context.WithTimeoutCause(ctx, timeout, errRequestTimeout)
	defer cancel()
	trace := &httptrace.ClientTrace{
		GotFirstResponseByte: func() {
			if rec.HeadersNS == 0 {
				rec.HeadersNS = since()
			}
		},
	}
	rctx = httptrace.WithClientTrace(rctx, trace)

	var (
		counted                       int
		gotByte, gotToken, gotContent bool // offsets may be 0, so not sentinels
	)
	// The body's first byte; a target that does not go through
	// targets.PostStream never calls this, and its first event stands in.
	rctx = targets.WithFirstByte(rctx, func() {
		if !gotByte {
			rec.FirstByteNS, gotByte = since(), true
		}
	})
	rec.SentNS = since()
	final, err := r.Target.Stream(rctx, req, func(c targets.Chunk) {
		now := since() // first, before any other work on this event
		if !gotByte {
			rec.FirstByteNS, gotByte = now, true
		}
		if !c.HasToken() {
			return
		}
		k := c.Tokens
		if k <= 0 {
			k = 1
		}
		counted += k
		if !gotToken {
			rec.FirstTokenNS, gotToken = now, true
		}
		if !gotContent && c.Content != "" {
			rec.FirstContentNS, gotContent = now, true
		}
		rec.EndNS = now
		rec.Chunks = append(rec.Chunks, [2]int64{now, int64(k)})
	})
	rec.DoneNS = since()
	if rec.HeadersNS != 0 && rec.HeadersNS < rec.SentNS {
		rec.HeadersNS = rec.SentNS // a reused connection's trace can fire before our stamp
	}

	// Tokens: the server's count when it reports one, else what we counted.
	rec.OutputTokens, rec.OutputTokensSource = counted, rundir.SourceCounted
	if final.Usage != nil && final.Usage.CompletionTokens > 0 {
		rec.OutputTokens, rec.OutputTokensSource = final.Usage.CompletionTokens, rundir.SourceServer
	}
	rec.InputTokens, rec.InputTokensSource = estIn, rundir.SourceEstimated
	if final.Usage != nil && final.Usage.PromptTokens > 0 {
		rec.InputTokens, rec.InputTokensSource = final.Usage.PromptTokens, rundir.SourceServer
	}
	rec.FinishReason = final.FinishReason
	rec.Server = (*rundir.ServerTiming)(final.Server)

	if err != nil && rctx.Err() != nil {
		// The request's context ended: say whether by its own deadline
		// (timeout) or because the run stopped (canceled), not by whatever
		// the transport made of it.
		err = fmt.Errorf("%w: %w", context.Cause(rctx), err)
		if errors.Is(context.Cause(rctx), errRequestTimeout) {
			err = fmt.Errorf("%w after %s", errRequestTimeout, timeout)
		}
	}
	if err == nil && !gotToken {
		msg := "stream ended without a generated token"
		if rec.OutputTokensSource == rundir.SourceServer && rec.OutputTokens > 0 {
			// The server finished and counted tokens none of which it
			// streamed: hidden reasoning (Gemini thoughts, o-series) used
			// the whole output budget (protocols.md, reasoning models).
			msg = fmt.Sprintf("%s, though the server counted %d output tokens (finish reason %q): hidden reasoning likely used the whole output budget; raise max tokens",
				msg, rec.OutputTokens, rec.FinishReason)
		}
		err = &targets.ProtocolError{Msg: msg}
	}
	if !gotToken {
		rec.EndNS = rec.DoneNS
	}
	if err == nil {
		rec.OK = true
		rec.Status = 200
		return rec
	}
	rec.ErrorClass = Classify(err)
	rec.Error = r.redact(err.Error())
	var he *targets.HTTPError
	if errors.As(err, &he) {
		rec.Status = he.Status
		rec.RetryAfterMS = he.RetryAfter.Milliseconds()
	} else if gotByte || rec.HeadersNS != 0 {
		rec.Status = 200
	}
	return rec
}

// redact removes every secret from s.
func (r *Runner) redact(s string) string {
	for _, sec := range r.Secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}
