// Package loadgen drives a targets.Target under a load profile and records
// every request as a Record, streamed to requests.jsonl as it completes.
//
// Every timestamp is taken with the monotonic clock, in the goroutine that
// read the bytes, and stored as nanoseconds from the run's start.
package loadgen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inferbench/inferbench/internal/tick"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// Defaults for Runner fields left zero.
const (
	// DefaultTimeout is the per-request deadline.
	DefaultTimeout = 120 * time.Second
	// DefaultRetryBackoff is the first retry's wait (see Retries).
	DefaultRetryBackoff = 500 * time.Millisecond
	// MaxRetryWait caps the wait before a retry, whatever the server's
	// Retry-After says (a 429 with Retry-After: 100000 must not hold the
	// run for a day); the request's own timeout caps it too.
	MaxRetryWait = 60 * time.Second
	// AutoSpread asks the Runner to spread worker starts over one probe
	// request's duration (see Spread).
	AutoSpread time.Duration = -1
	// MaxAutoSpread caps the auto spread: the probe request is given this
	// long (or the request timeout, when shorter) and the spread never
	// exceeds it, so a server slower than that (or one that never finishes
	// the probe) costs the level at most this much of stagger, never the
	// request timeout.
	MaxAutoSpread = 10 * time.Second
)

// Runner runs one load level. Closed loop (no rate, no trace): Concurrency
// workers, each sending its next request as soon as its previous one ends.
// Open loop (Rate): requests are sent at the due times of an arrival
// schedule, whatever the server's state, capped by MaxConcurrency in
// flight. Trace: requests are sent at the offsets of a recorded trace.
// Each stops after its measured request count or when its duration has
// passed. New builds one from a target, a workload and options (vegeta's
// Attacker is the model); the zero Runner is not usable.
type Runner struct {
	target   targets.Target
	workload Workload
	c        config
	inFlight atomic.Int64 // requests sent and not yet ended (until.go)
}

// config is a Runner's settings; the Options set them.
type config struct {
	concurrency    int
	requests       int
	warmup         int
	duration       time.Duration
	timeout        time.Duration
	spread         time.Duration
	level          float64
	firstID        uint64
	rate           float64
	arrival        Arrival
	burstiness     float64
	maxConcurrency int
	rampUp         time.Duration
	seed           uint64
	trace          []TraceArrival
	secrets        targets.Redactor
	grace          time.Duration
	retries        int
	retryBackoff   time.Duration
	shard          rundir.Shard
	until          func(*rundir.Record) bool // until.go
	// probes is 1 when the level's first id went to the auto-spread probe:
	// the warm-up and measured ids follow it.
	probes uint64
}

// An Option sets one of a Runner's settings.
type Option func(*config)

// Concurrency sets the number of closed-loop workers (≥ 1; default 1).
func Concurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// Requests sets the number of measured requests, warm-up not counted; 0
// means no count limit (a Duration must then be set).
func Requests(n int) Option { return func(c *config) { c.requests = n } }

// Warmup sets how many requests are sent first and recorded with stage
// "warmup"; they are excluded from metrics. The lowest ids are the warm-up.
func Warmup(n int) Option { return func(c *config) { c.warmup = n } }

// Duration stops the level from sending new requests this long after its
// first request; requests in flight then run to completion. 0: no limit.
func Duration(d time.Duration) Option { return func(c *config) { c.duration = d } }

// Timeout sets the per-request deadline, from send to the end of the
// stream; 0 means DefaultTimeout.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Spread spreads the closed-loop workers' first requests so they do not run
// in lockstep: worker i starts at i·d/Concurrency. AutoSpread sends one
// probe request alone first (recorded with stage "probe", never measured,
// not taken from the level's request count) and spreads over its duration,
// at most MaxAutoSpread (docs/design.md: with
// all workers starting at once, waves of synchronized requests inflate TTFT
// p99 by 3–4× on a bare server). 0 (the default) starts all at once.
func Spread(d time.Duration) Option { return func(c *config) { c.spread = d } }

// Level sets the load level written on every record (concurrency or rate)
// and the id of the level's first request: the ids of a sweep's levels
// follow each other.
func Level(level float64, firstID uint64) Option {
	return func(c *config) { c.level, c.firstID = level, firstID }
}

// Rate makes the loop open: requests per second, arriving by process a
// (default ArrivalPoisson) with gamma shape burstiness for ArrivalGamma.
func Rate(rate float64, a Arrival, burstiness float64) Option {
	return func(c *config) { c.rate, c.arrival, c.burstiness = rate, a, burstiness }
}

// MaxConcurrency caps requests in flight in open loop (0: no cap). A
// request held back by the cap keeps its due time, so the wait shows as
// send lag (sent_ns − scheduled_ns) instead of vanishing.
func MaxConcurrency(n int) Option { return func(c *config) { c.maxConcurrency = n } }

