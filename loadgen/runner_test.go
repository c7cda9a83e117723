package loadgen

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// fakeTarget streams in virtual time (inside a synctest bubble): a role
// chunk at once, then Tokens token events, the first after TTFT and the
// rest ITL apart, then a usage event. Err, when set, is returned instead.
type fakeTarget struct {
	TTFT, ITL time.Duration
	Tokens    int
	PerEvent  int // tokens per event the server reports (0: unknown)
	Usage     bool
	Err       func(id int64) error
	calls     atomic.Int64
	inflight  atomic.Int64
	peak      atomic.Int64
}

func (f *fakeTarget) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	id := f.calls.Add(1) - 1
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if f.Err != nil {
		if err := f.Err(id); err != nil {
			return targets.Final{}, err
		}
	}
	on(targets.Chunk{}) // role-only chunk: not a token
	sleep := func(d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	if err := sleep(f.TTFT); err != nil {
		return targets.Final{}, err
	}
	for i := range f.Tokens {
		if i > 0 {
			if err := sleep(f.ITL); err != nil {
				return targets.Final{}, err
			}
		}
		on(targets.Chunk{Content: "x", Tokens: f.PerEvent})
	}
	fin := targets.Final{FinishReason: "length"}
	if f.Usage {
		fin.Usage = &targets.Usage{PromptTokens: 7, CompletionTokens: f.Tokens * max(f.PerEvent, 1)}
		on(targets.Chunk{Usage: fin.Usage})
	}
	return fin, nil
}

// collect is a concurrency-safe sink.
type collect struct {
	mu   sync.Mutex
	recs []*rundir.Record
}

func (c *collect) add(r *rundir.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
	return nil
}

// baseRunner returns a runner of 4 workers, 20 requests after 2 warm-up,
// at level 4, with opts on top (a later option wins).
func baseRunner(t testing.TB, target targets.Target, opts ...Option) *Runner {
	t.Helper()
	base := []Option{Concurrency(4), Requests(20), Warmup(2), Level(4, 0)}
	r, err := New(target, Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run runs r to its end with one context for both stops.
func run(ctx context.Context, r *Runner, sink func(*rundir.Record) error) (Result, error) {
	return r.Run(ctx, ctx, time.Now(), sink)
}

// TestRunnerTimingExact: in virtual time a 50 ms TTFT, 10 ms ITL, 4-token
// stream must be recorded exactly, for every request and stage.
func TestRunnerTimingExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4, Usage: true}
		r := baseRunner(t, ft, Spread(AutoSpread))
		var c collect
		res, err := run(t.Context(), r, c.add)
		if err != nil {
			t.Fatal(err)
		}
		if res.Sent != 23 || len(c.recs) != 23 {
			t.Fatalf("sent %d, recorded %d; want 23 (probe + 2 warm-up + 20)", res.Sent, len(c.recs))
		}
		warm, measured := 0, 0
		for _, rec := range c.recs {
			switch rec.Stage {
			case rundir.StageProbe:
				if rec.ID != 22 {
					t.Errorf("probe has id %d; want 22, after the level's own 0–21", rec.ID)
				}
			case rundir.StageWarmup:
				warm++
				if rec.ID >= 2 {
					t.Errorf("record %d is warm-up; want only ids 0 and 1, as without the probe", rec.ID)
				}
			case rundir.StageMeasure:
				measured++
			}
			if !rec.OK || rec.ErrorClass != "" {
				t.Fatalf("record %d failed: %s %s", rec.ID, rec.ErrorClass, rec.Error)
			}
			if ttft, e2e := rec.FirstTokenNS-rec.SentNS, rec.EndNS-rec.SentNS; ttft != 50e6 || e2e != 80e6 {
				t.Errorf("record %d: ttft %d e2e %d; want 50ms and 80ms exactly", rec.ID, ttft, e2e)
			}
			if rec.FirstByteNS != rec.SentNS {
				t.Errorf("record %d: first byte %d; want the role chunk at send time %d", rec.ID, rec.FirstByteNS, rec.SentNS)
			}
			if rec.OutputTokens != 4 || rec.OutputTokensSource != rundir.SourceServer || rec.InputTokens != 7 || rec.InputTokensSource != rundir.SourceServer {
				t.Errorf("record %d: tokens %d/%s in %d/%s; want 4/server 7/server", rec.ID, rec.OutputTokens, rec.OutputTokensSource, rec.InputTokens, rec.InputTokensSource)
			}
			if len(rec.Chunks) != 4 || rec.Chunks[1][0]-rec.Chunks[0][0] != 10e6 {
				t.Errorf("record %d: chunks %v; want 4, 10ms apart", rec.ID, rec.Chunks)
			}
		}
		if warm != 2 || measured != 20 {
			t.Errorf("warm-up records = %d, measured %d; want 2 and 20 (the probe takes neither's place)", warm, measured)
		}
		// Auto spread: the probe took 80 ms, so workers start 20 ms apart.
		if res.Spread != 80*time.Millisecond {
			t.Errorf("spread = %v; want 80ms (the probe's duration)", res.Spread)
		}
		if p := ft.peak.Load(); p != 4 {
			t.Errorf("peak in-flight = %d; want the concurrency 4", p)
		}
	})
}

