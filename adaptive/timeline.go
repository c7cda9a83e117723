package adaptive

import (
	"math"
	"time"
)

// maxBuckets bounds a level's time buckets. When a completion falls past the
// last one, adjacent pairs merge and the width doubles, so a level always
// has between maxBuckets/2 and maxBuckets equal buckets over its elapsed
// time, in O(maxBuckets) memory, and a completion costs O(1) amortized.
// Between 16 and 32 batches is the range batch-means practice recommends:
// enough degrees of freedom for a Student t interval, few enough that each
// batch spans many requests (Schmeiser, "Batch size effects in the analysis
// of simulation output", Operations Research 30(3), 1982: 10 to 30 batches).
const maxBuckets = 32

// bucket accumulates the completions whose done time falls in one interval.
type bucket struct {
	n      float64 // completions
	tokens float64 // output tokens of successful completions
	busy   float64 // Σ (done − sent) of the completions, s: worker time
	// Σ done and Σ due of the completions, s from the level's start: the
	// schedule's progress (schedule.go).
	doneSum, dueSum float64
}

func (b *bucket) merge(o *bucket) {
	b.n += o.n
	b.tokens += o.tokens
	b.busy += o.busy
	b.doneSum += o.doneSum
	b.dueSum += o.dueSum
}

// timeline is a level's completions bucketed by done time from the level's
// start.
type timeline struct {
	start   time.Duration
	width   time.Duration
	buckets [maxBuckets]bucket
}

// initialWidth is the first bucket width; doubling reaches an hour-long
// level's width in 22 merges.
const initialWidth = time.Millisecond

// at returns the bucket of done time d, merging pairs until it fits.
func (t *timeline) at(d time.Duration) *bucket {
	if t.width == 0 {
		t.width = initialWidth
	}
	i := int64(max(d-t.start, 0) / t.width)
	for i >= maxBuckets {
		for k := range maxBuckets / 2 {
			t.buckets[k] = t.buckets[2*k]
			t.buckets[k].merge(&t.buckets[2*k+1])
		}
		for k := maxBuckets / 2; k < maxBuckets; k++ {
			t.buckets[k] = bucket{}
		}
		t.width *= 2
		i = int64(max(d-t.start, 0) / t.width)
	}
	return &t.buckets[i]
}

// full is the number of buckets that end at or before now.
func (t *timeline) full(now time.Duration) int {
	if t.width == 0 {
		return 0
	}
	return min(int(max(now-t.start, 0)/t.width), maxBuckets)
}

// ratioMeans estimates a steady-state ratio Σnum/Σden (tokens per second of
// worker time, tokens per request, completions per second) over the full
// buckets that start at or after guard from the level's start (and never
// the first), with its standard error by batch means: each bucket is a
// batch, and the residuals z_b = num_b − R·den_b give Var(R) ≈
// Σz_b²/(B(B−1))/d̄² (the batch-means method for a ratio of means: Law &
// Kelton, Simulation Modeling and Analysis, 3rd ed., 2000, §9.5.3 and
// §9.4.3; Muñoz & Glynn, "A batch means methodology for estimation of a
// nonlinear function of a steady-state mean", Management Science 43(8),
// 1997). Batches over time, not per request, because requests that run
// together share the server's state: their latencies move together, and a
// per-request variance would understate the noise. With den the bucket
// width it is the plain batch-means rate of num.
//
// The buckets before guard hold the level's fill: from the first send until
// the first requests complete, the completion rate climbs from zero and
// in-flight requests find a server that is not yet full; counting those
// buckets biased an open loop's served rate low by 13 % at 300 requests in
// the coverage simulation, where the fill was a third of the window.
// batches is the number of buckets used.
func (t *timeline) ratioMeans(now, guard time.Duration, num, den func(t *timeline, b *bucket) float64) (r, se float64, batches int) {
	full := t.full(now)
	first := 1
	if t.width > 0 {
		first = max(first, int((guard+t.width-1)/t.width))
	}
	if full-first < 1 {
		return math.NaN(), math.Inf(1), 0
	}
	var sn, sd float64
	for i := first; i < full; i++ {
		sn += num(t, &t.buckets[i])
		sd += den(t, &t.buckets[i])
	}
	batches = full - first
	if sd <= 0 {
		return math.NaN(), math.Inf(1), batches
	}
	r = sn / sd
	if batches < 2 {
		return r, math.Inf(1), batches
	}
	var ss float64
	for i := first; i < full; i++ {
		z := num(t, &t.buckets[i]) - r*den(t, &t.buckets[i])
		ss += z * z
	}
	dbar := sd / float64(batches)
	return r, math.Sqrt(ss/float64(batches-1)/float64(batches)) / dbar, batches
}

// The bucket quantities ratioMeans divides: output tokens, completions,
// worker time (s), and the bucket's width (s).
func tokensOf(_ *timeline, b *bucket) float64   { return b.tokens }
func countOf(_ *timeline, b *bucket) float64    { return b.n }
func exposureOf(_ *timeline, b *bucket) float64 { return b.busy }
func widthOf(t *timeline, _ *bucket) float64    { return t.width.Seconds() }
