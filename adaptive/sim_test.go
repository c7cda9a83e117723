package adaptive

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/inferbench/inferbench/report"
)

// This file holds the synthetic workloads the tests draw from: latency
// distributions with a known quantile, and request streams (open loop,
// closed loop) with a known throughput.

// latencyDist is a latency distribution (ms) scaled so that its p95 is
// exactly 1,000 ms: an SLO of 1 s then sits on the true quantile.
type latencyDist struct {
	name string
	draw func(r *rand.Rand) float64
}

// trueP95 is every latencyDist's p95, ms.
const trueP95 = 1000.0

// z95 is Φ⁻¹(0.95).
var z95 = distuv.UnitNormal.Quantile(0.95)

// lognormalDist: TTFT-like, log-sd sigma.
func lognormalDist(sigma float64) latencyDist {
	mu := math.Log(trueP95) - sigma*z95
	return latencyDist{name: "lognormal", draw: func(r *rand.Rand) float64 { return math.Exp(mu + sigma*r.NormFloat64()) }}
}

// gammaDist: shape k, scaled to the p95.
func gammaDist(k float64) latencyDist {
	scale := trueP95 / distuv.Gamma{Alpha: k, Beta: 1}.Quantile(0.95)
	g := distuv.Gamma{Alpha: k, Beta: 1}
	return latencyDist{name: "gamma", draw: func(r *rand.Rand) float64 {
		g.Src = r
		return scale * g.Rand()
	}}
}

// mixtureDist is a heavy-tailed mixture: 90 % lognormal(ln 200, 0.3), 10 %
// Pareto(x_m 400, shape 1.5) (infinite variance: stalls, retries, a cold
// cache), scaled so that its p95 is 1,000 ms. The unscaled p95 is found by
// bisection on the mixture's distribution function.
func mixtureDist() latencyDist {
	cdf := func(x float64) float64 {
		ln := normCDF((math.Log(x) - math.Log(200)) / 0.3)
		par := 0.0
		if x > 400 {
			par = 1 - math.Pow(400/x, 1.5)
		}
		return 0.9*ln + 0.1*par
	}
	lo, hi := 1.0, 1e6
	for range 200 {
		mid := (lo + hi) / 2
		if cdf(mid) < 0.95 {
			lo = mid
		} else {
			hi = mid
		}
	}
	scale := trueP95 / ((lo + hi) / 2)
	return latencyDist{name: "mixture", draw: func(r *rand.Rand) float64 {
		if r.Float64() < 0.9 {
			return scale * 200 * math.Exp(0.3*r.NormFloat64())
		}
		return scale * 400 * math.Pow(1-r.Float64(), -1/1.5)
	}}
}

// quantileLevel runs one level whose TTFTs come from d, iid, until it
// stops. The requests' times are a stand-in: one worker completing a
// 100-token request every 10 ms, so that throughput is exact (10,000
// tok/s, no variance) and the TTFT interval alone decides.
func quantileLevel(p *Plan, r *rand.Rand, d latencyDist) Decision {
	l := p.NewLevel(1, 0, 0, nil)
	for i := 1; ; i++ {
		x := d.draw(r)
		done := time.Duration(i) * 10 * time.Millisecond
		c := Completion{OK: true, Metrics: report.RequestMetrics{TTFT: x, E2E: x}, OutputTokens: 100,
			ID: uint64(i - 1), Sent: done - 10*time.Millisecond, Done: done}
		if l.Add(c) {
			if dec := l.Check(); dec.Stop {
				return dec
			}
		}
	}
}

// request is one synthetic request of a stream; id numbers requests in
// the order they were scheduled, as the runner's records do.
type request struct {
	id                       uint64
	sched, sent, first, done time.Duration
	tokens                   int
}

// completion turns r into what the runner would hand a Level.
func (r request) completion() Completion {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	m := report.RequestMetrics{TTFT: ms(r.first - r.sent), E2E: ms(r.done - r.sent)}
	if r.tokens > 1 {
		m.TPOT, m.HasTPOT = ms(r.done-r.first)/float64(r.tokens-1), true
	}
	return Completion{OK: true, Metrics: m, OutputTokens: r.tokens, ID: r.id, Sent: r.sent, Done: r.done,
		Due: r.sched, HasDue: true}
}

// completions orders reqs by done time.
func completions(reqs []request) []Completion {
	slices.SortFunc(reqs, func(a, b request) int { return int(a.done - b.done) })
	out := make([]Completion, len(reqs))
	for i, r := range reqs {
		out[i] = r.completion()
	}
	return out
}