// TestRunnerSpreadsWorkerStarts: with AutoSpread, worker w's first request
// is scheduled at probe end + w·spread/N.
func TestRunnerSpreadsWorkerStarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4}
		r := baseRunner(t, ft, Spread(AutoSpread), Warmup(0), Requests(8))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		firstByWorker := map[int]int64{}
		for _, rec := range c.recs {
			if rec.Stage == rundir.StageProbe {
				continue
			}
			if _, ok := firstByWorker[rec.Worker]; !ok || rec.ScheduledNS < firstByWorker[rec.Worker] {
				firstByWorker[rec.Worker] = rec.ScheduledNS
			}
		}
		// Probe: 0–80 ms on worker 0; then worker 0 at 80, 1 at 100, 2 at 120, 3 at 140.
		want := map[int]int64{0: 80e6, 1: 100e6, 2: 120e6, 3: 140e6}
		for w, at := range want {
			if firstByWorker[w] != at {
				t.Errorf("worker %d first scheduled at %d ns; want %d", w, firstByWorker[w], at)
			}
		}
	})
}

// TestRunnerProbeWithoutCount: a level bounded by its duration alone has
// no id after its own; the probe takes its first id and the warm-up the
// next ones.
func TestRunnerProbeWithoutCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4}
		r := baseRunner(t, ft, Spread(AutoSpread), Requests(0), Warmup(2), Duration(time.Second), Level(4, 100))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		ids := map[uint64]bool{}
		for _, rec := range c.recs {
			if ids[rec.ID] {
				t.Errorf("id %d recorded twice", rec.ID)
			}
			ids[rec.ID] = true
			want := rundir.StageMeasure
			switch rec.ID {
			case 100:
				want = rundir.StageProbe
			case 101, 102:
				want = rundir.StageWarmup
			}
			if rec.Stage != want {
				t.Errorf("record %d: stage %s; want %s", rec.ID, rec.Stage, want)
			}
		}
	})
}

// TestRunnerAutoSpreadCapped: a probe that does not finish (a server far
// slower than the request timeout allows) is cut at MaxAutoSpread, the
// spread is MaxAutoSpread, never the request timeout, and the level still
// sends its full request count at its full concurrency (issue 20 item 18).
func TestRunnerAutoSpreadCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 30 * time.Second, ITL: time.Millisecond, Tokens: 2}
		r := baseRunner(t, ft, Spread(AutoSpread), Concurrency(2), Requests(2), Warmup(0), Timeout(90*time.Second))
		var c collect
		res, err := run(t.Context(), r, c.add)
		if err != nil {
			t.Fatal(err)
		}
		if res.Spread != MaxAutoSpread {
			t.Errorf("spread = %v; want the cap %v", res.Spread, MaxAutoSpread)
		}
		measured := 0
		for _, rec := range c.recs {
			if rec.Stage == rundir.StageProbe {
				if rec.ErrorClass != rundir.Timeout || rec.DoneNS-rec.SentNS != MaxAutoSpread.Nanoseconds() {
					t.Errorf("probe: %s after %d ns; want a timeout at the cap", rec.ErrorClass, rec.DoneNS-rec.SentNS)
				}
				continue
			}
			measured++
			if !rec.OK {
				t.Errorf("record %d failed: %s", rec.ID, rec.Error)
			}
		}
		if measured != 2 || ft.peak.Load() != 2 {
			t.Errorf("measured %d at peak concurrency %d; want 2 at 2", measured, ft.peak.Load())
		}
	})
}

