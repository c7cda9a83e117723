package loadgen

import (
	"math"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestArrivalsMoments: over 200k gaps, each process has the mean gap 1/rate
// and the coefficient of variation it promises (constant 0, Poisson 1,
// gamma with shape k 1/√k).
func TestArrivalsMoments(t *testing.T) {
	const rate, n = 50.0, 200_000
	tests := []struct {
		kind  Arrival
		shape float64
		cv    float64
	}{
		{ArrivalConstant, 0, 0},
		{ArrivalPoisson, 0, 1},
		{ArrivalGamma, 1, 1},
		{ArrivalGamma, 0.25, 2},
		{ArrivalGamma, 4, 0.5},
	}
	for _, tt := range tests {
		a, err := NewArrivals(tt.kind, rate, tt.shape, 0, 7)
		if err != nil {
			t.Fatal(err)
		}
		var prev time.Duration
		var sum, sumsq float64
		for i := range n {
			at := a.Next()
			if i > 0 || tt.kind != ArrivalConstant {
				g := (at - prev).Seconds()
				sum += g
				sumsq += g * g
			}
			prev = at
		}
		cnt := float64(n)
		if tt.kind == ArrivalConstant {
			cnt = n - 1
		}
		mean := sum / cnt
		cv := math.Sqrt(max(sumsq/cnt-mean*mean, 0)) / mean
		if math.Abs(mean*rate-1) > 0.01 {
			t.Errorf("%s(%g): mean gap %.5f s; want %.5f ± 1%%", tt.kind, tt.shape, mean, 1/rate)
		}
		if math.Abs(cv-tt.cv) > 0.03*math.Max(tt.cv, 1) {
			t.Errorf("%s(%g): CV %.3f; want %.3f", tt.kind, tt.shape, cv, tt.cv)
		}
	}
}

// TestArrivalsRampAndSeed: a 10/s constant schedule with a 2 s ramp has
// Λ(2 s) = 10·2/2 = 10 arrivals in the ramp, then 10 per second; the same
// seed gives the same schedule.
func TestArrivalsRampAndSeed(t *testing.T) {
	a, _ := NewArrivals(ArrivalConstant, 10, 0, 2*time.Second, 1)
	var in2, in3 int
	for {
		at := a.Next()
		if at >= 3*time.Second {
			break
		}
		if at < 2*time.Second {
			in2++
		}
		in3++
	}
	if in2 != 10 || in3 != 20 {
		t.Errorf("arrivals before 2 s = %d, before 3 s = %d; want 10 and 20", in2, in3)
	}
	x, _ := NewArrivals(ArrivalGamma, 10, 0.5, 0, 42)
	y, _ := NewArrivals(ArrivalGamma, 10, 0.5, 0, 42)
	for range 100 {
		if x.Next() != y.Next() {
			t.Fatal("same seed, different schedules")
		}
	}
	for _, bad := range []struct {
		kind  Arrival
		rate  float64
		shape float64
	}{{ArrivalPoisson, 0, 0}, {ArrivalPoisson, -1, 0}, {ArrivalGamma, 1, 0}, {"zipf", 1, 1}} {
		if _, err := NewArrivals(bad.kind, bad.rate, bad.shape, 0, 1); err == nil {
			t.Errorf("NewArrivals(%v) succeeded", bad)
		}
	}
}

// TestOpenLoopSendsOnSchedule: in virtual time, a constant 20/s schedule for
// 1 s sends 20 requests exactly 50 ms apart, each with sent = scheduled,
// whatever the server's latency (here longer than the gap).
func TestOpenLoopSendsOnSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 300 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4}
		recs := runByID(t, ft, Workload{Model: "m", PromptTokens: 4, MaxTokens: 4},
			Rate(20, ArrivalConstant, 0), Duration(time.Second), Level(20, 100))
		if len(recs) != 20 {
			t.Fatalf("records = %d; want 20", len(recs))
		}
		for i, rec := range recs {
			if rec.ID != uint64(100+i) || rec.ScheduledNS != int64(i)*50e6 || rec.SentNS != rec.ScheduledNS || !rec.OK {
				t.Errorf("record %d: id %d scheduled %d sent %d ok %v; want id %d at %d ms", i, rec.ID, rec.ScheduledNS, rec.SentNS, rec.OK, 100+i, i*50)
			}
		}
		if p := ft.peak.Load(); p < 6 {
			t.Errorf("peak in flight = %d; open loop must not wait for responses", p)
		}
	})
}

