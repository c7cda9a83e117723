package mock

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inferbench/inferbench/gpu"
)

// Engine defaults (vLLM-like; modelling assumptions where vLLM has no equivalent).
const (
	// DefaultMaxSeqs bounds the running batch (vLLM's max_num_seqs default, 256).
	DefaultMaxSeqs = 256
	// DefaultMaxBatchedTokens is the token budget of one engine step.
	DefaultMaxBatchedTokens = 8192
	// DefaultStepOverhead is the fixed time of one engine step beyond the
	// roofline (scheduling, sampling, kernel launches).
	DefaultStepOverhead = 2 * time.Millisecond
	// MemoryEfficiency is the share of peak bandwidth a decode step reaches.
	MemoryEfficiency = 0.8
	// ComputeEfficiency is the share of peak FLOP/s a prefill reaches.
	ComputeEfficiency = 0.6
	// allReduceLatency is the fixed latency of one tensor-parallel all-reduce.
	allReduceLatency = 8 * time.Microsecond
)

// A tokenSource says when each token of one response is available.
type tokenSource interface {
	// ready reports whether token k (from 0) is available now.
	ready(k int) bool
	// wait blocks until token k is available; false when ctx is done first.
	wait(ctx context.Context, k int) bool
	// release tells the source the response is over (finished or abandoned).
	release()
}

// fixedSource is the fixed-timing mode's source: token k is due at
// origin + TTFT + k·ITL.
type fixedSource struct {
	plan  fixedPlan
	timer *time.Timer
}

func (f *fixedSource) ready(k int) bool { return !time.Now().Before(f.plan.due(k)) }

func (f *fixedSource) wait(ctx context.Context, k int) bool {
	wait := time.Until(f.plan.due(k))
	if wait <= 0 {
		return ctx.Err() == nil
	}
	if f.timer == nil {
		f.timer = time.NewTimer(wait)
	} else {
		f.timer.Reset(wait)
	}
	select {
	case <-ctx.Done():
		return false
	case <-f.timer.C:
		return true
	}
}

func (f *fixedSource) release() {
	if f.timer != nil {
		f.timer.Stop()
	}
}

// EngineStats is a snapshot of the engine's state.
type EngineStats struct {
	// Running and Waiting count the sequences in the batch and in the queue.
	Running, Waiting int
	// KVUsedTokens is the number of tokens held in the KV cache (whole blocks);
	// KVTotalTokens its capacity.
	KVUsedTokens, KVTotalTokens int
	// Steps counts engine steps so far.
	Steps int64
	// BusyNS is the total time spent stepping, in nanoseconds.
	BusyNS int64
	// ActiveS is the steps' seconds weighted by their activity (power.go):
	// the energy above idle, in seconds at full load.
	ActiveS float64
	// Busy reports whether the engine is stepping now.
	Busy bool
	// PrefixQueries and PrefixHits count the prompt tokens looked up in the
	// prefix cache and those found cached (vLLM's prefix_cache_queries and
	// prefix_cache_hits; prefixcache.go).
	PrefixQueries, PrefixHits int64
	// BehindNS is how far the engine fell behind its own schedule, in
	// nanoseconds, summed over the steps that ended late (loop): time the
	// simulated GPU lost to the host, so its numbers read slower than its
	// profile. It only grows, and a stall is counted once the engine runs
	// again (a scrape during it sees it at the next scrape).
	BehindNS int64
}

// engine is the simulated continuous-batching server. It runs in real time
// (time.Now and timers, so a testing/synctest bubble makes it virtual): a
// goroutine steps while there is work and exits when idle.
type engine struct {
	gpu     GPUProfile
	model   ModelProfile
	tp      int
	fit     Fit
	maxSeqs int
	budget  int // tokens per step
	chunked bool
	over    time.Duration
	jitter  float64

	mu       sync.Mutex
	rng      *rand.Rand
	waiting  []*sequence
	running  []*sequence
	reserved int // KV tokens reserved by running sequences
	looping  bool
	steps    int64
	busyNS   int64
	busyFrom time.Time
	cache    *prefixCache // nil: no prefix caching
	activeS  float64      // Σ step activity × step length (s) of the steps ended (power.go)
	// The step under way: its activity and length (set by stepTime: the
	// time the engine waits for it), and when it began (set by loop). Its
	// activity counts as it runs, so a long prefill step draws power over
	// its whole length, not at once.
	stepAct  float64
	stepDur  time.Duration
	stepFrom time.Time
	// window is the span the simulated GPUs' power reading is the mean of:
	// the real GPU's of that name (gpu.PowerWindowOf), 1 s on Ampere
	// (except GA100) and newer, 0 (the draw at the instant) on GA100 and
	// older, so that a dcgm reader, which takes the span from the name,
	// reads the page rightly. A name gpu.PowerWindowOf does not know (the
	// mi300x profile's "AMD Instinct MI300X") is 0 there, so its page
	// reads as the draw at the instant too. recent holds the steps ended
	// within window of the last step's end, oldest first: the history the
	// reading needs (none where window is 0).
	window time.Duration
	recent []span
	// busyRecent are the engine's busy spans (loop's runs, at activity 1)
	// ended within utilWindow of the last one's end, oldest first: the
	// utilization's history.
	busyRecent []span
	// behindNS is the time lost to a busy host: Σ (now − scheduled end)
	// over the steps whose end had passed when the engine came to wait
	// for it (loop).
	behindNS int64
	// stall, when set (tests only), is called by loop after it schedules a
	// step of d and before it waits for the step's end: a test stalls the
	// engine goroutine there, as a busy host does, by a known amount.
	stall func(d time.Duration)
}

