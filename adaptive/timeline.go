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
	// Means, for the saturation trends: TTFT of successful completions (ms),
	// requests in flight, and the schedule and send times (s) of open-loop
	// requests.
	ttftSum           float64
	ttftN             int
	inFlightSum       float64
	inFlightN         int
	schedSum, sentSum float64
	schedN            int
	lagSum            float64 // sent − scheduled, s
}

func (b *bucket) merge(o *bucket) {
	b.n += o.n
	b.tokens += o.tokens
	b.ttftSum += o.ttftSum
	b.ttftN += o.ttftN
	b.inFlightSum += o.inFlightSum
	b.inFlightN += o.inFlightN
	b.schedSum += o.schedSum
	b.sentSum += o.sentSum
	b.schedN += o.schedN
	b.lagSum += o.lagSum
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

// batchMeans is the steady-state rate per second of a bucket quantity (of:
// output tokens, completions) over the full buckets that start at or after
// guard from the level's start (and never the first), and
// the standard error of that mean from the spread of the per-bucket rates
// (the method of batch means: Law & Kelton, Simulation Modeling and
// Analysis, 3rd ed., 2000, §9.5.3). The buckets before guard hold the
// level's fill: from the first send until the first requests complete, the
// completion rate climbs from zero to its steady value, and counting those
// buckets biases the rate low (by 13 % at 300 requests of an open loop in
// the coverage simulation, where the fill was a third of the window).
// batches is the number of buckets used.
func (t *timeline) batchMeans(now, guard time.Duration, of func(*bucket) float64) (mean, se float64, batches int) {
	full := t.full(now)
	first := 1
	if t.width > 0 {
		first = max(first, int((guard+t.width-1)/t.width))
	}
	if full-first < 1 {
		return math.NaN(), math.Inf(1), 0
	}
	w := t.width.Seconds()
	var sum float64
	for i := first; i < full; i++ {
		sum += of(&t.buckets[i]) / w
	}
	batches = full - first
	mean = sum / float64(batches)
	if batches < 2 {
		return mean, math.Inf(1), batches
	}
	var ss float64
	for i := first; i < full; i++ {
		d := of(&t.buckets[i])/w - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(batches-1) / float64(batches)), batches
}

// tokensOf and countOf are the bucket quantities batchMeans rates: output
// tokens, and completions.
func tokensOf(b *bucket) float64 { return b.tokens }
func countOf(b *bucket) float64  { return b.n }
