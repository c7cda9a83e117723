package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// slotServer is a server of a fixed number of slots that serves its
// requests first come first served: a request waits for a free slot, then
// takes prefill ns to its first chunk and emits a chunk of per tokens
// every step ns after it, tokens in all, and frees its slot at its last
// chunk. Decoding is per slot, so the server delivers slots × tokens per
// (prefill + (chunks − 1) × step) once every slot is busy, whatever the
// queue.
type slotServer struct {
	slots                int
	prefill, step        int64
	tokens, per, inputTk int
}

// serviceNS is the time a request of v.tokens holds its slot.
func (v slotServer) serviceNS() int64 {
	return v.prefill + int64((v.tokens+v.per-1)/v.per-1)*v.step
}

// capacity is the server's requests/s with every slot busy.
func (v slotServer) capacity() float64 { return float64(v.slots) / (float64(v.serviceNS()) / 1e9) }

// serve returns the record of a request sent at sent (ns) of tokens
// output tokens, which the slot free first (free, when each is next free)
// serves once it is free: requests must come in the order of their sends
// (first come, first served).
func (v slotServer) serve(free []int64, sent int64, tokens int) *rundir.Record {
	k := 0
	for j := range free {
		if free[j] < free[k] {
			k = j
		}
	}
	begin := max(sent, free[k])
	r := &rundir.Record{Stage: rundir.StageMeasure, OK: true, ScheduledNS: sent, SentNS: sent,
		OutputTokens: tokens, InputTokens: v.inputTk}
	for c, left := 0, tokens; left > 0; c++ {
		n := min(v.per, left)
		left -= n
		r.Chunks = append(r.Chunks, [2]int64{begin + v.prefill + int64(c)*v.step, int64(n)})
	}
	r.FirstTokenNS, r.EndNS = r.Chunks[0][0], r.Chunks[len(r.Chunks)-1][0]
	r.DoneNS = r.EndNS
	free[k] = r.EndNS
	return r
}

// byDone puts records in the order of their completion (requests.jsonl's).
func byDone(recs []*rundir.Record) []*rundir.Record {
	slices.SortStableFunc(recs, func(a, b *rundir.Record) int { return int(a.DoneNS - b.DoneNS) })
	return recs
}

// openLevel sends n requests on worker 0 at Poisson arrivals of rate
// req/s (seeded), as an open level sends them.
func (v slotServer) openLevel(rate float64, n int, seed uint64) []*rundir.Record {
	rnd := rand.New(rand.NewPCG(seed, 11))
	free := make([]int64, v.slots)
	recs := make([]*rundir.Record, n)
	at := 0.0
	for i := range recs {
		recs[i] = v.serve(free, int64(at*1e9), v.tokens)
		recs[i].ID, recs[i].Level = uint64(i), rate
		at += rnd.ExpFloat64() / rate
	}
	return byDone(recs)
}

// closedLoop sends n requests from c workers, each sending its next when
// its last is done, worker w first at a random time within one request's
// service, each asking for tokens ± half of them (seeded): a closed loop,
// whose server queues the requests past its slots but never more.
func (v slotServer) closedLoop(c, n int, seed uint64) []*rundir.Record {
	rnd := rand.New(rand.NewPCG(seed, 13))
	free := make([]int64, v.slots)
	next := make([]int64, c)
	for w := range next {
		next[w] = rnd.Int64N(v.serviceNS())
	}
	recs := make([]*rundir.Record, n)
	for i := range recs {
		w := 0 // the worker free first sends next: sends come in order
		for j := range next {
			if next[j] < next[w] {
				w = j
			}
		}
		r := v.serve(free, next[w], v.tokens/2+rnd.IntN(v.tokens+1))
		r.ID, r.Level, r.Worker = uint64(i), float64(c), w
		next[w] = r.DoneNS
		recs[i] = r
	}
	return byDone(recs)
}

// producedIn is the output tokens the records' chunks carry in [from, to]:
// what the server produced in that span.
func producedIn(recs []*rundir.Record, from, to int64) int64 {
	var n int64
	for _, r := range recs {
		for _, c := range r.Chunks {
			if c[0] >= from && c[0] <= to {
				n += c[1]
			}
		}
	}
	return n
}