// RampUp ramps the open-loop rate up linearly from 0 over d.
func RampUp(d time.Duration) Option { return func(c *config) { c.rampUp = d } }

// Seed seeds the arrival schedule.
func Seed(s uint64) Option { return func(c *config) { c.seed = s } }

// Trace replays these arrivals (open loop) instead of a schedule.
func Trace(t []TraceArrival) Option { return func(c *config) { c.trace = t } }

// Secrets are strings redacted from every error message recorded, by the
// adapters' rule (targets.Redactor: any length, the longest first).
func Secrets(s ...string) Option { return func(c *config) { c.secrets = c.secrets.With(s...) } }

// Grace is how long requests in flight may run on once the run drains
// (Ctrl-C) before they are cancelled and recorded as canceled; no new
// request starts meanwhile. 0 cancels them at once.
func Grace(d time.Duration) Option { return func(c *config) { c.grace = d } }

// Retries resends a request that failed with a retryable error
// (rate_limited, http_5xx, connection) up to n times; 0 (the default) never
// retries, since a benchmark must see failures. Each failed attempt is
// recorded with retried=true and counted apart. The first retry waits
// backoff (0: DefaultRetryBackoff), doubled each time; a server's
// Retry-After wins when longer, up to MaxRetryWait.
func Retries(n int, backoff time.Duration) Option {
	return func(c *config) { c.retries, c.retryBackoff = n, backoff }
}

// Shard makes the runner run one shard's part of the level (shard.go):
// its share of the workers, rate, requests and trace, with record ids and
// worker numbers in the whole run's space (rundir.IDScheme).
func Shard(s rundir.Shard) Option { return func(c *config) { c.shard = s } }

// Result says how a Run went.
type Result struct {
	// Sent is the number of requests sent (records written).
	Sent int64
	// Spread is the worker start spread applied.
	Spread time.Duration
}

// ErrNoShare is New's answer when a shard has nothing to send at a level
// (fewer workers or requests than shards).
var ErrNoShare = errors.New("nothing for this shard at this level")