// service draws one request's TTFT and decode: TTFT lognormal with median
// ttft, TPOT lognormal around tpot (log-sd 0.2), tokens uniform on
// [64, 192]. Its mean E2E is meanE2E(ttft, tpot).
func service(r *rand.Rand, ttft, tpot time.Duration) (first time.Duration, decode time.Duration, tokens int) {
	tokens = 64 + r.IntN(129)
	first = time.Duration(float64(ttft) * math.Exp(0.5*r.NormFloat64()))
	decode = time.Duration(float64(tokens-1) * float64(tpot) * math.Exp(0.2*r.NormFloat64()))
	return first, decode, tokens
}

// meanTokens is the mean of uniform [64, 192].
const meanTokens = 128.0

// meanE2E is service's mean E2E in seconds: E[TTFT] + E[tokens − 1]·E[TPOT]
// (lognormal means e^{σ²/2}).
func meanE2E(ttft, tpot time.Duration) float64 {
	return ttft.Seconds()*math.Exp(0.125) + (meanTokens-1)*tpot.Seconds()*math.Exp(0.02)
}

// openLoop is n requests at Poisson rate (req/s) from time 0 to a server
// with servers parallel slots, FIFO (servers 0: unlimited, an M/G/∞ whose
// output tokens/s is exactly rate·meanTokens). maxInFlight > 0 caps the
// client like Runner.MaxConcurrency: a request waits for a free slot and
// keeps its due time, so the wait is send lag. It returns the completions
// up to the last due time in done order: every request that could complete
// by then was drawn.
func openLoop(r *rand.Rand, n int, rate float64, servers, maxInFlight int, ttft, tpot time.Duration) []Completion {
	reqs := make([]request, n)
	free := make([]time.Duration, servers)      // when each server slot frees
	slots := make([]time.Duration, maxInFlight) // when each client slot frees
	var t float64
	for i := range reqs {
		t += r.ExpFloat64() / rate
		due := time.Duration(t * float64(time.Second))
		sent, k := due, -1
		if maxInFlight > 0 {
			k = slices.Index(slots, slices.Min(slots))
			sent = max(due, slots[k])
		}
		first, decode, tokens := service(r, ttft, tpot)
		start := sent
		if servers > 0 {
			j := slices.Index(free, slices.Min(free))
			start = max(sent, free[j])
			free[j] = start + first + decode
		}
		reqs[i] = request{id: uint64(i), sched: due, sent: sent, first: start + first, done: start + first + decode, tokens: tokens}
		if k >= 0 {
			slots[k] = reqs[i].done
		}
	}
	last := reqs[n-1].sched
	cs := completions(reqs)
	end, _ := slices.BinarySearchFunc(cs, last+1, func(c Completion, t time.Duration) int { return int(c.Done - t) })
	return cs[:end]
}

// closedLoop is conc workers, each sending its next request as soon as its
// previous one ends, started spread over one mean request (as the runner's
// auto spread does), from time 0, to a server with slots parallel slots,
// FIFO (0: unlimited). It returns the first n completions in done order.
// The server's TTFT and TPOT are the caller's (a model of a loaded server
// passes them stretched by its load). With unlimited slots, by
// renewal-reward, its output tokens/s is conc·meanTokens / meanE2E(ttft,
// tpot); with slots < conc the server saturates at slots·meanTokens /
// meanE2E and the rest is queueing, in TTFT.
func closedLoop(r *rand.Rand, n, conc, slots int, ttft, tpot time.Duration) []Completion {
	spread := time.Duration(meanE2E(ttft, tpot) * float64(time.Second))
	next := make(timeHeap, conc) // each worker's next send
	for w := range next {
		next[w] = time.Duration(w) * spread / time.Duration(conc)
	}
	free := make(timeHeap, slots) // when each server slot frees
	reqs := make([]request, 0, n+conc)
	for len(reqs) < n+conc {
		sent := next[0]
		first, decode, tokens := service(r, ttft, tpot)
		start := sent
		if slots > 0 {
			start = max(sent, free[0])
			free[0] = start + first + decode
			heap.Fix(&free, 0)
		}
		reqs = append(reqs, request{id: uint64(len(reqs)), sched: sent, sent: sent, first: start + first, done: start + first + decode, tokens: tokens})
		next[0] = start + first + decode
		heap.Fix(&next, 0)
	}
	return completions(reqs)[:n]
}

// timeHeap is a min-heap of times (container/heap).
type timeHeap []time.Duration

func (h timeHeap) Len() int           { return len(h) }
func (h timeHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h timeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timeHeap) Push(x any)        { *h = append(*h, x.(time.Duration)) }
func (h *timeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// feed runs a level over cs (in done order, the level starting at time 0)
// until it stops, or ends it where cs runs out.
func feed(p *Plan, cs []Completion, level float64, baseline *Decision) Decision {
	l := p.NewLevel(level, 0, 0, baseline)
	for _, c := range cs {
		if l.Add(c) {
			if d := l.Check(); d.Stop {
				return d
			}
		}
	}
	return l.Finish()
}