// TestOpenLoopCapShowsAsLag: with at most one request in flight and 100 ms
// requests due every 50 ms, request k waits k·50 ms: its due time stays, and
// the wait shows as send lag.
func TestOpenLoopCapShowsAsLag(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 70 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4} // 100 ms
		recs := runByID(t, ft, Workload{Model: "m", PromptTokens: 4, MaxTokens: 4},
			Rate(20, ArrivalConstant, 0), Requests(5), MaxConcurrency(1))
		for k, rec := range recs {
			lag := rec.SentNS - rec.ScheduledNS
			if rec.ScheduledNS != int64(k)*50e6 || lag != int64(k)*50e6 {
				t.Errorf("request %d: scheduled %d ns, lag %d ns; want %d and %d", k, rec.ScheduledNS, lag, k*50e6, k*50e6)
			}
		}
		if p := ft.peak.Load(); p != 1 {
			t.Errorf("peak in flight = %d; want the cap 1", p)
		}
	})
}

// TestTraceReplay: requests go out at the trace's offsets with its lengths.
func TestTraceReplay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, Tokens: 2}
		trace := []TraceArrival{{0, 10, 2}, {30 * time.Millisecond, 20, 3}, {35 * time.Millisecond, 30, 4}}
		for i, rec := range replayTrace(t, ft, Workload{Model: "m", PromptTokens: 1, MaxTokens: 1}, trace) {
			if rec.ScheduledNS != trace[i].Offset.Nanoseconds() || rec.InputTokens != trace[i].PromptTokens {
				t.Errorf("record %d: scheduled %d input %d; want %d, %d", i, rec.ScheduledNS, rec.InputTokens, trace[i].Offset, trace[i].PromptTokens)
			}
		}
	})
}

// runByID runs a level of w with opts against ft and returns its records
// in id order.
func runByID(t *testing.T, ft *fakeTarget, w Workload, opts ...Option) []*rundir.Record {
	t.Helper()
	r, err := New(ft, w, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(c.recs, func(a, b *rundir.Record) int { return int(a.ID) - int(b.ID) })
	return c.recs
}

// replayTrace replays trace with w against ft and returns its records by
// id, one a line of the trace.
func replayTrace(t *testing.T, ft *fakeTarget, w Workload, trace []TraceArrival) []*rundir.Record {
	t.Helper()
	recs := runByID(t, ft, w, Trace(trace))
	if len(recs) != len(trace) {
		t.Fatalf("records = %d; want %d", len(recs), len(trace))
	}
	return recs
}

// TestTraceBurstBuiltAhead: a trace's bursts go out at once though each
// request takes 20 ms to build (a long prompt counted by the server). The
// first 100 requests, all due at the level's start, are built before its
// window starts (built after, the k-th left 20·k ms late; with buildAhead
// built, the 65th to 100th left 20–720 ms late); the burst of five due 2 s
// later is built while the level waits for it (built one after the other
// when due, and each twice, its fifth left 160 ms late).
func TestTraceBurstBuiltAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, Tokens: 2}
		const first = buildAhead + 36
		var trace []TraceArrival
		for range first {
			trace = append(trace, TraceArrival{0, 10, 2})
		}
		for range 5 {
			trace = append(trace, TraceArrival{2 * time.Second, 10, 2})
		}
		var builds atomic.Int64
		slow := func(id uint64, n int) (string, int, bool) {
			builds.Add(1)
			time.Sleep(20 * time.Millisecond)
			return "p", n, false
		}
		recs := replayTrace(t, ft, Workload{Model: "m", PromptTokens: 1, MaxTokens: 1, Synth: slow}, trace)
		// Each prompt is built once, at the trace's length (it was built at
		// the workload's first, then again).
		if n := builds.Load(); n != int64(len(trace)) {
			t.Errorf("%d prompts built for %d requests", n, len(trace))
		}
		// The window starts once the first 100 are built: 2 s of builds.
		origin := recs[0].ScheduledNS
		if want := int64(first) * 20e6; origin != want {
			t.Errorf("window started %.0f ms into the level; want %d ms", float64(origin)/1e6, want/1e6)
		}
		for i, rec := range recs {
			if lag := rec.SentNS - rec.ScheduledNS; rec.ScheduledNS-origin != trace[i].Offset.Nanoseconds() || lag != 0 {
				t.Errorf("request %d: due %.0f ms into the window (want %d), sent %.0f ms late; want on time", i, float64(rec.ScheduledNS-origin)/1e6, trace[i].Offset.Milliseconds(), float64(lag)/1e6)
			}
		}
	})
}

