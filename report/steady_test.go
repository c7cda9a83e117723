package report

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSteadyShare checks the share of an interval inside the steady state
// against hand-computed values.
func TestSteadyShare(t *testing.T) {
	for _, tt := range []struct {
		sent, done, start, end int64
		want                   float64
	}{
		{0, 100, 0, 100, 1},     // wholly inside
		{0, 100, 50, 200, 0.5},  // second half inside
		{0, 100, 25, 50, 0.25},  // window inside the request
		{0, 100, 100, 200, 0},   // touches only
		{200, 300, 0, 100, 0},   // after
		{50, 50, 0, 100, 1},     // zero length, inside
		{150, 150, 0, 100, 0},   // zero length, outside
		{-10, 90, 0, 1000, 0.9}, // started before
	} {
		if got := SteadyShare(tt.sent, tt.done, tt.start, tt.end); !near(got, tt.want) {
			t.Errorf("SteadyShare(%d, %d, %d, %d) = %v; want %v", tt.sent, tt.done, tt.start, tt.end, got, tt.want)
		}
	}
}

// TestSteadyHandComputed: two workers, three 100 ms requests each, worker 1
// starting 50 ms late. The ramp ends at 50 ms, the last send is at 250 ms:
// a 0.2 s steady state. Worker 0's requests have 0.5, 1 and 0.5 of their
// time in it, worker 1's 1, 1 and 0: 4 requests, 40 output tokens, so
// 20 req/s and 200 tok/s; ramp 0.05 s, drain 350 − 250 ms = 0.1 s.
func TestSteadyHandComputed(t *testing.T) {
	s := NewSummarizer(SLO{})
	for i, sent := range []int64{0, 50, 100, 150, 200, 250} {
		s.Add(&rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 2, Worker: i % 2, OK: true,
			ScheduledNS: sent * ms, SentNS: sent * ms, FirstTokenNS: (sent + 10) * ms, EndNS: (sent + 100) * ms, DoneNS: (sent + 100) * ms,
			OutputTokens: 10, InputTokens: 5, Chunks: [][2]int64{{(sent + 10) * ms, 1}, {(sent + 100) * ms, 9}}})
	}
	l := s.Close().Levels[0]
	if l.Steady == nil {
		t.Fatal("no steady state")
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"steady s", l.Steady.WindowS, 0.2}, {"ramp s", l.Steady.RampS, 0.05}, {"drain s", l.Steady.DrainS, 0.1},
		{"req/s", l.RequestsPerS, 20}, {"output tok/s", l.OutputTokensPerS, 200}, {"total tok/s", l.TotalTokensPerS, 300},
		{"goodput", l.GoodputRPS, 20},
		// The window: 6 requests in 0.35 s.
		{"window req/s", l.WindowRequestsPerS, 6 / 0.35},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
}

// closedLoop simulates a closed loop of c workers sending n requests of
// d ns each, worker w starting at w·spread/c: the records a fixed-timing
// server gives.
func closedLoop(c, n int, d, spread int64) []*rundir.Record {
	next := make([]int64, c)
	for w := range next {
		next[w] = int64(w) * spread / int64(c)
	}
	var recs []*rundir.Record
	for id := range n {
		w := 0 // the worker free first sends next (ties: lowest index)
		for i := range next {
			if next[i] < next[w] {
				w = i
			}
		}
		s := next[w]
		recs = append(recs, &rundir.Record{ID: uint64(id), Stage: rundir.StageMeasure, Level: float64(c), Worker: w, OK: true,
			ScheduledNS: s, SentNS: s, FirstTokenNS: s + d/2, EndNS: s + d, DoneNS: s + d, OutputTokens: 64, InputTokens: 100,
			Chunks: [][2]int64{{s + d/2, 1}, {s + d, 63}}})
		next[w] = s + d
	}
	return recs
}

// TestSteadyThroughputIgnoresStagger: 32 workers, 200 requests of 680 ms
// (the fixed mock's 50 ms TTFT + 63 × 10 ms) read 32 / 0.68 s = 47.06
// req/s in steady state whether the workers start together or spread over
// one request; over the whole window the stagger and the drain of the last
// 8 requests cost 10–20 %, which the window rates still show.
func TestSteadyThroughputIgnoresStagger(t *testing.T) {
	const d = 680_000_000
	want := 32 / 0.68
	for _, spread := range []int64{0, d} {
		s := NewSummarizer(SLO{})
		for _, r := range closedLoop(32, 200, d, spread) {
			s.Add(r)
		}
		l := s.Close().Levels[0]
		if l.Steady == nil {
			t.Fatalf("spread %d: no steady state", spread)
		}
		if !near(l.RequestsPerS, want) || !near(l.OutputTokensPerS, 64*want) {
			t.Errorf("spread %d: %v req/s, %v tok/s; want %v and %v", spread, l.RequestsPerS, l.OutputTokensPerS, want, 64*want)
		}
		if l.WindowRequestsPerS > 0.92*want {
			t.Errorf("spread %d: window rate %v req/s; want the ramp and drain to show (< 92 %% of %v)", spread, l.WindowRequestsPerS, want)
		}
		// Ramp: the last worker starts 31/32 of the spread in; drain: one
		// request's length after the last send.
		if wantRamp := float64(31*spread/32) / 1e9; !near(l.Steady.RampS, wantRamp) || !near(l.Steady.DrainS, 0.68) {
			t.Errorf("spread %d: ramp %v s, drain %v s; want %v and 0.68", spread, l.Steady.RampS, l.Steady.DrainS, wantRamp)
		}
	}
}

