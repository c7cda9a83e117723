package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// mockDur is a request's send→done on the fixed-timing mock with its
// defaults and 64 tokens: 50 ms to the first token, then 63 × 10 ms.
const mockDur = 680 * ms

// openLevel is the records an open level of fixed-timing requests of d ns,
// sent at sends (ns), gives: every request on worker 0, scheduled at its
// send, in the order of their completion (requests.jsonl's).
func openLevel(level float64, sends []int64, d int64) []*rundir.Record {
	recs := make([]*rundir.Record, len(sends))
	for i, s := range sends {
		recs[i] = &rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: level, Worker: 0, OK: true,
			ScheduledNS: s, SentNS: s, FirstTokenNS: s + 50*ms, EndNS: s + d, DoneNS: s + d, OutputTokens: 64, InputTokens: 100,
			Chunks: [][2]int64{{s + 50*ms, 1}, {s + d, 63}}}
	}
	slices.SortStableFunc(recs, func(a, b *rundir.Record) int { return int(a.DoneNS - b.DoneNS) })
	return recs
}

// summarizeOne summarizes records of one level.
func summarizeOne(t *testing.T, recs []*rundir.Record) Level {
	t.Helper()
	s := NewSummarizer(SLO{})
	for _, r := range recs {
		s.Add(r)
	}
	sum := s.Close()
	if len(sum.Levels) != 1 {
		t.Fatalf("%d levels; want 1", len(sum.Levels))
	}
	return sum.Levels[0]
}

// TestOpenLevelFillLeftOut: an open level of 20 req/s, constant arrivals,
// stopped at 50 requests, on the fixed-timing mock (0.68 s and 64 tokens a
// request, all served at once): the server delivers 20 × 64 = 1,280 output
// tokens/s once it holds 13.6 requests, 0.68 s after the first send. The
// steady state starts at the first send from then (0.70 s) and reads 1,280
// and 20 req/s. Started at the first send, with the server empty, it read
// 1,115 tok/s (0.87), as the binary did on the mock (0.871).
func TestOpenLevelFillLeftOut(t *testing.T) {
	const rate = 20.0
	sends := make([]int64, 50)
	for i := range sends {
		sends[i] = int64(i) * 50 * ms
	}
	l := summarizeOne(t, openLevel(rate, sends, mockDur))
	if l.Steady == nil {
		t.Fatal("no steady state")
	}
	truth := rate * 64
	if math.Abs(l.OutputTokensPerS/truth-1) > 0.02 || math.Abs(l.RequestsPerS/rate-1) > 0.02 {
		t.Errorf("%.1f output tok/s, %.2f req/s; want %g and %g within 2 %%: the fill was counted in", l.OutputTokensPerS, l.RequestsPerS, truth, rate)
	}
	if !near(l.Steady.RampS, 0.7) || !near(l.Steady.WindowS, 2.45-0.7) {
		t.Errorf("ramp %v s, steady %v s; want 0.7 (the first send 0.68 s in) and 1.75", l.Steady.RampS, l.Steady.WindowS)
	}
}

// TestOpenLevelFillPoisson: the same level with Poisson arrivals at 20
// req/s, 50 requests, over 400 seeds: the steady state's output tokens/s
// averages the long-run 1,280 within 3 % (each level's own is off by its
// arrivals' count, about ±17 % over its 35 arrivals). From the first send
// it averaged 0.866 of it (0.992 now; 0.999 at 200 requests).
func TestOpenLevelFillPoisson(t *testing.T) {
	const rate, levels = 20.0, 400
	var sum float64
	n := 0
	for seed := range uint64(levels) {
		r := rand.New(rand.NewPCG(seed, 7))
		sends := make([]int64, 50)
		at := 0.0
		for i := range sends {
			sends[i] = int64(at * 1e9)
			at += r.ExpFloat64() / rate
		}
		l := summarizeOne(t, openLevel(rate, sends, mockDur))
		if l.Steady == nil {
			continue // shorter than two requests' durations: no steady state
		}
		sum += l.OutputTokensPerS / (rate * 64)
		n++
	}
	if n < levels*9/10 {
		t.Fatalf("%d of %d levels have a steady state", n, levels)
	}
	mean := sum / float64(n)
	t.Logf("%d of %d levels with a steady state; output tok/s %.3f of the long-run rate on average", n, levels, mean)
	if math.Abs(mean-1) > 0.03 {
		t.Errorf("steady output tok/s averages %.3f of the long-run rate over %d levels; want 1 within 3 %%", mean, n)
	}
}