// TestBurstAhead: the open loop builds a trace's largest burst ahead, at
// least buildAhead and at most maxBuildAhead.
func TestBurstAhead(t *testing.T) {
	lines := func(bursts ...int) []TraceArrival {
		var trace []TraceArrival
		for i, n := range bursts {
			for range n {
				trace = append(trace, TraceArrival{Offset: time.Duration(i) * time.Second})
			}
		}
		return trace
	}
	for _, c := range []struct {
		trace []TraceArrival
		want  int
	}{
		{nil, buildAhead},
		{lines(3, 10, 2), buildAhead},
		{lines(3, 100, 2), 100},
		{lines(70, 1, 90), 90},
		{lines(1, maxBuildAhead+5), maxBuildAhead},
	} {
		if got := burstAhead(c.trace); got != c.want {
			t.Errorf("burstAhead of %d lines = %d; want %d", len(c.trace), got, c.want)
		}
	}
}

// TestScheduleNormalized: a bounded random schedule realizes the target
// rate exactly in count, keeps its gaps' shape, and respects both bounds.
func TestScheduleNormalized(t *testing.T) {
	for _, tt := range []struct {
		kind  Arrival
		shape float64
		cv    float64
	}{{ArrivalPoisson, 0, 1}, {ArrivalGamma, 0.5, math.Sqrt2}, {ArrivalConstant, 0, 0}} {
		a, _ := NewArrivals(tt.kind, 500, tt.shape, 0, 3)
		due := a.Schedule(0, 10*time.Second)
		if len(due) != 5000 {
			t.Errorf("%s: %d arrivals in 10 s at 500/s; want 5000", tt.kind, len(due))
		}
		if !slices.IsSorted(due) || due[len(due)-1] >= 10*time.Second || due[0] < 0 {
			t.Errorf("%s: schedule not sorted within [0, 10 s): first %v last %v", tt.kind, due[0], due[len(due)-1])
		}
		var sum, sumsq float64
		for i := 1; i < len(due); i++ {
			g := (due[i] - due[i-1]).Seconds()
			sum += g
			sumsq += g * g
		}
		n := float64(len(due) - 1)
		mean := sum / n
		cv := math.Sqrt(max(sumsq/n-mean*mean, 0)) / mean
		if math.Abs(cv-tt.cv) > 0.06*math.Max(tt.cv, 1) {
			t.Errorf("%s: gap CV %.3f; want %.3f", tt.kind, cv, tt.cv)
		}
		// Count-bounded: 100 requests, no horizon.
		b, _ := NewArrivals(tt.kind, 500, tt.shape, 0, 3)
		if got := len(b.Schedule(100, 0)); got != 100 {
			t.Errorf("%s: Schedule(100, 0) gave %d arrivals", tt.kind, got)
		}
		// Both bounds: the count limit wins when it is lower.
		c, _ := NewArrivals(tt.kind, 500, tt.shape, 0, 3)
		if got := c.Schedule(50, 10*time.Second); len(got) != 50 || got[49] > time.Second {
			t.Errorf("%s: Schedule(50, 10s) gave %d arrivals ending %v; want 50 within ~0.1 s", tt.kind, len(got), got[len(got)-1])
		}
	}
}

