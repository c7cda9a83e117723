package adaptive

import (
	"math"
	"time"
)

// pace is how fast an open-loop level gets through its schedule: γ, the
// due time its completions cover per second, over the full buckets that
// start at or after guard from the level's start (and never the first),
// taken as at most points runs of consecutive buckets, with its standard
// error and its degrees of freedom.
//
// A level that keeps up completes each request a bounded time after it was
// due, so its due times advance as fast as its done times: γ = 1. A level
// that falls behind completes requests at the rate r the server (or the
// client) sustains while they come due at the target λ, so the lag grows
// and γ = r/λ. Unlike the count of completions per second, γ keeping up
// does not carry the arrivals' noise: a Poisson schedule's completions in
// a window vary by ±1/√n, but each completion's due time moves with its
// done time whatever the gaps between arrivals; what is left is the lag's
// own variation (service times, the queue), divided by the window's span.
//
// Each run of buckets gives one point, its completions' mean done time and
// mean due time (the mean done time, not the run's middle, so that which
// completions fall either side of an edge moves both coordinates
// together). γ is the ratio of the sums of the increments from point to
// point, Σ Δdue / Σ Δdone, with the batch-means standard error of a ratio
// of means over the increments (ratioMeans' method: Law & Kelton,
// Simulation Modeling and Analysis, 3rd ed., 2000, §9.5.3). Increments,
// not a least-squares line through the points: past capacity the server
// completes requests at its own pace while their due times are the
// arrivals' random walk, whose residuals about a line are correlated from
// point to point and made a line's standard error several times too small
// (its interval held the long-run rate in 88 % of the simulated levels at
// 120 % of capacity), whereas a random walk's increments are independent.
// Keeping up, the increments of a bounded lag telescope, and their
// standard error overstates γ's by about √B for B points: conservative
// (paceBatches).
func (t *timeline) pace(now, guard time.Duration, points int) (g, se float64, df int) {
	full := t.full(now)
	first := 1
	if t.width > 0 {
		first = max(first, int((guard+t.width-1)/t.width))
	}
	// The buckets, in at most points runs of consecutive ones (the last
	// run takes the remainder).
	k := full - first
	per := max(k/points, 1)
	var groups [maxBuckets]bucket
	ng := 0
	for i := first; i < full; i++ {
		j := min((i-first)/per, points-1)
		g, b := &groups[j], &t.buckets[i]
		g.n, g.doneSum, g.dueSum = g.n+b.n, g.doneSum+b.doneSum, g.dueSum+b.dueSum
		ng = j + 1
	}
	var dx, dy [maxBuckets]float64
	m := 0
	var px, py float64
	seen := false
	for _, b := range groups[:ng] {
		if b.n == 0 {
			continue
		}
		x, y := b.doneSum/b.n, b.dueSum/b.n
		if seen {
			dx[m], dy[m] = x-px, y-py
			m++
		}
		px, py, seen = x, y, true
	}
	if m < 2 {
		return math.NaN(), math.Inf(1), max(m-1, 0)
	}
	var sx, sy float64
	for k := range m {
		sx, sy = sx+dx[k], sy+dy[k]
	}
	if !(sx > 0) {
		return math.NaN(), math.Inf(1), m - 1
	}
	g = sy / sx
	var ss float64
	for k := range m {
		z := dy[k] - g*dx[k]
		ss += z * z
	}
	dbar := sx / float64(m)
	return g, math.Sqrt(ss/float64(m-1)/float64(m)) / dbar, m - 1
}

// paceBatches is how many points the throughput's pace takes its
// increments between, each a run of consecutive buckets. Keeping up, the
// increments' standard error grows with their number B (a bounded lag's
// increments telescope: about √B × the lag's noise over the span), and
// Student's t at the per-look level falls with it: t(B − 2)·B is least
// near B = 8. The saturation rule takes every bucket (up to maxBuckets):
// past capacity the increments are independent whatever B, and more of
// them give the test its power, while keeping up the wider interval only
// makes a false flag rarer.
const paceBatches = 8

// paced reports whether the level judges keeping up against its schedule:
// an open loop whose every completion came with its due time.
func (l *Level) paced() bool { return l.plan.o.OpenLoop && !l.noDue && l.n > 0 }