// TestRunnerErrorsAreRecords: failures become records with their class and
// the run goes on; secrets are redacted from messages.
func TestRunnerErrorsAreRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Millisecond, ITL: time.Millisecond, Tokens: 2,
			Err: func(id int64) error {
				switch id % 4 {
				case 1:
					return &targets.HTTPError{Status: 429, RetryAfter: 2 * time.Second, Message: "slow down sk-secret-123"}
				case 2:
					return &targets.StreamError{Message: "engine died"}
				}
				return nil
			}}
		r := baseRunner(t, ft, Spread(0), Secrets("sk-secret-123"))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		classes := map[rundir.ErrorClass]int{}
		for _, rec := range c.recs {
			classes[rec.ErrorClass]++
			if rec.ErrorClass == rundir.RateLimited {
				if rec.Status != 429 || rec.RetryAfterMS != 2000 {
					t.Errorf("429 record: status %d retry %d; want 429, 2000", rec.Status, rec.RetryAfterMS)
				}
				if rec.Error != "http 429: slow down [REDACTED]" {
					t.Errorf("error = %q; want the key redacted", rec.Error)
				}
			}
		}
		if len(c.recs) != 22 || classes[rundir.RateLimited] == 0 || classes[rundir.StreamErr] == 0 || classes[""] == 0 {
			t.Errorf("records %d, classes %v; want 22 with ok, rate_limited and stream_error", len(c.recs), classes)
		}
	})
}

// TestRunnerTimeout: a stream that stalls past the per-request timeout is a
// timeout record, not a hang.
func TestRunnerTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Hour, Tokens: 1}
		r := baseRunner(t, ft, Spread(0), Requests(4), Warmup(0), Timeout(3*time.Second))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		for _, rec := range c.recs {
			if rec.ErrorClass != rundir.Timeout || rec.DoneNS-rec.SentNS != 3e9 {
				t.Errorf("record %d: class %q after %d ns; want timeout after 3s", rec.ID, rec.ErrorClass, rec.DoneNS-rec.SentNS)
			}
		}
	})
}

// TestRunnerCancel: cancelling the run records in-flight requests as
// canceled and returns the cause.
func TestRunnerCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Second, ITL: time.Second, Tokens: 100}
		r := baseRunner(t, ft, Spread(0), Requests(1000))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(10*time.Second, cancel)
		var c collect
		_, err := run(ctx, r, c.add)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v; want context.Canceled", err)
		}
		canceled := 0
		for _, rec := range c.recs {
			if rec.ErrorClass == rundir.Canceled {
				canceled++
			}
		}
		if canceled != 4 || len(c.recs) != 4 {
			t.Errorf("records %d, canceled %d; want the 4 in flight, canceled", len(c.recs), canceled)
		}
	})
}

// TestRunnerDuration: no request starts after Duration; in-flight ones finish.
func TestRunnerDuration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 6} // 100 ms each
		r := baseRunner(t, ft, Spread(0), Requests(0), Warmup(0), Duration(time.Second), Concurrency(2))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		// Each worker sends at 0, 100, …, 900 ms: 10 each.
		if len(c.recs) != 20 {
			t.Errorf("records = %d; want 20", len(c.recs))
		}
		for _, rec := range c.recs {
			if rec.SentNS >= 1e9 || !rec.OK {
				t.Errorf("record %d sent at %d ok %v", rec.ID, rec.SentNS, rec.OK)
			}
		}
	})
}

// TestRunnerSinkErrorStops: a failing sink (disk full) ends the run with its error.
func TestRunnerSinkErrorStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Millisecond, ITL: time.Millisecond, Tokens: 2}
		r := baseRunner(t, ft, Spread(0))
		boom := errors.New("disk full")
		_, err := run(t.Context(), r, func(*rundir.Record) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("Run = %v; want the sink's error", err)
		}
	})
}

func TestRunnerValidate(t *testing.T) {
	_, err := New(nil, Workload{}, Concurrency(0), Requests(-1), Timeout(-time.Second))
	if err == nil {
		t.Fatal("New with no target, no workload and bad settings succeeded")
	}
	for _, want := range []string{"target is required", "concurrency must be at least 1", "must not be negative", "model is required"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New: %v; want it to say %q", err, want)
		}
	}
}