// New returns a Runner sending w's requests to t, configured by opts, or
// an error naming every setting that is wrong.
func New(t targets.Target, w Workload, opts ...Option) (*Runner, error) {
	r := &Runner{target: t, workload: w, c: config{concurrency: 1}}
	for _, o := range opts {
		o(&r.c)
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	if !r.applyShard() {
		return nil, ErrNoShare
	}
	return r, nil
}

// IsOpen reports whether the runner sends by schedule (rate or trace).
func (r *Runner) IsOpen() bool { return r.c.rate > 0 || r.c.trace != nil }

func (r *Runner) validate() error {
	c := &r.c
	var errs []error
	if r.target == nil {
		errs = append(errs, errors.New("runner: target is required"))
	}
	if !r.IsOpen() && c.concurrency < 1 {
		errs = append(errs, fmt.Errorf("runner: concurrency must be at least 1, got %d", c.concurrency))
	}
	if c.requests < 0 || c.warmup < 0 {
		errs = append(errs, fmt.Errorf("runner: requests and warmup must not be negative, got %d and %d", c.requests, c.warmup))
	}
	if c.rate < 0 || c.maxConcurrency < 0 {
		errs = append(errs, fmt.Errorf("runner: rate and max concurrency must not be negative, got %v and %d", c.rate, c.maxConcurrency))
	}
	if c.requests == 0 && c.duration <= 0 && c.trace == nil {
		errs = append(errs, errors.New("runner: set a request count or a duration, or the run never ends"))
	}
	if c.timeout < 0 || c.duration < 0 || c.grace < 0 || c.retries < 0 {
		errs = append(errs, errors.New("runner: timeout, duration, grace and retries must not be negative"))
	}
	if err := r.workload.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// level is one Run's state, shared by its workers.
type level struct {
	r       *Runner
	start   time.Time
	timeout time.Duration
	reqCtx  context.Context // requests run under it
	// drain is the run's: once it ends (the first Ctrl-C), no request is
	// sent again either, though those in flight have Grace.
	drain context.Context
	sink  func(*rundir.Record) error
	// stop stops sending when Until's function says so (until.go).
	stop context.CancelCauseFunc
	// deadline is the ns offset after which no request starts (the level's
	// duration), 0 for none: no retry is sent past it either.
	deadline atomic.Int64
	// turns is the request count's budget of session turns (session.go);
	// nil without sessions or a count.
	turns *turnBudget
}

// job is one request to send: its id, the worker sending it, when it was
// due, and what it asks (with the workload's estimate of its prompt length).
type job struct {
	id          uint64
	worker      int
	scheduledNS int64
	req         targets.Request
	estIn       int
	inSrc       rundir.TokenSource // estIn's source (Workload.Request); "" is estimated
	// turn, when set, is the session turn the job is (session.go).
	turn *turnState
	// probe marks the auto-spread probe: stage probe, its own timeout.
	probe   bool
	timeout time.Duration
}

// Run sends requests until a stop condition, handing each completed Record
// to sink from the worker that made it (sink must be safe for concurrent
// use). start is the run's time origin: every offset in the records counts
// from it.
//
// Two contexts stop it early. When drain is done, sending stops at once and
// requests in flight get the Grace period, then are cancelled (recorded as
// canceled); when ctx is done they are cancelled at once. A run that is
// drained on the first Ctrl-C and cancelled on the second passes both (k6's
// executors take a global and a run context the same way); either may be
// the other. Run returns the cause of the drain or cancellation, nil when
// the level ran to its end (or its Until function stopped it), or the first
// sink error, which stops the run.
func (r *Runner) Run(ctx, drain context.Context, start time.Time, sink func(*rundir.Record) error) (Result, error) {
	timeout := r.c.timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	sendCtx, cancelSend := context.WithCancelCause(drain)
	defer cancelSend(nil)
	stopSend := context.AfterFunc(ctx, func() { cancelSend(context.Cause(ctx)) })
	defer stopSend()
	// Requests run under their own context: when sending stops, requests in
	// flight get Grace to finish (or until ctx ends).
	reqCtx, reqCancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer reqCancel(nil)
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-finished:
			return
		case <-sendCtx.Done():
		}
		if !stoppedEarly(sendCtx, finished, drain, ctx) {
			return
		}
		cause := stopCause(sendCtx, drain, ctx)
		if r.c.grace > 0 && ctx.Err() == nil {
			t := time.NewTimer(r.c.grace)
			defer t.Stop()
			select {
			case <-finished:
				return
			case <-t.C:
				cause = graceOver{cause: cause, grace: r.c.grace}
			case <-ctx.Done():
			}
		}
		reqCancel(cause)
	}()
	lv := &level{r: r, start: start, timeout: timeout, reqCtx: reqCtx, drain: drain, sink: sink, stop: cancelSend}
	var (
		res Result
		err error
	)
	switch {
	case r.IsOpen() && r.workload.Sessions != nil:
		res, err = lv.runOpenSessions(sendCtx, cancelSend)
	case r.IsOpen():
		res, err = lv.runOpen(sendCtx, cancelSend)
	default:
		res, err = lv.runClosed(sendCtx, cancelSend)
	}
	if errors.Is(err, errUntil) {
		err = nil // the level ended as its Until function asked
	}
	return res, err
}

