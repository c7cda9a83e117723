package report

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestCreditShare checks the share of a request inside the steady state
// (start, end] against hand-computed values: evenly over first token → done
// for tokens without chunks, as the chunks came otherwise, a point counted
// whole when it lies inside.
func TestCreditShare(t *testing.T) {
	even := func(from, to int64) *rundir.Record { // tokens, no chunk
		return &rundir.Record{FirstTokenNS: from, EndNS: to, DoneNS: to, OutputTokens: 10}
	}
	// (A first token at 0 without chunks is no token: these start at 10,
	// and last 80, 10 a piece.)
	// 64 one-token chunks, one a ns from 100 to 163, done at 200: each
	// piece is 2 tokens and 2 ns; evenly the output would lie over 100 ns,
	// not 64.
	steady := &rundir.Record{FirstTokenNS: 100, DoneNS: 200, EndNS: 163}
	for i := range int64(64) {
		steady.Chunks = append(steady.Chunks, [2]int64{100 + i, 1})
	}
	// Waves: 40 tokens in the first 10 ms, then 40 over 90 ms.
	waves := &rundir.Record{FirstTokenNS: 0, DoneNS: 100, EndNS: 100}
	for i := range int64(40) {
		waves.Chunks = append(waves.Chunks, [2]int64{i / 4, 1})
	}
	for i := range int64(40) {
		waves.Chunks = append(waves.Chunks, [2]int64{10 + (i+1)*90/40, 1})
	}
	for _, tt := range []struct {
		name       string
		r          *rundir.Record
		start, end int64
		want       float64
	}{
		{"even: wholly inside", even(10, 90), 10, 90, 1},
		{"even: second half inside", even(10, 90), 50, 200, 0.5},
		{"even: window inside the request", even(10, 90), 35, 55, 0.25},
		{"even: touches only", even(10, 90), 90, 200, 0},
		{"even: after", even(200, 300), 0, 100, 0},
		{"even: started before", even(-10, 70), 0, 1000, 0.875},
		{"even: uneven pieces", even(10, 113), 10, 113, 1},
		{"point inside", &rundir.Record{DoneNS: 50, EndNS: 50}, 0, 100, 1},
		{"point at the end", &rundir.Record{DoneNS: 100, EndNS: 100}, 0, 100, 1},
		{"point at the start", &rundir.Record{DoneNS: 100, EndNS: 100}, 100, 200, 0},
		{"point outside", &rundir.Record{DoneNS: 150, EndNS: 150}, 0, 100, 0},
		{"one chunk before its done", &rundir.Record{FirstTokenNS: 40, EndNS: 40, DoneNS: 90, Chunks: [][2]int64{{40, 10}}}, 0, 50, 1},
		{"one chunk at the start", &rundir.Record{FirstTokenNS: 40, EndNS: 40, DoneNS: 90, Chunks: [][2]int64{{40, 10}}}, 40, 90, 0},
		{"one chunk, window after it", &rundir.Record{FirstTokenNS: 40, EndNS: 40, DoneNS: 90, Chunks: [][2]int64{{40, 10}}}, 50, 100, 0},
		// The chunks at 100 … 140 carry 41 of the 64 tokens, and the knots
		// lie on chunks (the 2nd token at 101, …, the 40th at 139, the
		// 42nd at 141): 20 pieces and half the 21st.
		{"steady chunks: to 140", steady, 0, 140, 41.0 / 64},
		{"steady chunks: after 120", steady, 120, 300, 43.0 / 64},
		{"steady chunks: past the last", steady, 180, 200, 0},
		// 40 tokens by 9 ns (16 pieces of 2.5); knot 17, 42.5 tokens, lies
		// half-way from the 42nd token (14 ns) to the 43rd (16): the window
		// (−1, 10] holds 16 pieces and 1/6 of the 17th (its chunks: 40 of
		// 80).
		{"waves: the fast start", waves, -1, 10, (16 + 1.0/6) / 32},
		{"waves: the slow rest", waves, 10, 100, 1 - (16+1.0/6)/32},
	} {
		if got := CreditOf(tt.r).Share(tt.start, tt.end); !near(got, tt.want) {
			t.Errorf("%s: share of [%d, %d] = %v; want %v", tt.name, tt.start, tt.end, got, tt.want)
		}
	}
}