// TestArrivalsPastDurationRange: a rate so low that its due times pass
// what a time.Duration holds (292 years) gives due times that saturate; the
// conversion wrapped them to about −292 years, so `run --rate 1e-300`
// recorded scheduled_ns of −9.2e18 and sent every request at once.
func TestArrivalsPastDurationRange(t *testing.T) {
	for _, kind := range []Arrival{ArrivalConstant, ArrivalPoisson, ArrivalGamma} {
		a, err := NewArrivals(kind, 1e-300, 1, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		prev := time.Duration(-1)
		for i, at := range a.Schedule(3, 0) {
			if at < prev || (i > 0 && at != math.MaxInt64) {
				t.Errorf("%s: due time %d is %v after %v; want non-decreasing, past the first saturated", kind, i, at, prev)
			}
			prev = at
		}
	}
}

// TestScheduleOfZeroGaps: a gamma shape so small that every draw is exactly
// 0 leaves the gaps no time scale; the schedule spreads its window evenly
// (5 requests at 10 req/s: 6 gaps of 100 ms) instead of putting every due
// time 292 years out, as scaling 0/0 did.
func TestScheduleOfZeroGaps(t *testing.T) {
	a, err := NewArrivals(ArrivalGamma, 10, 1e-10, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := a.Schedule(5, 0)
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 400 * time.Millisecond, 500 * time.Millisecond}
	if len(got) != len(want) {
		t.Fatalf("schedule = %v; want %v", got, want)
	}
	for i := range got {
		if d := got[i] - want[i]; d < -time.Microsecond || d > time.Microsecond {
			t.Fatalf("schedule = %v; want %v", got, want)
		}
	}
}

// TestTimedOpenLevelLastsItsDuration: a timed open-loop level whose
// schedule runs out early — here it holds no request at all (0.001 req/s
// over 2 s expects 0.002) — still lasts its duration, as a closed loop's
// does; it returned at once.
func TestTimedOpenLevelLastsItsDuration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 10 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 2}
		r, err := New(ft, Workload{Model: "m", PromptTokens: 4, MaxTokens: 2},
			Rate(0.001, ArrivalPoisson, 1), Duration(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		start := time.Now()
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 2*time.Second || len(c.recs) != 0 {
			t.Errorf("level lasted %v with %d records; want 2s and none", d, len(c.recs))
		}
	})
}

// TestBurstLaunchedWithoutYield: the scheduler yields its P after starting
// requests only when it is about to wait for the next one, not between the
// requests of a burst, all due at once: a yield put it at the back of the
// global run queue, behind every stream being read, once per request (on
// one core a burst of ten went out up to 36 ms late).
func TestBurstLaunchedWithoutYield(t *testing.T) {
	var yields atomic.Int64
	defer func(y func()) { yield = y }(yield)
	yield = func() { yields.Add(1) }
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, Tokens: 2}
		var trace []TraceArrival
		for _, at := range []time.Duration{0, 0, 0, 0, 0, 100 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond} {
			trace = append(trace, TraceArrival{at, 10, 2})
		}
		replayTrace(t, ft, Workload{Model: "m", PromptTokens: 1, MaxTokens: 1}, trace)
	})
	// Once before the wait for 100 ms, once before the wait for 200 ms.
	if n := yields.Load(); n != 2 {
		t.Errorf("%d yields for three bursts; want 2 (one before each wait)", n)
	}
}