// runClosed runs the closed loop: concurrency workers, each sending its next
// request as soon as its previous one ends.
func (lv *level) runClosed(ctx context.Context, cancel context.CancelCauseFunc) (Result, error) {
	r := lv.r
	c := &r.c
	if c.spread == AutoSpread && c.requests == 0 {
		c.probes = 1 // no count: the probe takes the first id, the rest follow
	}
	limit := c.firstID + c.probes + uint64(c.warmup) + uint64(c.requests)
	var (
		next atomic.Uint64 // next request id
		sent atomic.Int64
	)
	// take claims the next request id, or reports that the run is over.
	take := lv.claimer(ctx, &next, limit)
	if r.workload.Sessions != nil && c.requests > 0 {
		lv.turns = newTurnBudget(c.warmup + c.requests)
	}
	// startNext starts the workers' sessions one at a time, in the order of
	// their ids (startSession).
	var (
		sessionMu sync.Mutex
		sessions  uint64 // sessions started (session workloads)
	)
	startNext := func() (*conversation, bool) {
		sessionMu.Lock()
		defer sessionMu.Unlock()
		sessions++
		return lv.startSession(c.firstID + sessions - 1)
	}
	do := func(worker int, id uint64, pause *connPause) bool {
		req, estIn, inSrc := r.workload.Request(id)
		class, err := lv.sendAll(job{id: id, worker: worker, scheduledNS: time.Since(lv.start).Nanoseconds(), req: req, estIn: estIn, inSrc: inSrc})
		sent.Add(1)
		if err != nil {
			cancel(fmt.Errorf("write record: %w", err))
			return false
		}
		if d := pause.after(class); d > 0 {
			return tick.Sleep(ctx, d)
		}
		return true
	}

	spread := c.spread
	if spread == AutoSpread {
		var err error
		if spread, err = lv.probe(ctx, take, limit); err != nil {
			cancel(fmt.Errorf("write record: %w", err))
			return Result{Sent: 1}, context.Cause(ctx)
		}
		sent.Add(1)
		if ctx.Err() != nil {
			return Result{Sent: sent.Load()}, context.Cause(ctx)
		}
	}
	spread = max(spread, 0)
	var wg sync.WaitGroup
	base, _ := lv.startWindow()
	for w := range c.concurrency {
		wg.Go(func() {
			// Spread worker starts over one request duration; worker 0
			// starts at once.
			delay := time.Duration(int64(spread) * int64(w) / int64(c.concurrency))
			if delay > 0 {
				t := time.NewTimer(time.Until(base.Add(delay)))
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
			var pause connPause
			for {
				if r.workload.Sessions != nil {
					// A session claims its turns' ids as it sends them.
					if !lv.closedSession(ctx, cancel, w, startNext, take, &sent, &pause) {
						return
					}
					continue
				}
				id, ok := take()
				if !ok || !do(w, id, &pause) {
					return
				}
			}
		})
	}
	wg.Wait()
	return Result{Sent: sent.Load(), Spread: spread}, context.Cause(ctx)
}

// claimer returns the function that claims the level's next request id
// (c.firstID on, counted in next), or reports that the level is over: its
// context done, its deadline past or, with a request count, limit reached.
func (lv *level) claimer(ctx context.Context, next *atomic.Uint64, limit uint64) func() (uint64, bool) {
	c := &lv.r.c
	return func() (uint64, bool) {
		if ctx.Err() != nil {
			return 0, false
		}
		if d := lv.deadline.Load(); d > 0 && time.Since(lv.start).Nanoseconds() >= d {
			return 0, false
		}
		id := c.firstID + next.Add(1) - 1
		if c.requests > 0 && id >= limit {
			return 0, false
		}
		return id, true
	}
}

// startWindow starts the level's sending window now: base is the origin of
// its schedule (baseNS its offset from the run's start) and, with a
// duration, no request starts after base + duration.
func (lv *level) startWindow() (base time.Time, baseNS int64) {
	base = time.Now()
	baseNS = base.Sub(lv.start).Nanoseconds()
	if d := lv.r.c.duration; d > 0 {
		lv.deadline.Store(baseNS + d.Nanoseconds())
	}
	return base, baseNS
}

// schedule is an open level's arrival schedule: the due times, from the
// start of its window, of its warm-up and measured requests (as many as
// its duration holds when it has no request count), streamed.
func (c *config) schedule(ctx context.Context) (*Stream, error) {
	arr, err := NewArrivals(c.arrival, c.rate, c.burstiness, c.rampUp, c.seed+c.firstID)
	if err != nil {
		return nil, err
	}
	n := 0
	if c.requests > 0 {
		n = c.warmup + c.requests
	}
	return arr.Stream(ctx, n, c.duration), nil
}

// probe sends the auto-spread probe alone, on worker 0, and returns its
// duration capped at MaxAutoSpread: the spread. With a request count its id
// is limit, the one after the level's own, so warm-up and measured requests
// keep the ids (and so the lengths and prompts) they have without it;
// without a count it takes the first id. It is recorded with stage probe
// (never measured) and is given MaxAutoSpread at most, so a server that
// does not finish it never holds the level for the request timeout. The
// error is the sink's.
func (lv *level) probe(ctx context.Context, take func() (uint64, bool), limit uint64) (time.Duration, error) {
	id, ok := limit, ctx.Err() == nil
	if lv.r.c.requests == 0 {
		id, ok = take()
	}
	if !ok {
		return 0, nil
	}
	req, estIn, inSrc := lv.r.workload.ProbeRequest(id)
	t0 := time.Now()
	rec := lv.send(job{id: id, scheduledNS: time.Since(lv.start).Nanoseconds(), req: req, estIn: estIn, inSrc: inSrc,
		probe: true, timeout: min(lv.timeout, MaxAutoSpread)})
	spread := min(time.Since(t0), MaxAutoSpread)
	return spread, lv.emit(rec)
}

// sendAll sends a job, retrying as Retries allows, and hands every
// attempt's record to the sink. Per-request failures are data, never an
// error of the run: the error returned is the sink's.
func (lv *level) sendAll(j job) (rundir.ErrorClass, error) {
	c := &lv.r.c
	backoff := c.retryBackoff
	if backoff <= 0 {
		backoff = DefaultRetryBackoff
	}
	lv.r.inFlight.Add(1)
	defer lv.r.inFlight.Add(-1)
	for attempt := 0; ; attempt++ {
		rec := lv.send(j)
		rec.Attempt = attempt
		wait := retryWait(backoff, attempt, time.Duration(rec.RetryAfterMS)*time.Millisecond, lv.timeout)
		pastEnd := false
		if d := lv.deadline.Load(); d > 0 {
			pastEnd = time.Since(lv.start).Nanoseconds()+wait.Nanoseconds() >= d
		}
		if attempt >= c.retries || !retryable(rec.ErrorClass) || lv.reqCtx.Err() != nil || pastEnd {
			return rec.ErrorClass, lv.emit(rec)
		}
		rec.Retried = true
		if err := lv.emit(rec); err != nil {
			return rec.ErrorClass, err
		}
		if stopped := lv.waitToResend(wait); stopped != nil {
			return rundir.Canceled, lv.emit(notResent(rec, lv.start, context.Cause(stopped)))
		}
	}
}

// connPause is a closed-loop worker's pause after its requests fail on
// the connection (rundir.Connection: refused, reset, closed): the server
// is down or going, and a worker that sent its next at once spun, its
// records thousands a second (a server killed for 6 s left 52,718 of 4
// workers), their count the client's speed, not the outage's length, on
// the CPU of a server restarting beside it. The first failure in a row
// goes on at once (one reset is no outage); from the second the worker
// pauses 10 ms, doubling to 1 s, until a request gets any answer. An open
// loop sends on its schedule and needs none.
type connPause struct{ failed int }

// after returns the pause after a request whose last attempt ended with
// class ("" for success).
func (p *connPause) after(class rundir.ErrorClass) time.Duration {
	if class != rundir.Connection {
		p.failed = 0
		return 0
	}
	p.failed++
	if p.failed < 2 {
		return 0
	}
	return min(10*time.Millisecond<<min(p.failed-2, 7), time.Second)
}

// waitToResend waits out a retry's wait, and returns the context that
// ended it instead: the run's drain (no request is sent again once sending
// stops, the first Ctrl-C) or the requests' own (cancelled); nil when the
// request is to be sent again.
func (lv *level) waitToResend(wait time.Duration) context.Context {
	if lv.drain.Err() != nil {
		return lv.drain // already stopped: not left to the select's choice
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-lv.reqCtx.Done():
		return lv.reqCtx
	case <-lv.drain.Done():
		return lv.drain
	case <-t.C:
		return nil
	}
}

// notResent is the last record of a request whose attempt rec was to be
// sent again when the run stopped (cause): class canceled, the next
// attempt, never sent. Without it the request ended on an attempt marked
// retried, which no count takes: it vanished from the level.
func notResent(rec *rundir.Record, start time.Time, cause error) *rundir.Record {
	now := time.Since(start).Nanoseconds()
	return &rundir.Record{ID: rec.ID, Stage: rec.Stage, Level: rec.Level, Worker: rec.Worker, Session: rec.Session, Turn: rec.Turn,
		ScheduledNS: rec.ScheduledNS, SentNS: now, DoneNS: now, Attempt: rec.Attempt + 1, Chunks: [][2]int64{},
		RequestedInputTokens: rec.RequestedInputTokens, RequestedOutputTokens: rec.RequestedOutputTokens,
		ErrorClass: rundir.Canceled,
		Error:      fmt.Sprintf("not sent again after %s (%s): %v", rec.ErrorClass, rec.Error, cause)}
}

// emit hands a record to the sink, in the whole run's id space when the
// runner runs a shard.
func (lv *level) emit(rec *rundir.Record) error {
	if sh := lv.r.c.shard; sh.Count > 1 {
		rec.ID = sh.GlobalID(rec.ID)
		rec.Worker = rec.Worker*sh.Count + sh.Index
	}
	if pg := lv.r.workload.PrefixGroup; pg != nil {
		key := rec.ID // the global id, as the prompt was built
		if rec.Turn > 0 {
			key = rec.Session // a session's turns carry its first message's prefix
		}
		rec.PrefixGroup = pg(key)
	}
	if err := lv.sink(rec); err != nil {
		return err
	}
	if until := lv.r.c.until; until != nil && until(rec) {
		lv.stop(errUntil)
	}
	return nil
}

// retryable reports whether a failure of class c may succeed when sent again.
func retryable(c rundir.ErrorClass) bool {
	return c == rundir.RateLimited || c == rundir.HTTP5xx || c == rundir.Connection
}

// MinChunksKept is the fewest Chunks entries a record keeps before it
// coalesces (chunkCap), whatever output it asked for.
const MinChunksKept = 4096

// chunkCap is the most Chunks entries the record of a request asking for
// want output tokens keeps before the last entry absorbs the rest: twice
// what it asked for, at least MinChunksKept, at most rundir.MaxChunks (want
// 0, unknown: rundir.MaxChunks). A server streams at most about one event a
// token of what it was asked for, so such a stream keeps every event; one
// that streams past it (a server ignoring the cap, a hostile one sending
// tokens until the timeout) grew its record to a million entries a
// stream, about 40 MB with the slice's growth: 638 MB at 16 streams, some
// 10 GB at 256. Its totals, E2E and TPOT stay exact; only the tail's
// per-event detail is folded.
func chunkCap(want int) int {
	if want <= 0 {
		return rundir.MaxChunks
	}
	return min(max(2*want, MinChunksKept), rundir.MaxChunks)
}

// send sends a job and records it.
func (lv *level) send(j job) *rundir.Record {
	// The callbacks capture turn, not j: capturing j would move the whole
	// job, its Request with it, to the heap (one allocation per request).
	r, start, timeout, req, estIn, turn := lv.r, lv.start, cmp.Or(j.timeout, lv.timeout), j.req, j.estIn, j.turn
	// Chunks is sized for the requested output up front, so the read path
	// appends without growing the slice (up to 4,096 events; more grow).
	rec := &rundir.Record{ID: j.id, Stage: lv.stage(j), Level: r.c.level, Worker: j.worker,
		Chunks: make([][2]int64, 0, min(max(req.MaxTokens, 1), 4096)), ScheduledNS: j.scheduledNS,
		RequestedInputTokens: estIn, RequestedOutputTokens: req.MaxTokens}
	if turn != nil {
		defer turn.track(rec)()
	}
	since := func() int64 { return time.Since(start).Nanoseconds() }

	rctx, cancel := context.WithTimeoutCause(lv.reqCtx, timeout, errRequestTimeout)
	defer cancel()
	tr := newReqTrace(start)
	rctx = targets.WithResponse(httptrace.WithClientTrace(rctx, &tr.ClientTrace), tr.response)

	// st is what the callbacks keep, one variable (one allocation, not
	// one for each); they read maxTokens, not req.MaxTokens, which would
	// move the whole Request to the heap (one more allocation a request).
	var st readState
	keep, maxTokens := chunkCap(req.MaxTokens), req.MaxTokens
	// The body's first byte; a target that does not go through
	// targets.PostStream never calls this, and its first event stands in.
	rctx = targets.WithFirstByte(rctx, func() {
		if !st.gotByte {
			rec.FirstByteNS, st.gotByte = since(), true
		}
	})
	rec.SentNS = since()
	final, err := r.target.Stream(rctx, req, func(c targets.Chunk) {
		now := since() // first, before any other work on this event
		if !st.gotByte {
			rec.FirstByteNS, st.gotByte = now, true
		}
		st.lastEvent = now
		if !c.HasToken() {
			return
		}
		k := EventTokens(c.Tokens)
		st.counted += k
		if !st.gotToken {
			rec.FirstTokenNS, st.gotToken = now, true
		}
		if !st.gotContent && c.Content != "" {
			rec.FirstContentNS, st.gotContent = now, true
		}
		if turn != nil {
			turn.addReply(c.Content, maxTokens) // the reply the next turn sends back
		}
		rec.EndNS = now
		if n := len(rec.Chunks); n < keep {
			rec.Chunks = append(rec.Chunks, [2]int64{now, int64(k)})
		} else {
			// Past the cap the last entry absorbs the events: its offset is
			// the newest, its count their sum, so totals, E2E and TPOT stay
			// exact and the tail's mean ITL too (chunkCap, rundir.MaxChunks).
			rec.Chunks[n-1] = [2]int64{now, rec.Chunks[n-1][1] + int64(k)}
			rec.ChunksCoalesced++
		}
	})
	rec.DoneNS = since()
	rec.ConnectNS = tr.connectNS.Load()
	rec.Resent = tr.resent()
	rec.HeadersNS = tr.headersNS.Load()
	status := int(tr.status.Load())
	if status == 0 && tr.interimBytes.Load() != 0 {
		rec.HeadersNS = 0 // an interim response's, and no final one was told of
	}
	if rec.HeadersNS != 0 && rec.HeadersNS < rec.SentNS {
		rec.HeadersNS = rec.SentNS // a reused connection's trace can fire before our stamp
	}

	// Tokens: the server's count when it reports one, else what we counted.
	DropAbsurd(&final)
	rec.OutputTokens, rec.OutputTokensSource = st.counted, rundir.SourceCounted
	if final.Usage != nil && final.Usage.CompletionTokens > 0 {
		rec.OutputTokens, rec.OutputTokensSource = final.Usage.CompletionTokens, rundir.SourceServer
	}
	// The prompt's length as built: sized (counted by the run's prompt
	// sizing) or estimated, unless the server says.
	rec.InputTokens, rec.InputTokensSource = estIn, cmp.Or(j.inSrc, rundir.SourceEstimated)
	if final.Usage != nil && final.Usage.PromptTokens > 0 {
		rec.InputTokens, rec.InputTokensSource = final.Usage.PromptTokens, rundir.SourceServer
	}
	rec.FinishReason = final.FinishReason
	rec.Server = (*rundir.ServerTiming)(final.Server)
	rec.CachedInputTokens = final.CachedTokens
	rec.UsageDecreased = final.UsageDecreased // its per-event counts untrusted: rundir.Record.BoundOutputTokens

	if err != nil && rctx.Err() != nil {
		// The request's context ended: say whether by its own deadline
		// (timeout) or because the run stopped (canceled), not by whatever
		// the transport made of it.
		err = causedError{cause: context.Cause(rctx), err: err}
		if errors.Is(context.Cause(rctx), errRequestTimeout) {
			err = fmt.Errorf("%w after %s", errRequestTimeout, timeout)
		}
	}
	if held := rec.OutputTokens - st.counted; err == nil && held > 0 && stopHeld(&req, held, final.StoppedBySequence) {
		// The token a stop sequence starts in (and any text held back
		// before it, in case it began one): the server generated it and
		// counted it, sent none of its text, and finished. It arrived with
		// the event that finished the stream, when it had been generated
		// (vLLM, llama-server and Ollama answer so; docs/workloads.md).
		// Left out, an output of 4 tokens, 3 streamed 10 ms apart, read a
		// TPOT of 6.7 ms (20 ms over 3 gaps) and ended 10 ms early; one
		// whose first token held the stop sequence was a failure blaming
		// hidden reasoning, and a run with --stop " " failed every request.
		at := cmp.Or(st.lastEvent, rec.DoneNS)
		if !st.gotToken {
			rec.FirstTokenNS, st.gotToken = at, true
		}
		rec.EndNS = at
		if n := len(rec.Chunks); n > 0 && n >= keep {
			rec.Chunks[n-1] = [2]int64{at, rec.Chunks[n-1][1] + int64(held)}
			rec.ChunksCoalesced++
		} else {
			rec.Chunks = append(rec.Chunks, [2]int64{at, int64(held)})
		}
	}
	if err == nil && !st.gotToken {
		msg := "stream ended without a generated token"
		if rec.OutputTokensSource == rundir.SourceServer && rec.OutputTokens > 0 {
			// The server finished and counted tokens none of which it
			// streamed: hidden reasoning (Gemini thoughts, o-series) used
			// the whole output budget (docs/notes/protocols.md, reasoning models).
			msg = fmt.Sprintf("%s, though the server counted %d output tokens (finish reason %q): hidden reasoning likely used the whole output budget; raise max tokens",
				msg, rec.OutputTokens, rec.FinishReason)
		}
		err = &targets.ProtocolError{Msg: msg}
	}
	if !st.gotToken {
		rec.EndNS = rec.DoneNS
	}
	if err == nil {
		rec.OK = true
		rec.Status = cmp.Or(status, 200) // 200: a target whose client does not say (an SDK's) streamed
		return rec
	}
	rec.ErrorClass = Classify(err)
	rec.Error = r.c.secrets.Redact(err.Error())
	rec.Status, rec.RetryAfterMS = failedStatus(err, status, st.gotByte || rec.HeadersNS != 0)
	return rec
}

// readState is what level.send's callbacks keep of one request's stream.
type readState struct {
	counted                       int
	gotByte, gotToken, gotContent bool  // offsets may be 0, so not sentinels
	lastEvent                     int64 // the last event's arrival, token-bearing or not
}

// stopHeld reports whether the held tokens rec's server counted beyond
// those streamed may be what a stop sequence held back: the request sent
// stop sequences, the adapter says the server finished at one (stopped:
// targets.Final.StoppedBySequence, each protocol's words being its
// adapter's to know), and there are no more of them than the longest
// sequence has bytes, and one (the text held back while it might begin
// one, and the token it ends in). Held tokens are the server's count's
// (what the client counted is never more than it read). More are tokens
// the server did not stream for another reason (hidden reasoning), which
// did not all arrive with the finish.
func stopHeld(req *targets.Request, held int, stopped bool) bool {
	if !stopped || len(req.Stop) == 0 {
		return false
	}
	longest := 0
	for _, s := range req.Stop {
		longest = max(longest, len(s))
	}
	return held <= longest+1
}

// reqTrace is what net/http tells of one request: its httptrace hooks and
// targets.WithResponse's, and what they stamp, in one allocation. The
// transport calls the trace's hooks on its own goroutines, and can do so
// after Stream returned (a request cancelled or failed while its response
// was on the way): the stamps are atomics, which the record takes once,
// after Stream.
type reqTrace struct {
	httptrace.ClientTrace
	start time.Time
	// headersNS: the first byte of the response headers. After a 1xx
	// interim response (100 Continue, 103 Early Hints), whose first byte
	// GotFirstResponseByte marks, it is stamped again when the final
	// response is handed over (targets.WithResponse): net/http tells of no
	// later first byte, and that hand-over follows the final headers' last
	// byte by their parse and a goroutine switch (microseconds).
	headersNS atomic.Int64
	// interimBytes: the size of the interim responses' headers, about as
	// net/http counts them (interimSize), 0 when none came.
	interimBytes atomic.Int64
	// getConnNS and connectNS: the wait for a new connection, from asking
	// the transport for one to getting it, when it was not a kept one,
	// summed over the sends of a request targets.PostStream resends on
	// another connection.
	getConnNS, connectNS atomic.Int64
	// status: the response's status code (targets.WithResponse), 0 when
	// none came or the target does not say.
	status atomic.Int64
	// sends and responses: the connections got for the request (GotConn)
	// and the responses whose first byte came (GotFirstResponseByte). Each
	// pass of net/http's own resend loops gets a connection before it
	// writes the request: HTTP/1.1's in Transport.roundTrip (getConn,
	// net/http/transport.go), HTTP/2's in http2Transport.RoundTripOpt
	// (http2traceGotConn, net/http/h2_bundle.go), and targets.PostStream's
	// around client.Do; a request refused twice then served counted 3 and
	// 1, as WroteHeaders, WroteRequest and GetConn did (Go 1.26). The
	// sends beyond the responses, less the one expected, are the resends
	// (resent); a followed redirect is a send with its response. Counted in
	// hooks the trace already had: a WroteHeaders hook would be one more
	// allocation a request.
	sends, responses atomic.Int32
}

func newReqTrace(start time.Time) *reqTrace {
	t := &reqTrace{start: start}
	t.GetConn = func(string) { t.getConnNS.Store(t.since()) }
	t.GotConn = func(c httptrace.GotConnInfo) {
		t.sends.Add(1)
		if !c.Reused {
			t.connectNS.Add(max(t.since()-t.getConnNS.Load(), 1))
		}
	}
	t.GotFirstResponseByte = func() {
		t.responses.Add(1)
		t.headersNS.CompareAndSwap(0, max(t.since(), 1))
	}
	t.Got1xxResponse = func(_ int, h textproto.MIMEHeader) error {
		if t.interimBytes.Add(interimSize(h)) > maxInterimBytes {
			return &targets.ProtocolError{Msg: fmt.Sprintf("interim (1xx) responses past %d bytes of headers", maxInterimBytes)}
		}
		return nil
	}
	return t
}

// maxInterimBytes bounds the headers of a request's interim responses.
// net/http bounds a response's headers, interim ones included, by
// Transport.MaxResponseHeaderBytes (10 MiB by default), but starts again
// at each interim response a ClientTrace's Got1xxResponse is told of:
// the runner's then bounds them as net/http did, so that a server sending
// 103 without end fails the request instead of holding it to its timeout.
const maxInterimBytes = 10 << 20

// interimSize is about what an interim response's header takes on the
// wire: its status line and each field's line, unfolded, and the blank
// line (so an empty 103 counts too).
func interimSize(h textproto.MIMEHeader) int64 {
	n := len("HTTP/1.1 103 \r\n\r\n")
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(": \r\n") + len(v)
		}
	}
	return int64(n)
}