// sequence is one request inside the engine.
type sequence struct {
	prompt, maxOut int
	arrived        time.Time
	prefilled      int          // prompt tokens processed (engine goroutine only, under mu)
	generated      atomic.Int64 // tokens produced so far
	notify         chan struct{}
	cancelled      atomic.Bool
	reservation    int
	stepPrefill    int // prompt tokens scheduled in the current step
	stepDecode     bool
	px             *blockHasher // the prompt's block hashes; nil: not cacheable
}

// newEngine builds the engine of cfg.GPU (cfg.GPUs of them) serving
// cfg.Model, both looked up in the profiles.
func newEngine(cfg Config) (*engine, error) {
	g, err := LookupGPU(cfg.GPU)
	if err != nil {
		return nil, err
	}
	m, err := LookupModel(cfg.Model)
	if err != nil {
		return nil, err
	}
	fit, err := PlanFit(g, m, max(cfg.GPUs, 1))
	if err != nil {
		return nil, err
	}
	e := &engine{
		gpu: g, model: m, tp: max(cfg.GPUs, 1), fit: fit,
		maxSeqs: cfg.MaxSeqs, budget: cfg.MaxBatchedTokens, chunked: cfg.ChunkedPrefill,
		over: cfg.StepOverhead, jitter: cfg.StepJitter,
		rng:    rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Seed)^0x9e3779b97f4a7c15)),
		window: gpu.PowerWindowOf(0, 0, g.ModelName),
	}
	if e.maxSeqs == 0 {
		e.maxSeqs = DefaultMaxSeqs
	}
	if e.budget == 0 {
		e.budget = DefaultMaxBatchedTokens
	}
	if e.over == 0 {
		e.over = DefaultStepOverhead
	}
	if !cfg.NoPrefixCache {
		e.cache = newPrefixCache(fit.KVTokens)
	}
	return e, nil
}

// admissible reports whether a request of prompt + maxOut tokens can ever
// run: it must fit the context length and the whole KV cache.
func (e *engine) admissible(prompt, maxOut int) bool {
	n := prompt + maxOut
	return n <= e.model.MaxModelLen && roundBlock(n) <= e.fit.KVTokens
}

func roundBlock(n int) int { return (n + KVBlockTokens - 1) / KVBlockTokens * KVBlockTokens }

// submit queues a request and returns its token source; px, when set, is
// its prompt's block hashes, for the prefix cache.
func (e *engine) submit(prompt, maxOut int, px *blockHasher) *engineSource {
	s := &sequence{prompt: max(prompt, 1), maxOut: maxOut, arrived: time.Now(), notify: make(chan struct{}, 1), px: px}
	e.mu.Lock()
	e.waiting = append(e.waiting, s)
	if !e.looping {
		e.looping = true
		e.busyFrom = time.Now()
		go e.loop()
	}
	e.mu.Unlock()
	return &engineSource{seq: s}
}