// TestNoTokenIsProtocolError: a stream that ends cleanly without a token is a failure.
func TestNoTokenIsProtocolError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{Tokens: 0}
		r := baseRunner(t, ft, Spread(0), Requests(2), Warmup(0))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		for _, rec := range c.recs {
			if rec.OK || rec.ErrorClass != rundir.Protocol {
				t.Errorf("record %d: ok %v class %q; want protocol failure", rec.ID, rec.OK, rec.ErrorClass)
			}
		}
	})
}

// hiddenReasoning finishes at its length limit with 128 output tokens by
// its count and none streamed.
type hiddenReasoning struct{}

func (hiddenReasoning) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	u := &targets.Usage{PromptTokens: 9, CompletionTokens: 128}
	on(targets.Chunk{Usage: u})
	return targets.Final{FinishReason: "length", Usage: u}, nil
}

// TestNoTokenButCounted: a stream with no token whose server counted
// output tokens says why in its error: hidden reasoning used the budget.
func TestNoTokenButCounted(t *testing.T) {
	r := baseRunner(t, hiddenReasoning{}, Spread(0), Requests(1), Warmup(0), Concurrency(1))
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	rec := c.recs[0]
	if rec.OK || rec.ErrorClass != rundir.Protocol || rec.OutputTokens != 128 || rec.OutputTokensSource != rundir.SourceServer ||
		!strings.Contains(rec.Error, `counted 128 output tokens (finish reason "length"): hidden reasoning`) {
		t.Errorf("record: ok %v class %q tokens %d %s error %q", rec.OK, rec.ErrorClass, rec.OutputTokens, rec.OutputTokensSource, rec.Error)
	}
}

// TestRunnerRetries: with Retries 2, a request answered 429 (Retry-After
// 1 s) then 503 then 200 leaves two retried attempts and one success, sent
// after the server's hint and then the doubled backoff; without Retries the
// first failure is final.
func TestRunnerRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Millisecond, ITL: time.Millisecond, Tokens: 2,
			Err: func(call int64) error {
				switch call {
				case 0:
					return &targets.HTTPError{Status: 429, RetryAfter: time.Second}
				case 1:
					return &targets.HTTPError{Status: 503}
				}
				return nil
			}}
		r := baseRunner(t, ft, Spread(0), Concurrency(1), Requests(1), Warmup(0), Retries(2, 100*time.Millisecond))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if len(c.recs) != 3 {
			t.Fatalf("records = %d; want 3 attempts", len(c.recs))
		}
		a, b, ok := c.recs[0], c.recs[1], c.recs[2]
		if !a.Retried || a.Attempt != 0 || a.ErrorClass != rundir.RateLimited || !b.Retried || b.Attempt != 1 || b.ErrorClass != rundir.HTTP5xx {
			t.Errorf("attempts: %+v / %+v", a, b)
		}
		if !ok.OK || ok.Retried || ok.Attempt != 2 || ok.ID != a.ID {
			t.Errorf("final attempt: %+v", ok)
		}
		// 429 at 0 → wait max(100 ms, 1 s) → 503 at 1 s → wait 200 ms → 1.2 s.
		if b.SentNS != 1e9 || ok.SentNS != 1.2e9 || ok.ScheduledNS != 0 {
			t.Errorf("sent at %d and %d (scheduled %d); want 1s and 1.2s, scheduled 0", b.SentNS, ok.SentNS, ok.ScheduledNS)
		}
	})
}

// TestRunnerGrace: after the drain context ends, no request starts, and
// those in flight finish within the grace period; when the hard context
// ends too (a second Ctrl-C) they are cancelled at once.
func TestRunnerGrace(t *testing.T) {
	for _, abort := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			ft := &fakeTarget{TTFT: 100 * time.Millisecond, ITL: 100 * time.Millisecond, Tokens: 10} // 1 s each
			r := baseRunner(t, ft, Spread(0), Requests(1000), Warmup(0), Grace(2*time.Second))
			hard, cancelHard := context.WithCancel(t.Context())
			defer cancelHard()
			drain, cancel := context.WithCancel(hard)
			time.AfterFunc(2500*time.Millisecond, cancel) // mid-way through the third round
			if abort {
				time.AfterFunc(2600*time.Millisecond, cancelHard)
			}
			var c collect
			_, err := r.Run(hard, drain, time.Now(), c.add)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Run = %v; want canceled", err)
			}
			ok, canceled := 0, 0
			for _, rec := range c.recs {
				switch {
				case rec.OK:
					ok++
				case rec.ErrorClass == rundir.Canceled:
					canceled++
				}
				if rec.SentNS > 2500e6 {
					t.Errorf("record %d sent at %d ns, after the stop", rec.ID, rec.SentNS)
				}
			}
			wantOK, wantCanceled := 12, 0 // 4 workers × 3 rounds, the third finishing in grace
			if abort {
				wantOK, wantCanceled = 8, 4
			}
			if ok != wantOK || canceled != wantCanceled {
				t.Errorf("abort=%v: ok %d canceled %d; want %d and %d", abort, ok, canceled, wantOK, wantCanceled)
			}
		})
	}
}