// TestOpenLevelWithoutOverlap: an open level whose requests never overlap
// (2 req/s of 0.2 s) has at most one in flight and no fill: its steady state
// starts at its first send, as before, and reads 2 req/s exactly.
func TestOpenLevelWithoutOverlap(t *testing.T) {
	sends := make([]int64, 20)
	for i := range sends {
		sends[i] = int64(i) * 500 * ms
	}
	l := summarizeOne(t, openLevel(2, sends, 200*ms))
	if l.Steady == nil || !near(l.Steady.RampS, 0) || !near(l.RequestsPerS, 2) || !near(l.OutputTokensPerS, 128) {
		t.Fatalf("steady %+v, %v req/s, %v tok/s; want from the first send, 2 and 128", l.Steady, l.RequestsPerS, l.OutputTokensPerS)
	}
}

// TestClosedLoopNotTakenForOpen: a closed loop of one worker (as an open
// level, every request on worker 0) and one of four, their records in
// order and reversed: a closed-loop worker has one request in flight at a
// time, so its steady state starts when its last worker first sent (at
// once with no spread) and reads c / 0.68 s, whatever the records' order.
func TestClosedLoopNotTakenForOpen(t *testing.T) {
	for _, c := range []int{1, 4} {
		recs := closedLoop(c, 40, int64(mockDur), 0)
		for _, rev := range []bool{false, true} {
			rs := slices.Clone(recs)
			if rev {
				slices.Reverse(rs)
			}
			l := summarizeOne(t, rs)
			want := float64(c) / 0.68
			if l.Steady == nil || !near(l.Steady.RampS, 0) || !near(l.RequestsPerS, want) {
				t.Errorf("c=%d, reversed %v: steady %+v, %v req/s; want from the first send, %v req/s", c, rev, l.Steady, l.RequestsPerS, want)
			}
		}
	}
}

// TestOpenLevelTooShortToFill: 20 requests at 20 req/s of 0.68 s each span
// 0.95 s, under two requests' durations: the server filled 0.68 s in and
// the level's last send came 0.27 s later, shorter than a request, so the
// level has no steady state and keeps its window's rates. (From the first
// send it read 13.4 req/s of the 20.)
func TestOpenLevelTooShortToFill(t *testing.T) {
	sends := make([]int64, 20)
	for i := range sends {
		sends[i] = int64(i) * 50 * ms
	}
	l := summarizeOne(t, openLevel(20, sends, mockDur))
	if l.Steady != nil {
		t.Errorf("steady state %+v (%.2f req/s); want none", l.Steady, l.RequestsPerS)
	}
	if !near(l.RequestsPerS, l.WindowRequestsPerS) {
		t.Errorf("%v req/s; want the window's %v", l.RequestsPerS, l.WindowRequestsPerS)
	}
}

// TestOpenLevelFillFromWarmups: the same level of 50 requests after 10
// warm-ups (the schedule's first 10 arrivals, 0.5 s before the first
// measured send): the server began to fill at the first warm-up, so it is
// full 0.18 s after the first measured send, and the steady state starts at
// the send after that, 0.2 s in, and reads 1,280 tok/s. Started at the first
// measured send, it read 0.993 of it.
func TestOpenLevelFillFromWarmups(t *testing.T) {
	sends := make([]int64, 60)
	for i := range sends {
		sends[i] = int64(i-10) * 50 * ms
	}
	recs := openLevel(20, sends, mockDur)
	for _, r := range recs {
		if r.ID < 10 {
			r.Stage = rundir.StageWarmup
		}
	}
	l := summarizeOne(t, recs)
	if l.Steady == nil || l.Requests.Total != 50 {
		t.Fatalf("steady %+v, %d requests; want a steady state over the 50 measured", l.Steady, l.Requests.Total)
	}
	if !near(l.Steady.RampS, 0.2) || !near(l.OutputTokensPerS, 1280) {
		t.Errorf("ramp %v s, %v output tok/s; want 0.2 and 1280", l.Steady.RampS, l.OutputTokensPerS)
	}
}