// TestSteadyStartsAfterWarmups: the same two workers, each beginning with a
// 100 ms warm-up request (worker 0 at −100 ms, worker 1 at −50 ms, in the
// run's clock), so both are busy before the measured window opens at 0:
// the steady state starts with the window (no ramp), 0–250 ms. In it,
// worker 0's measured requests have 1, 1 and 0.5 of their time, worker 1's
// warm-up 0.5 and its measured ones 1, 1 and 0: 5 requests in 0.25 s,
// 20 req/s — two workers each finishing a 100 ms request ten times a
// second, the truth. Counting only measured sends, the ramp would end at
// worker 1's first measured send, 50 ms late; counting warm-up sends but
// not their work, 4.5 requests, 18 req/s, low.
func TestSteadyStartsAfterWarmups(t *testing.T) {
	s := NewSummarizer(SLO{})
	add := func(id uint64, stage rundir.Stage, worker int, sent int64) {
		s.Add(&rundir.Record{ID: id, Stage: stage, Level: 2, Worker: worker, OK: true,
			ScheduledNS: sent * ms, SentNS: sent * ms, FirstTokenNS: (sent + 10) * ms, EndNS: (sent + 100) * ms, DoneNS: (sent + 100) * ms,
			OutputTokens: 10, InputTokens: 5, Chunks: [][2]int64{{(sent + 10) * ms, 1}, {(sent + 100) * ms, 9}}})
	}
	add(0, rundir.StageWarmup, 0, -100)
	add(1, rundir.StageWarmup, 1, -50)
	for i, sent := range []int64{0, 50, 100, 150, 200, 250} {
		add(uint64(i+2), rundir.StageMeasure, i%2, sent)
	}
	l := s.Close().Levels[0]
	if l.Steady == nil || l.Requests.Total != 6 {
		t.Fatalf("steady %+v, %d requests; want a steady state over the 6 measured", l.Steady, l.Requests.Total)
	}
	if !near(l.Steady.RampS, 0) || !near(l.Steady.WindowS, 0.25) || !near(l.RequestsPerS, 20) || !near(l.OutputTokensPerS, 200) {
		t.Errorf("ramp %v s, steady %v s, %v req/s, %v tok/s; want 0, 0.25, 20, 200", l.Steady.RampS, l.Steady.WindowS, l.RequestsPerS, l.OutputTokensPerS)
	}
	if l.Requests.Total != 6 || l.TTFTMS.N != 6 {
		t.Errorf("%d requests, %d TTFTs; want the 6 measured only", l.Requests.Total, l.TTFTMS.N)
	}
}

// TestSteadyInterval checks the interval a request's work is credited
// over: first token → done (end_ns if later); the point of its done
// without a token or with its tokens all at once; a first token at the
// run's origin (zero, with its chunks) or before it (a warm-up's) kept.
func TestSteadyInterval(t *testing.T) {
	for _, tt := range []struct {
		name     string
		r        rundir.Record
		from, to int64
	}{
		{"stream", rundir.Record{SentNS: 100, FirstTokenNS: 150, EndNS: 400, DoneNS: 410, Chunks: [][2]int64{{150, 1}, {400, 9}}}, 150, 410},
		{"end after done", rundir.Record{SentNS: 100, FirstTokenNS: 150, EndNS: 420, DoneNS: 410, Chunks: [][2]int64{{150, 1}, {420, 9}}}, 150, 420},
		{"no stream", rundir.Record{SentNS: 100, FirstTokenNS: 400, EndNS: 400, DoneNS: 400, Chunks: [][2]int64{{400, 10}}}, 400, 400},
		{"no token", rundir.Record{SentNS: 100, EndNS: 300, DoneNS: 300}, 300, 300},
		{"first token at the origin", rundir.Record{SentNS: -50, FirstTokenNS: 0, EndNS: 200, DoneNS: 200, Chunks: [][2]int64{{0, 1}, {200, 9}}}, 0, 200},
		{"warm-up before the origin", rundir.Record{SentNS: -100, FirstTokenNS: -90, EndNS: 0, DoneNS: 0, Chunks: [][2]int64{{-90, 1}, {0, 9}}}, -90, 0},
	} {
		if from, to := SteadyInterval(&tt.r); from != tt.from || to != tt.to {
			t.Errorf("%s: [%d, %d]; want [%d, %d]", tt.name, from, to, tt.from, tt.to)
		}
	}
}