// TestSteadyHandComputed: two workers, three 100 ms requests each, worker 1
// starting 50 ms late. The ramp ends at 50 ms, the last send is at 250 ms:
// a 0.2 s steady state, (50, 250] ms. Each request's first token comes 10
// ms after its send and its other 9 at its done (Credit). Worker 0's
// requests have 1 − x, 1 and x of their output in it, x being what a
// request sent 50 ms before an edge has credited after it (the first and
// the third are alike, 200 ms apart), worker 1's 1, 1 and 0 (its last done
// at 250 ms is in): 4 requests, 40 output tokens, so 20 req/s and 200
// tok/s; ramp 0.05 s, drain 350 − 250 ms = 0.1 s.
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
// the steady state starts with the window (no ramp), (0, 250] ms. In it,
// worker 0's warm-up has 0 of its output (its last 9 tokens came at 0 ms)
// and its measured requests 1, 1 and x (sent 50 ms before the end), worker
// 1's warm-up 1 − x (sent 50 ms before the start) and its measured ones 1,
// 1 and 0: 5 requests in 0.25 s, 20 req/s — two workers each finishing a
// 100 ms request ten times a second, the truth. Counting only measured sends, the ramp would end at
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

// TestCreditOf checks the interval a request's work is credited over:
// first token → done (end_ns if later); the point of its done without a
// token; a first token at the run's origin (zero, with its chunks) or
// before it (a warm-up's) kept; and the knots, as its chunks came: a
// chunk's tokens produced evenly over the gap since the chunk before it,
// the first chunk's at its time.
func TestCreditOf(t *testing.T) {
	for _, tt := range []struct {
		name     string
		r        rundir.Record
		from, to int64
		// knots are some knots' times, by their number (1 to 32).
		knots map[int]int64
	}{
		{"stream", rundir.Record{SentNS: 100, FirstTokenNS: 150, EndNS: 400, DoneNS: 410, Chunks: [][2]int64{{150, 1}, {400, 9}}}, 150, 410,
			// A 32nd of 10 tokens: 3 pieces in the first chunk; the 4th
			// reaches 1.25 tokens, a 36th of the way to the 10th.
			map[int]int64{1: 150, 3: 150, 4: 156, 32: 400}},
		{"end after done", rundir.Record{SentNS: 100, FirstTokenNS: 150, EndNS: 420, DoneNS: 410, Chunks: [][2]int64{{150, 1}, {420, 9}}}, 150, 420, nil},
		{"no stream", rundir.Record{SentNS: 100, FirstTokenNS: 400, EndNS: 400, DoneNS: 400, Chunks: [][2]int64{{400, 10}}}, 400, 400,
			map[int]int64{1: 400, 32: 400}},
		{"no token", rundir.Record{SentNS: 100, EndNS: 300, DoneNS: 300}, 300, 300, nil},
		{"first token at the origin", rundir.Record{SentNS: -50, FirstTokenNS: 0, EndNS: 200, DoneNS: 200, Chunks: [][2]int64{{0, 1}, {200, 9}}}, 0, 200, nil},
		{"warm-up before the origin", rundir.Record{SentNS: -100, FirstTokenNS: -90, EndNS: 0, DoneNS: 0, Chunks: [][2]int64{{-90, 1}, {0, 9}}}, -90, 0, nil},
		{"four chunks of two", rundir.Record{FirstTokenNS: 1000, EndNS: 4000, DoneNS: 5000,
			Chunks: [][2]int64{{1000, 2}, {2000, 2}, {3000, 2}, {4000, 2}}}, 1000, 5000,
			map[int]int64{1: 1000, 8: 1000, 9: 1125, 16: 2000, 17: 2125, 24: 3000, 25: 3125, 32: 4000}},
		{"a long run's hours", rundir.Record{FirstTokenNS: 1, EndNS: 7200e9, DoneNS: 7200e9,
			Chunks: [][2]int64{{1, 1}, {3600e9, 3}, {7200e9, 4}}}, 1, 7200e9,
			map[int]int64{1: 1, 4: 1, 5: 300e9, 16: 3600e9, 17: 3825e9, 32: 7200e9}},
	} {
		c := CreditOf(&tt.r)
		if c.From != tt.from || c.To != tt.to {
			t.Errorf("%s: [%d, %d]; want [%d, %d]", tt.name, c.From, c.To, tt.from, tt.to)
		}
		for j, want := range tt.knots {
			// A knot is kept to a 65,535th of the interval, never later.
			if got := c.knot(j); got > want || want-got > 1+(c.To-c.From)/65535 {
				t.Errorf("%s: knot %d at %d; want %d", tt.name, j, got, want)
			}
		}
	}
}