// loop steps the engine until it has no work. Step ends are absolute times
// from one origin, so sleeping error does not accumulate: a timer that
// wakes late (on Linux routinely ~0.1 ms, up to 1–2 ms: docs/design.md,
// Pacing) delays one step's tokens, and the next step, still due at its
// scheduled end, is that much shorter. Only when a step's end has already
// passed by the time the engine comes to wait for it (the engine goroutine
// did not run for longer than the step: a busy host) does the schedule
// move: it restarts from now, without catching up in a burst, and the time
// lost (now − the step's scheduled end) is added to behindNS. Those
// seconds are gone for good — every later step ends that much later than
// the profile says — so all of them count, however small: timer lateness
// that the next step absorbs never reaches the sum, and the report judges
// the sum as a share of its window (report/metrics.go, Mock behind).
func (e *engine) loop() {
	next := time.Now()
	timer := time.NewTimer(0)
	<-timer.C
	defer timer.Stop()
	for {
		e.mu.Lock()
		batch, d := e.schedule()
		if len(batch) == 0 {
			e.looping = false
			now := time.Now()
			e.busyNS += now.Sub(e.busyFrom).Nanoseconds()
			e.busyRecent = keep(e.busyRecent, span{e.busyFrom, now, 1}, utilWindow)
			e.mu.Unlock()
			return
		}
		e.stepFrom = next
		e.mu.Unlock()
		next = next.Add(d)
		if e.stall != nil {
			e.stall(d)
		}
		var late time.Duration
		if now := time.Now(); now.Before(next) {
			timer.Reset(next.Sub(now))
			<-timer.C
		} else {
			late = now.Sub(next) // fell behind (a busy host): do not catch up in a burst
			next = now
		}
		e.mu.Lock()
		e.behindNS += late.Nanoseconds()
		e.activeS += e.stepAct * e.stepDur.Seconds()
		if e.window > 0 {
			e.recent = keep(e.recent, span{e.stepFrom, e.stepFrom.Add(e.stepDur), e.stepAct}, e.window)
		}
		e.stepAct, e.stepDur = 0, 0
		e.apply(batch)
		e.mu.Unlock()
	}
}

// schedule picks the sequences of the next step and its duration, under mu.
// Running sequences decode one token each; partly prefilled ones continue
// their prompt; then waiting ones are admitted in arrival order while the
// batch has room, the KV cache can reserve prompt + max output tokens, and
// the step's token budget lasts (without chunked prefill a prompt is
// prefilled whole, alone if it exceeds the budget).
func (e *engine) schedule() ([]*sequence, time.Duration) {
	e.dropCancelled()
	budget := e.budget
	var batch []*sequence
	var prefillTokens, prefillCtx, decodeSeqs, decodeCtx int
	for _, s := range e.running {
		s.stepPrefill, s.stepDecode = 0, false
		if s.prefilled == s.prompt {
			s.stepDecode = true
			budget--
			decodeSeqs++
			decodeCtx += s.prompt + int(s.generated.Load())
			batch = append(batch, s)
		}
	}
	for _, s := range e.running {
		if s.prefilled < s.prompt && budget > 0 {
			n := min(s.prompt-s.prefilled, budget)
			e.cacheScheduled(s, n)
			s.stepPrefill = n
			budget -= n
			prefillTokens += n
			prefillCtx += s.prefilled + n
			batch = append(batch, s)
		}
	}
	for len(e.waiting) > 0 && len(e.running) < e.maxSeqs {
		s := e.waiting[0]
		res := roundBlock(s.prompt + s.maxOut)
		if e.reserved+res > e.fit.KVTokens {
			break
		}
		var blocks []uint64
		if s.px != nil {
			blocks = s.px.blocks
		}
		cached := e.cache.match(blocks)
		skip := max(min(cached*KVBlockTokens, s.prompt-1), 0)
		n := s.prompt - skip
		if e.chunked {
			n = min(n, budget)
		} else if n > budget && len(batch) > 0 {
			break
		}
		if n <= 0 {
			break
		}
		e.waiting = e.waiting[1:]
		s.prefilled = e.cache.admit(blocks, cached, s.prompt)
		e.cacheScheduled(s, n)
		s.reservation = res
		e.reserved += res
		s.stepPrefill, s.stepDecode = n, false
		budget -= n
		prefillTokens += n
		prefillCtx += s.prefilled + n
		e.running = append(e.running, s)
		batch = append(batch, s)
	}
	if len(batch) == 0 {
		return nil, 0
	}
	return batch, e.stepTime(prefillTokens, prefillCtx, decodeSeqs, decodeCtx)
}

// cacheScheduled caches the prompt blocks that s's prefill of n more
// tokens this step completes, as it is scheduled: vLLM V1 commits a
// request's full blocks to the prefix cache when it allocates their slots
// (KVCacheManager.allocate_slots), before the step computes them, so a
// request scheduled after it, in the same step or a later one, finds them.
// Cached only once the prefill completed, a burst of requests sharing a
// prefix (a Mooncake trace's ten lines at one timestamp) missed what vLLM
// would have hit.
func (e *engine) cacheScheduled(s *sequence, n int) {
	if s.px == nil {
		return
	}
	e.cache.insert(s.px.blocks[:min(len(s.px.blocks), (s.prefilled+n)/KVBlockTokens)])
}