// TestRetryAfterCapped: a 429 whose Retry-After asks for 100,000 s is
// retried after the request timeout (2 s here), not after a day; the
// server's value stays in the record.
func TestRetryAfterCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Millisecond, Tokens: 1, Err: func(id int64) error {
			if id == 0 {
				return &targets.HTTPError{Status: 429, RetryAfter: 100000 * time.Second}
			}
			return nil
		}}
		r := baseRunner(t, ft, Spread(0), Concurrency(1), Requests(1), Warmup(0), Retries(1, 0), Timeout(2*time.Second))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if len(c.recs) != 2 || !c.recs[0].Retried || c.recs[0].RetryAfterMS != 100000e3 || !c.recs[1].OK {
			t.Fatalf("records %+v; want a retried 429 recording Retry-After 100000 s, then a success", c.recs)
		}
		if gap := c.recs[1].SentNS - c.recs[0].DoneNS; gap != 2e9 {
			t.Errorf("retry sent %v after the 429; want the 2 s timeout cap", time.Duration(gap))
		}
	})
}

func TestRetryWait(t *testing.T) {
	for _, tt := range []struct {
		backoff    time.Duration
		attempt    int
		retryAfter time.Duration
		timeout    time.Duration
		want       time.Duration
	}{
		{500 * time.Millisecond, 0, 0, time.Minute, 500 * time.Millisecond},
		{500 * time.Millisecond, 2, 0, time.Minute, 2 * time.Second},
		{500 * time.Millisecond, 0, 3 * time.Second, time.Minute, 3 * time.Second},
		{500 * time.Millisecond, 0, 100000 * time.Second, 10 * time.Minute, MaxRetryWait},
		{500 * time.Millisecond, 0, 100000 * time.Second, 2 * time.Second, 2 * time.Second},
		{time.Second, 62, 0, time.Hour, MaxRetryWait}, // no overflow of the doubling
	} {
		if got := retryWait(tt.backoff, tt.attempt, tt.retryAfter, tt.timeout); got != tt.want {
			t.Errorf("retryWait(%v, %d, %v, %v) = %v; want %v", tt.backoff, tt.attempt, tt.retryAfter, tt.timeout, got, tt.want)
		}
	}
}

// burst streams n one-token events at once, with the server's count.
type burst struct{ n int }

func (b burst) Stream(_ context.Context, _ targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	for range b.n {
		on(targets.Chunk{Content: "x"})
	}
	return targets.Final{FinishReason: "length", Usage: &targets.Usage{PromptTokens: 3, CompletionTokens: b.n}}, nil
}

// TestHugeStreamFitsItsLine: a stream of more events than MaxChunks keeps
// MaxChunks entries, the last absorbing the rest, with exact totals; the
// record is written and read back whole (the reader's line limit holds).
func TestHugeStreamFitsItsLine(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1.5 million events")
	}
	n := rundir.MaxChunks + rundir.MaxChunks/2
	r, err := New(burst{n}, Workload{Model: "m", PromptTokens: 3, MaxTokens: n}, Requests(1))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, func(rec *rundir.Record) error { c.add(rec); return rw.Write(rec) }); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	rec := c.recs[0]
	var sum int64
	for _, ch := range rec.Chunks {
		sum += ch[1]
	}
	if len(rec.Chunks) != rundir.MaxChunks || sum != int64(n) || rec.ChunksCoalesced != int64(n-rundir.MaxChunks) || rec.OutputTokens != n {
		t.Errorf("%d entries of %d tokens, %d coalesced, %d output; want %d entries, %d tokens, %d coalesced",
			len(rec.Chunks), sum, rec.ChunksCoalesced, rec.OutputTokens, rundir.MaxChunks, n, n-rundir.MaxChunks)
	}
	if last := rec.Chunks[len(rec.Chunks)-1][0]; last != rec.EndNS {
		t.Errorf("last entry at %d, end at %d: the coalesced entry must carry the last event's time", last, rec.EndNS)
	}
	run, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for got, err := range run.Records() {
		if err != nil {
			t.Fatalf("reading the record back: %v", err)
		}
		if len(got.Chunks) != rundir.MaxChunks || got.ChunksCoalesced != rec.ChunksCoalesced {
			t.Errorf("read back %d entries, %d coalesced", len(got.Chunks), got.ChunksCoalesced)
		}
	}
}

