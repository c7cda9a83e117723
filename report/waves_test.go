package report

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// batchEngine is a continuous-batching server: every step decodes one
// token for each running sequence (at most slots), and lasts base + per ×
// the sequences running + prefill × the sequences admitted at it, whose
// first token comes at its end. A request waits for a free slot first come
// first served. The step's length grows with the batch, so a batch filling
// up, or a wave of prefills, slows every sequence decoding beside it: a
// request's tokens do not come at a steady pace.
type batchEngine struct {
	slots                int
	base, per, prefill   int64
	minTokens, maxTokens int
}

// closedLoop runs c workers that all send at 0 (a level's start, as the
// capacity search's levels start) and each sends its next request when its
// last is done, n requests in all, each asking for a number of tokens
// drawn from [minTokens, maxTokens] (seeded). The records come in the order
// of their completion.
func (e batchEngine) closedLoop(c, n int, seed uint64) []*rundir.Record {
	rnd := rand.New(rand.NewPCG(seed, 17))
	type seq struct {
		r    *rundir.Record
		left int
	}
	var queue, running []*seq
	var out []*rundir.Record
	sent := 0
	send := func(w int, at int64) {
		if sent == n {
			return
		}
		tk := e.minTokens + rnd.IntN(e.maxTokens-e.minTokens+1)
		r := &rundir.Record{ID: uint64(sent), Stage: rundir.StageMeasure, Level: float64(c), Worker: w, OK: true,
			ScheduledNS: at, SentNS: at, OutputTokens: tk, InputTokens: 100}
		sent++
		queue = append(queue, &seq{r: r, left: tk})
	}
	for w := range c {
		send(w, 0)
	}
	var now int64
	for len(queue) > 0 || len(running) > 0 {
		admitted := min(len(queue), e.slots-len(running))
		running = append(running, queue[:admitted]...)
		queue = queue[admitted:]
		now += e.base + e.per*int64(len(running)) + e.prefill*int64(admitted)
		kept := running[:0]
		var done []*rundir.Record
		for _, s := range running {
			if s.r.FirstTokenNS == 0 {
				s.r.FirstTokenNS = now
			}
			s.r.Chunks = append(s.r.Chunks, [2]int64{now, 1})
			if s.left--; s.left > 0 {
				kept = append(kept, s)
				continue
			}
			s.r.EndNS, s.r.DoneNS = now, now
			done = append(done, s.r)
		}
		running = kept
		for _, r := range done {
			out = append(out, r)
			send(r.Worker, now)
		}
	}
	return out
}

// TestWaveDecodingReadsProduced: a short closed-loop level past the
// server's slots (72 and 80 workers on 64, about two requests a worker, all
// starting at once), on an engine whose steps slow as its batch fills and
// as prefills join it, so that its requests decode in waves, fast and slow
// in turn. The steady state's output tokens/s must read the tokens the
// chunks carry inside it within 1 %: the capacity search's levels past the
// knee are such levels. Spread evenly over first token → done, a request
// straddling an edge of the steady state was credited as if it decoded at
// one pace, and these levels read 4–9 % low.
func TestWaveDecodingReadsProduced(t *testing.T) {
	e := batchEngine{slots: 64, base: 8 * ms, per: ms / 4, prefill: 2 * ms, minTokens: 64, maxTokens: 192}
	for _, c := range []int{48, 72, 80} {
		for seed := range uint64(4) {
			recs := e.closedLoop(c, c*9/4, seed)
			l := summarizeOne(t, recs)
			if l.Steady == nil {
				t.Fatalf("c=%d seed %d: no steady state", c, seed)
			}
			truth := float64(producedIn(recs, l.Steady.StartNS, l.Steady.EndNS)) / l.Steady.WindowS
			t.Logf("c=%d seed %d: %.1f output tok/s, produced %.1f (%.4f); window %.2f s of %.2f",
				c, seed, l.OutputTokensPerS, truth, l.OutputTokensPerS/truth, l.Steady.WindowS, l.WindowS)
			if math.Abs(l.OutputTokensPerS/truth-1) > 0.01 {
				t.Errorf("c=%d seed %d: %.1f output tok/s; want the %.1f produced in the steady state, within 1 %%",
					c, seed, l.OutputTokensPerS, truth)
			}
		}
	}
}