// stepTime is the roofline time of one step plus overheads:
//
//	compute = 2 · active params · tokens / (peak FLOP/s · n · ComputeEfficiency)
//	memory  = (weight bytes + KV bytes read) / (bandwidth · n · MemoryEfficiency)
//	time    = max(compute, memory) + step overhead + all-reduce time (n > 1)
//
// where tokens = prefill tokens + decoding sequences and the KV bytes read
// are those of every context the step attends over. With n GPUs in tensor
// parallel, each layer does two all-reduces of tokens · hidden · 2 bytes
// (ring: 2(n−1)/n of the data over the link).
func (e *engine) stepTime(prefillTokens, prefillCtx, decodeSeqs, decodeCtx int) time.Duration {
	n := float64(e.tp)
	tokens := float64(prefillTokens + decodeSeqs)
	compute := 2 * e.model.ActiveParams * tokens / (e.gpu.FLOPS * n * ComputeEfficiency)
	kv := float64(e.model.KVBytesPerToken()) * float64(decodeCtx+prefillCtx)
	memory := (e.model.WeightBytes() + kv) / (e.gpu.BandwidthBps * n * MemoryEfficiency)
	sec := max(compute, memory) + e.over.Seconds()
	if e.tp > 1 {
		bytes := tokens * float64(e.model.Hidden) * 2
		per := allReduceLatency.Seconds() + 2*(n-1)/n*bytes/e.gpu.LinkBps
		sec += 2 * float64(e.model.Layers) * per
	}
	if e.jitter > 0 {
		sec *= max(0.5, 1+e.jitter*e.rng.NormFloat64())
	}
	e.stepAct, e.stepDur = stepActivity(compute, memory, sec), time.Duration(math.Round(sec*1e9))
	return e.stepDur
}

// apply ends a step: decoding sequences and sequences whose prefill just
// completed each produce one token; finished sequences leave the batch.
func (e *engine) apply(batch []*sequence) {
	e.steps++
	for _, s := range batch {
		switch {
		case s.stepDecode:
			s.generated.Add(1)
		case s.stepPrefill > 0:
			s.prefilled += s.stepPrefill
			if s.prefilled == s.prompt {
				s.generated.Add(1) // its blocks were cached when scheduled (cacheScheduled)
			}
		}
		s.stepPrefill, s.stepDecode = 0, false
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
	kept := e.running[:0]
	for _, s := range e.running {
		if int(s.generated.Load()) >= s.maxOut || s.cancelled.Load() {
			e.reserved -= s.reservation
			if g := int(s.generated.Load()); s.px != nil && g >= s.maxOut {
				// Finished (the client may have let go already): the reply's
				// blocks, which a next turn resends.
				s.px.output(g)
				e.cache.insert(s.px.blocks)
			}
			continue
		}
		kept = append(kept, s)
	}
	clear(e.running[len(kept):])
	e.running = kept
}

// dropCancelled removes abandoned sequences and frees their KV reservation.
func (e *engine) dropCancelled() {
	kept := e.running[:0]
	for _, s := range e.running {
		if s.cancelled.Load() {
			e.reserved -= s.reservation
			continue
		}
		kept = append(kept, s)
	}
	clear(e.running[len(kept):])
	e.running = kept
	w := e.waiting[:0]
	for _, s := range e.waiting {
		if !s.cancelled.Load() {
			w = append(w, s)
		}
	}
	clear(e.waiting[len(w):])
	e.waiting = w
}

// stats returns a snapshot of the engine's state.
func (e *engine) stats() EngineStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.statsAt(time.Now())
}

// statsAt is the engine's state at now, under e.mu.
func (e *engine) statsAt(now time.Time) EngineStats {
	st := EngineStats{Running: len(e.running), Waiting: len(e.waiting), KVTotalTokens: e.fit.KVTokens, Steps: e.steps, BusyNS: e.busyNS, Busy: e.looping,
		ActiveS: e.activeAt(now), BehindNS: e.behindNS}
	for _, s := range e.running {
		st.KVUsedTokens += roundBlock(s.prefilled + int(s.generated.Load()))
	}
	if e.looping {
		st.BusyNS += now.Sub(e.busyFrom).Nanoseconds()
	}
	if e.cache != nil {
		st.PrefixQueries, st.PrefixHits = e.cache.queries, e.cache.hits
	}
	return st
}

// engineSource is the engine's tokenSource for one sequence.
type engineSource struct{ seq *sequence }

func (s *engineSource) ready(k int) bool { return int(s.seq.generated.Load()) > k }

func (s *engineSource) wait(ctx context.Context, k int) bool {
	for !s.ready(k) {
		select {
		case <-ctx.Done():
			return false
		case <-s.seq.notify:
		}
	}
	return ctx.Err() == nil
}

func (s *engineSource) release() { s.seq.cancelled.Store(true) }

// fixedPlan is when each token of one fixed-mode response is due: every due
// time derives from the one origin, so timer error does not accumulate.
type fixedPlan struct {
	origin    time.Time
	ttft, itl time.Duration
}

// due returns when token k (from 0) is due: origin + TTFT + k·ITL.
func (p fixedPlan) due(k int) time.Time {
	return p.origin.Add(p.ttft + time.Duration(k)*p.itl)
}