// TestOverloadedOpenLevelReadsCapacity: an open level sent faster than the
// server serves (1.05 and 1.2 × its capacity: 16 slots, 64 tokens a
// request, 20 ms to the first and 10 ms a token after) queues more and more
// requests, so each one's send→done grows along the level by its wait for a
// slot. The server itself can do no more than its capacity; the steady
// state's output tokens/s must read the tokens its chunks carry inside the
// window, and its requests/s the capacity, within 1 %. Spread over
// send→done, a request's tokens were credited to the time it waited in the
// queue too, and the level read about λ·ln(1 + a)/a with a = λ/μ − 1:
// 1.024 and 1.09 × the capacity. A level the server keeps up with (0.8 ×)
// reads its arrivals' tokens as before. The same holds for a server that
// answers all at once (no stream), whose requests count at their done.
func TestOverloadedOpenLevelReadsCapacity(t *testing.T) {
	for _, v := range []slotServer{
		{slots: 16, prefill: 20 * ms, step: 10 * ms, tokens: 64, per: 1, inputTk: 100},
		{slots: 16, prefill: 20 * ms, step: 40 * ms, tokens: 64, per: 4, inputTk: 100},   // chunks of 4 tokens
		{slots: 16, prefill: 650 * ms, step: 10 * ms, tokens: 64, per: 64, inputTk: 100}, // no stream: all at once
	} {
		mu := v.capacity()
		for _, load := range []float64{0.8, 1.05, 1.2} {
			recs := v.openLevel(load*mu, 4000, 1)
			l := summarizeOne(t, recs)
			if l.Steady == nil {
				t.Fatalf("per %d, load %g: no steady state", v.per, load)
			}
			truth := float64(producedIn(recs, l.Steady.StartNS, l.Steady.EndNS)) / l.Steady.WindowS
			wantReqs := min(load, 1) * mu
			t.Logf("per %d, load %.2f: %.1f output tok/s, produced %.1f (%.4f); %.2f req/s, capacity %.2f; window %.1f s of %.1f",
				v.per, load, l.OutputTokensPerS, truth, l.OutputTokensPerS/truth, l.RequestsPerS, mu, l.Steady.WindowS, l.WindowS)
			if math.Abs(l.OutputTokensPerS/truth-1) > 0.01 {
				t.Errorf("per %d, load %g: %.1f output tok/s; want the %.1f the server produced in the steady state, within 1 %%",
					v.per, load, l.OutputTokensPerS, truth)
			}
			if load > 1 && math.Abs(l.RequestsPerS/wantReqs-1) > 0.01 {
				t.Errorf("per %d, load %g: %.2f req/s; want the capacity %.2f within 1 %%", v.per, load, l.RequestsPerS, wantReqs)
			}
		}
	}
}

// TestClosedLoopPastSlotsReadsProduced: closed loops of 8 and 64 workers
// on the same 16-slot server, requests of 32–96 tokens, workers starting at
// random within a request's service: 64 keep 48 waiting in the server's
// queue all along, so a request's send→done is three quarters wait. The
// steady state's output tokens/s reads the tokens the chunks carry inside
// it within 0.25 %, and with 64 workers its requests/s the capacity (16
// slots of the mean request) within 1 %. Spread over send→done, 64 workers
// read 0.54–0.55 % high over three seeds (8: exact): the steady state
// starts once the last worker has sent, when the server's queue is still
// filling and the first requests' send→done are short, their wait credited
// as work all the same.
func TestClosedLoopPastSlotsReadsProduced(t *testing.T) {
	v := slotServer{slots: 16, prefill: 20 * ms, step: 10 * ms, tokens: 64, per: 1, inputTk: 100}
	for _, c := range []int{8, 64} {
		for seed := range uint64(3) {
			recs := v.closedLoop(c, 3000, seed)
			l := summarizeOne(t, recs)
			if l.Steady == nil {
				t.Fatalf("c=%d: no steady state", c)
			}
			truth := float64(producedIn(recs, l.Steady.StartNS, l.Steady.EndNS)) / l.Steady.WindowS
			var svc float64 // the mean request's service, s
			for _, r := range recs {
				svc += float64(r.DoneNS-r.FirstTokenNS+v.prefill) / 1e9
			}
			mu := float64(v.slots) / (svc / float64(len(recs)))
			t.Logf("c=%d seed %d: %.1f output tok/s, produced %.1f (%.4f); %.2f req/s, capacity %.2f; window %.1f s",
				c, seed, l.OutputTokensPerS, truth, l.OutputTokensPerS/truth, l.RequestsPerS, mu, l.Steady.WindowS)
			if math.Abs(l.OutputTokensPerS/truth-1) > 0.0025 {
				t.Errorf("c=%d seed %d: %.1f output tok/s; want the %.1f produced in the steady state, within 0.25 %%", c, seed, l.OutputTokensPerS, truth)
			}
			if c > v.slots && math.Abs(l.RequestsPerS/mu-1) > 0.01 {
				t.Errorf("c=%d seed %d: %.2f req/s; want the capacity %.2f within 1 %%", c, seed, l.RequestsPerS, mu)
			}
		}
	}
}