func (t *reqTrace) since() int64 { return time.Since(t.start).Nanoseconds() }

// resent is how many times the HTTP client sent the request again on its
// own: the sends that got no response, less the first (or the last, which
// failed the request without one). 0 when the target does not say.
func (t *reqTrace) resent() int {
	return max(int(t.sends.Load()-max(t.responses.Load(), 1)), 0)
}

// response is the targets.WithResponse hook: the final response's status,
// and its headers' time after an interim response.
func (t *reqTrace) response(status int) {
	t.status.Store(int64(status))
	if t.interimBytes.Load() != 0 {
		t.headersNS.Store(max(t.since(), 1))
	}
}

// stage is the stage a job's record belongs to: the probe's, the warm-up's
// (the level's lowest ids, after a probe that took the first), or measure.
func (lv *level) stage(j job) rundir.Stage {
	c := &lv.r.c
	switch {
	case j.probe:
		return rundir.StageProbe
	case j.id < c.firstID+c.probes+uint64(c.warmup):
		return rundir.StageWarmup
	}
	return rundir.StageMeasure
}

// retryWait is the wait before retry attempt+1: the backoff doubled per
// attempt, or the server's Retry-After when longer, capped by MaxRetryWait
// and by the request timeout (a server cannot make one request wait longer
// than the request itself may take).
func retryWait(backoff time.Duration, attempt int, retryAfter, timeout time.Duration) time.Duration {
	wait := max(backoff<<min(attempt, 20), retryAfter)
	return min(wait, MaxRetryWait, timeout)
}
