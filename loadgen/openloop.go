package loadgen

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// TraceArrival is one request of a recorded trace: when it arrived (offset
// from the trace's start, already scaled) and its lengths in tokens.
type TraceArrival struct {
	Offset       time.Duration
	PromptTokens int
	OutputTokens int
}

// buildAhead is how many requests the open loop keeps built ahead of the
// one due next: a burst of arrivals at one instant (a Mooncake trace's
// lines come ten at a time, up to 28) then goes out at once. Built one
// after the other when due (and a trace's twice), the first 300 lines of
// Mooncake's conversation trace, prompts counted by the mock's tokenize
// endpoint on a 2-core machine, went out 244 ms late at p99; 7–10 ms now
// (docs/workloads.md).
const buildAhead = 64

// maxBuildAhead bounds how far ahead a trace's largest burst makes the
// builder go (burstAhead): 4,096 prompts of 8,000 tokens are about 128 MB.
const maxBuildAhead = 4096

// burstAhead is how many requests the open loop builds ahead of the lines
// of a trace it sends: buildAhead, or more where more of them share one
// timestamp, up to maxBuildAhead. A burst larger than what was built ahead
// went out as fast as the builder made the rest: where a build is slow (a
// long prompt counted by the server's tokenize endpoint), the 65th to
// 100th requests of a 100-line burst, 20 ms a build, left 20–720 ms late
// (TestTraceBurstBuiltAhead). Where builds are cheap it changes little:
// calibrate's 1,000-request burst of 16-token prompts was last sent
// 200–226 ms late with 64 built ahead, 127–222 ms with all of it (four
// runs each, 2 cores): the sends themselves are the cost there.
func burstAhead(trace []TraceArrival) int {
	most, run := 0, 0
	for i := range trace {
		if i > 0 && trace[i].Offset == trace[i-1].Offset {
			run++
		} else {
			run = 1
		}
		most = max(most, run)
	}
	return min(max(buildAhead, most), maxBuildAhead)
}

// yield is runtime.Gosched; a test counts the calls.
var yield = runtime.Gosched

// arrival is one request of the open loop's schedule, built.
type arrival struct {
	off   time.Duration // due, from the level's origin
	id    uint64
	req   targets.Request
	estIn int
	inSrc rundir.TokenSource
}

// runOpen sends requests at the due times of the arrival schedule (or the
// trace). A builder goroutine makes the requests in order, up to
// buildAhead before the one due; one scheduler goroutine sleeps until each
// due time — absolute times from one origin, so lateness never accumulates
// — and hands the request to a new goroutine; when it is behind it sends at
// once, never skipping or re-timing a request (no coordinated omission).
// scheduled_ns is always the due time; sent_ns when it was really sent.
func (lv *level) runOpen(ctx context.Context, cancel context.CancelCauseFunc) (Result, error) {
	r := lv.r
	c := &r.c
	var next func() (time.Duration, int, int, bool)
	if c.trace != nil {
		i := 0
		next = func() (time.Duration, int, int, bool) {
			if i >= len(c.trace) {
				return 0, 0, 0, false
			}
			e := c.trace[i]
			i++
			return e.Offset, e.PromptTokens, e.OutputTokens, true
		}
	} else {
		due, err := c.schedule(ctx)
		if err != nil {
			return Result{}, err
		}
		next = func() (time.Duration, int, int, bool) {
			at, ok := due.Next()
			return at, -1, -1, ok
		}
	}
	var sem *semaphore.Weighted
	if c.maxConcurrency > 0 {
		sem = semaphore.NewWeighted(int64(c.maxConcurrency))
	}
	limit := uint64(c.warmup) + uint64(c.requests)
	var (
		wg   sync.WaitGroup
		sent atomic.Int64
	)
	pace := newPacer()
	defer pace.stop()
	room := buildAhead
	if lines := c.trace; lines != nil {
		if c.requests > 0 {
			lines = lines[:min(uint64(len(lines)), limit)]
		}
		room = burstAhead(lines)
	}
	ahead := make(chan arrival, room)
	// primed closes once the first room requests are built (or all of
	// them, if fewer): the window starts then, so a burst due at its
	// very start goes out at once too. Built after the window started, the
	// ten lines at the conversation trace's first timestamp went out one
	// build apart, the last 40–43 ms late (server sizing, 2 cores); now
	// 1–2 ms (docs/workloads.md).
	primed := make(chan struct{})
	bctx, stopBuilding := context.WithCancel(ctx)
	var builder sync.WaitGroup
	defer builder.Wait()
	defer stopBuilding()
	builder.Go(func() {
		defer close(ahead)
		var prime sync.Once
		defer prime.Do(func() { close(primed) })
		for n := uint64(0); c.requests == 0 || n < limit; n++ {
			if n == uint64(room) {
				prime.Do(func() { close(primed) })
			}
			off, promptTok, outTok, ok := next()
			if !ok || (c.duration > 0 && off >= c.duration) {
				return
			}
			a := arrival{off: off, id: c.firstID + n}
			if promptTok >= 0 {
				// A trace entry's lengths. The request is built once: built
				// first at the workload's lengths too, a trace's prompt was
				// counted twice and its prompt built ahead thrown away.
				a.req, a.estIn, a.inSrc = r.workload.RequestWith(a.id, promptTok, outTok)
			} else {
				a.req, a.estIn, a.inSrc = r.workload.Request(a.id)
			}
			select {
			case ahead <- a:
			case <-bctx.Done():
				return
			}
		}
	})
	select {
	case <-primed:
	case <-ctx.Done():
	}
	base, baseNS := lv.startWindow()
	n := uint64(0)
	for a := range ahead {
		if n > 0 && time.Until(base.Add(a.off)) > 0 {
			// Let the goroutines just started run now, on this P, instead
			// of sitting in its run queue while this goroutine blocks in
			// the pacer's nanosleep (a P in a syscall is handed on only
			// when sysmon notices, up to 10 ms later). Measured by
			// calibrate at 2,000 req/s Poisson: send lag p99 1.53 →
			// 0.65 ms. Not between the requests of a burst, all due now:
			// each yield sent this goroutine to the back of the global run
			// queue, behind every stream being read: on one core, the
			// first 300 lines of the conversation trace at 4× went out
			// 18–36 ms late at p99, 7–8 ms without (docs/design.md).
			yield()
		}
		if err := pace.wait(ctx, base.Add(a.off)); err != nil {
			wg.Wait()
			return Result{Sent: sent.Load()}, err
		}
		if sem != nil {
			if err := sem.Acquire(ctx, 1); err != nil {
				break
			}
		}
		n++
		due := baseNS + a.off.Nanoseconds()
		wg.Go(func() {
			if sem != nil {
				defer sem.Release(1)
			}
			_, err := lv.sendAll(job{id: a.id, scheduledNS: due, req: a.req, estIn: a.estIn, inSrc: a.inSrc})
			sent.Add(1)
			if err != nil {
				cancel(fmt.Errorf("write record: %w", err))
			}
		})
	}
	if c.duration > 0 && (c.requests == 0 || n < limit) {
		// The schedule ran out before the level's duration did: its last
		// arrival fell short of the end, or it held none (a shard's share
		// of a slow rate). The level still lasts its duration, as a closed
		// loop's does; it ended at once instead, and the next level started
		// early. (Its measured window is still its first send to its last
		// completion, docs/design.md; this is the level's wall-clock span.)
		_ = pace.wait(ctx, base.Add(c.duration)) // a cancel is the cause below
	}
	wg.Wait()
	return Result{Sent: sent.Load()}, context.Cause(ctx)
}