// TestRunnerProbeIsTypical: with drawn lengths the probe asks for the
// workload's nominal ones (the scenario's means), not the draw for its id,
// so the spread does not depend on one random request (issue #22: a 168-
// or an 88-token probe moved a level's TTFT p95 from 0.35 to 1.64 s).
func TestRunnerProbeIsTypical(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4}
		w := Workload{Model: "m", PromptTokens: 512, MaxTokens: 128,
			Lengths: func(id uint64) (int, int) { return 256 + int(id%7)*64, 64 + int(id%5)*32 }}
		r, err := New(ft, w, Concurrency(2), Requests(6), Spread(AutoSpread))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		probes := 0
		for _, rec := range c.recs {
			if rec.Stage != rundir.StageProbe {
				continue
			}
			probes++
			if rec.RequestedInputTokens != 512 || rec.RequestedOutputTokens != 128 {
				t.Errorf("probe asked for %d in, %d out; want the nominal 512, 128", rec.RequestedInputTokens, rec.RequestedOutputTokens)
			}
		}
		if probes != 1 {
			t.Errorf("%d probes; want 1", probes)
		}
	})
}

// TestRunnerRedactsAsTheAdaptersDo: the recorded error hides every secret
// by targets.Redactor's rule, the adapters' own: a key of any length, and
// a secret that holds another (a URL's user info holding the key) whole,
// not the shorter one first with the rest of the longer left in the text.
func TestRunnerRedactsAsTheAdaptersDo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: time.Millisecond, ITL: time.Millisecond, Tokens: 2,
			Err: func(int64) error {
				return &targets.HTTPError{Status: 401, Message: "bad key k9z; user tok-1234:extra rejected"}
			}}
		r := baseRunner(t, ft, Spread(0), Secrets("k9z", "tok-1234", "tok-1234:extra"))
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if len(c.recs) == 0 {
			t.Fatal("no records")
		}
		for _, rec := range c.recs {
			if want := "http 401: bad key [REDACTED]; user [REDACTED] rejected"; rec.Error != want {
				t.Fatalf("error = %q; want %q", rec.Error, want)
			}
		}
	})
}

// TestEndlessStreamIsBoundedByItsAsk: a request asking for 16 tokens whose
// server streams 20,000 events (it ignores the cap) keeps MinChunksKept
// entries, the last absorbing the rest, with exact totals; it kept every
// event up to rundir.MaxChunks, a million, about 40 MB a stream. One asking
// for 3,000 keeps 6,000; one asking for more than half a million keeps
// rundir.MaxChunks (TestHugeStreamFitsItsLine).
func TestEndlessStreamIsBoundedByItsAsk(t *testing.T) {
	for _, c := range []struct{ ask, events, keep int }{
		{16, 20000, MinChunksKept},
		{3000, 20000, 6000},
		{3000, 5000, 5000},
	} {
		r, err := New(burst{c.events}, Workload{Model: "m", PromptTokens: 3, MaxTokens: c.ask}, Requests(1))
		if err != nil {
			t.Fatal(err)
		}
		var col collect
		if _, err := run(t.Context(), r, func(rec *rundir.Record) error { col.add(rec); return nil }); err != nil {
			t.Fatal(err)
		}
		rec := col.recs[0]
		var sum int64
		for _, ch := range rec.Chunks {
			sum += ch[1]
		}
		if len(rec.Chunks) != c.keep || sum != int64(c.events) || rec.ChunksCoalesced != int64(c.events-c.keep) {
			t.Errorf("ask %d, %d events: %d entries of %d tokens, %d coalesced; want %d entries, %d tokens, %d coalesced",
				c.ask, c.events, len(rec.Chunks), sum, rec.ChunksCoalesced, c.keep, c.events, c.events-c.keep)
		}
		if last := rec.Chunks[len(rec.Chunks)-1][0]; last != rec.EndNS {
			t.Errorf("ask %d: last entry at %d, end at %d", c.ask, last, rec.EndNS)
		}
	}
}
