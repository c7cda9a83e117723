package compare

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/inferbench/inferbench/report"

	"gonum.org/v1/gonum/stat/distuv"
)

// The statistics of this file are written here rather than taken from a
// library: gonum/stat (the numeric library in go.mod) has neither a
// bootstrap nor the Mann–Whitney U test, its Quantile has no type-7
// (NumPy default) estimator, and no maintained Go module offers them. gonum
// supplies the normal and Student's t distributions they need.

// weighted is a sorted sample whose elements each stand for a number of
// copies: the resample of a bootstrap replicate without re-sorting. owner[i]
// says which request value i came from; a replicate's copies of value i are
// the number of times it drew that request.
//
// A level's ITL sample is held packed instead (packedITL): keys[i] is value
// i's nanoseconds above its owner, and values and owner are nil.
type weighted struct {
	values []float64 // ascending
	owner  []int32   // request index of each value
	packed *packedITL
}

// len is the number of values of w.
func (w *weighted) len() int {
	if w.packed != nil {
		return len(w.packed.keys)
	}
	return len(w.values)
}

// value returns w's value at position i.
func (w *weighted) value(i int) float64 {
	if w.packed != nil {
		return w.packed.value(i)
	}
	return w.values[i]
}

// floats returns w's values as a slice (laid out for a packed sample).
func (w *weighted) floats() []float64 {
	if w.packed == nil {
		return w.values
	}
	out := make([]float64, w.len())
	c := w.cursor()
	for i := range out {
		out[i] = c.at(i)
	}
	return out
}

// cursor returns a reader of w's values in ascending positions.
func (w *weighted) cursor() valueCursor { return valueCursor{w: w} }

// valueCursor reads a weighted sample's values at positions that never
// decrease, finding a packed sample's values aside by walking, not
// searching.
type valueCursor struct {
	w *weighted
	j int // the first of the values aside at or after the last position read
}

// at returns the value at position i, no lower than the last one read.
func (c *valueCursor) at(i int) float64 {
	p := c.w.packed
	if p == nil {
		return c.w.values[i]
	}
	for c.j < len(p.asidePos) && p.asidePos[c.j] < i {
		c.j++
	}
	if c.j < len(p.asidePos) && p.asidePos[c.j] == i {
		return p.asideVal[c.j]
	}
	return gapOfNS(uint32(p.keys[i] >> 32))
}

// ownerOf returns the request value i came from.
func (w *weighted) ownerOf(i int) int32 {
	if w.packed != nil {
		return int32(uint32(w.packed.keys[i]))
	}
	return w.owner[i]
}

// newWeighted sorts the values (with their owners) ascending, equal values
// in the order they came (a stable sort). It sorts values in place and
// returns owner's memory reordered: the caller gives both up.
func newWeighted(values []float64, owner []int32) weighted {
	if slices.ContainsFunc(values, math.IsNaN) {
		return newWeightedStable(values, owner)
	}
	if slices.IsSorted(owner) {
		// Owners in the order the values came (as a Collector's are): ties
		// by owner are ties by position, but for pairs alike in both.
		sortByValue(values, owner)
		return weighted{values: values, owner: owner}
	}
	// Ties broken by position: the stable order, by an unstable sort that
	// moves values and their positions together, in place.
	idx := make([]int32, len(values))
	for i := range idx {
		idx[i] = int32(i)
	}
	sortByValue(values, idx)
	for i, j := range idx {
		idx[i] = owner[j]
	}
	copy(owner, idx)
	return weighted{values: values, owner: owner}
}

// newWeightedStable is newWeighted by a stable sort of positions, for
// values with a NaN (which orders with nothing).
func newWeightedStable(values []float64, owner []int32) weighted {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpValues(values[a], values[b]) })
	w := weighted{values: make([]float64, len(values)), owner: make([]int32, len(values))}
	for i, j := range idx {
		w.values[i], w.owner[i] = values[j], owner[j]
	}
	return w
}

// cmpValues orders a before b when a < b, after when a > b (NaN is equal
// to everything, as the comparison engine always ordered it).
func cmpValues(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// resampleCounts draws n indices uniformly with replacement from [0, n) and
// returns how many times each was drawn, in counts (len n).
func resampleCounts(rng *rand.Rand, counts []int32) {
	clear(counts)
	n := len(counts)
	for range n {
		counts[rng.IntN(n)]++
	}
}

// resampleClusters draws len(drawn) clusters uniformly with replacement
// from [0, len(drawn)), counting each one's draws in drawn, and gives each
// request of counts the draws of its cluster (cluster[i]): a cluster
// bootstrap (Davison & Hinkley, Bootstrap Methods and their Application,
// 1997, §3.8), whose resample holds whole clusters.
func resampleClusters(rng *rand.Rand, counts []int32, cluster []uint32, drawn []int32) {
	resampleCounts(rng, drawn)
	for i, c := range cluster {
		counts[i] = drawn[c]
	}
}

// MannWhitney is the result of a two-sided Mann–Whitney U test (Wilcoxon
// rank-sum test) of two samples.
type MannWhitney struct {
	// U is the statistic of the first sample: the number of pairs (x, y)
	// with x > y, ties counting one half. U of the second sample is
	// n1·n2 − U.
	U float64 `json:"u"`
	// P is the two-sided p-value: exact for small samples without ties,
	// else by the normal approximation with tie and continuity corrections.
	P float64 `json:"p"`
	// Exact says P came from the exact distribution of U.
	Exact bool `json:"exact"`
	// Effect is the common-language effect size U / (n1·n2): the
	// probability that a value of the first sample exceeds one of the
	// second (ties half). 0.5 means no shift.
	Effect float64 `json:"effect"`
}

// exactMWLimit is the largest sample size for which P is exact: both
// samples of at most this many values, and no ties.
const exactMWLimit = 20

// MannWhitneyU tests whether x and y come from the same distribution
// against a shift in either direction. Ranks are computed over the pooled
// sample with ties given their average rank; U₁ = R₁ − n₁(n₁+1)/2
// (Mann & Whitney 1947). Without ties and with both samples of at most 20
// values, P is exact (the distribution of U counted by recursion);
// otherwise z = (|U₁ − n₁n₂/2| − ½) / σ with
// σ² = n₁n₂/12 · ((n+1) − Σ(t³−t) / (n(n−1))) over the tie groups t, and
// P = 2(1 − Φ(z)). Empty samples give NaN; samples whose values are all
// equal give P = 1. x and y are not modified.
func MannWhitneyU(x, y []float64) MannWhitney {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return MannWhitney{U: math.NaN(), P: math.NaN(), Effect: math.NaN()}
	}
	type obs struct {
		v     float64
		first bool
	}
	pool := make([]obs, 0, n1+n2)
	for _, v := range x {
		pool = append(pool, obs{v, true})
	}
	for _, v := range y {
		pool = append(pool, obs{v, false})
	}
	slices.SortFunc(pool, func(a, b obs) int { return cmpValues(a.v, b.v) })
	n := n1 + n2
	var r1, tieSum float64
	ties := false
	for i := 0; i < n; {
		j := i
		for j < n && pool[j].v == pool[i].v {
			j++
		}
		// values i..j-1 share the ranks i+1..j: average (i+1+j)/2.
		rank := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			if pool[k].first {
				r1 += rank
			}
		}
		if t := float64(j - i); t > 1 {
			ties = true
			tieSum += t*t*t - t
		}
		i = j
	}
	return mannWhitneyOf(n1, n2, r1, tieSum, ties)
}

// mannWhitneySorted is MannWhitneyU of x and y sorted ascending (neither
// holding a NaN), ranked by merging them rather than sorting their pool:
// the same tie groups in the same order, so the same U and P, bit for bit
// (TestMannWhitneySortedIsMannWhitneyU).
func mannWhitneySorted(x, y []float64) MannWhitney {
	return mannWhitneyWeighted(&weighted{values: x}, &weighted{values: y})
}

// mannWhitneyWeighted is mannWhitneySorted of the values of x and y, held
// as slices or packed.
func mannWhitneyWeighted(xw, yw *weighted) MannWhitney {
	n1, n2 := xw.len(), yw.len()
	if n1 == 0 || n2 == 0 {
		return MannWhitney{U: math.NaN(), P: math.NaN(), Effect: math.NaN()}
	}
	x, y := xw.cursor(), yw.cursor()
	var r1, tieSum float64
	ties := false
	for a, b := 0, 0; a < n1 || b < n2; {
		var v float64
		switch {
		case a == n1:
			v = y.at(b)
		case b == n2:
			v = x.at(a)
		default:
			v = min(x.at(a), y.at(b))
		}
		a0, b0 := a, b
		for a < n1 && x.at(a) == v {
			a++
		}
		for b < n2 && y.at(b) == v {
			b++
		}
		// the group holds pooled positions i..j-1: ranks i+1..j.
		i := a0 + b0
		j := a + b
		rank := float64(i+1+j) / 2
		for range a - a0 {
			r1 += rank
		}
		if t := float64(j - i); t > 1 {
			ties = true
			tieSum += t*t*t - t
		}
	}
	return mannWhitneyOf(n1, n2, r1, tieSum, ties)
}

// mannWhitneyOf finishes the Mann–Whitney test of samples of n1 and n2
// values from the first one's rank sum r1 and the ties' Σ(t³−t).
func mannWhitneyOf(n1, n2 int, r1, tieSum float64, ties bool) MannWhitney {
	n := n1 + n2
	u := r1 - float64(n1)*float64(n1+1)/2
	m := MannWhitney{U: u, Effect: u / (float64(n1) * float64(n2))}
	if !ties && n1 <= exactMWLimit && n2 <= exactMWLimit {
		m.P, m.Exact = exactMWP(n1, n2, u), true
		return m
	}
	nn := float64(n)
	variance := float64(n1) * float64(n2) / 12 * ((nn + 1) - tieSum/(nn*(nn-1)))
	if variance <= 0 {
		m.P = 1
		return m
	}
	d := math.Abs(u-float64(n1)*float64(n2)/2) - 0.5
	if d < 0 {
		d = 0
	}
	z := d / math.Sqrt(variance)
	m.P = min(1, 2*distuv.UnitNormal.Survival(z))
	return m
}

// exactMWP is the exact two-sided p-value of U = u for samples of n1 and n2
// values without ties: 2·P(U ≤ min(u, n1n2 − u)), capped at 1. The number of
// arrangements with U = k, f(n1, n2, k), follows
// f(n1, n2, k) = f(n1−1, n2, k−n2) + f(n1, n2−1, k) (the largest value
// belongs to the first sample, adding n2 to U, or to the second); the total
// is C(n1+n2, n1).
func exactMWP(n1, n2 int, u float64) float64 {
	maxU := n1 * n2
	// f[a][b] is the distribution of U for a and b values, built up in a.
	prev := make([][]float64, n2+1) // a = 0: U is 0 whatever b
	for b := range prev {
		prev[b] = make([]float64, maxU+1)
		prev[b][0] = 1
	}
	for a := 1; a <= n1; a++ {
		cur := make([][]float64, n2+1)
		cur[0] = make([]float64, maxU+1)
		cur[0][0] = 1 // b = 0: U is 0
		for b := 1; b <= n2; b++ {
			cur[b] = make([]float64, maxU+1)
			for k := 0; k <= a*b; k++ {
				var c float64
				if k >= b {
					c += prev[b][k-b]
				}
				c += cur[b-1][k]
				cur[b][k] = c
			}
		}
		prev = cur
	}
	dist := prev[n2]
	var total float64
	for _, c := range dist {
		total += c
	}
	lo := math.Min(u, float64(maxU)-u)
	var tail float64
	for k := 0; float64(k) <= lo+1e-9; k++ {
		tail += dist[k]
	}
	return min(1, 2*tail/total)
}

// predictionInterval returns the two-sided (1−alpha) prediction interval
// for one new observation from the normal population the values were drawn
// from: mean ± t(1−alpha/2; n−1) · s · √(1 + 1/n), with s the sample
// standard deviation (n − 1 in the denominator). It needs at least two
// values; NaN bounds otherwise.
func predictionInterval(values []float64, alpha float64) (lo, hi float64) {
	n := len(values)
	if n < 2 {
		return math.NaN(), math.NaN()
	}
	var mean float64
	for _, v := range values {
		mean += v
	}
	mean /= float64(n)
	var ss float64
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	s := math.Sqrt(ss / float64(n-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - alpha/2)
	half := t * s * math.Sqrt(1+1/float64(n))
	return mean - half, mean + half
}

// outlierZ is the modified z-score past which an earlier run's value is
// left out of the history's prediction interval: M = 0.6745·(x − x̃)/MAD,
// an outlier when |M| > 3.5 (Iglewicz & Hoaglin, How to Detect and Handle
// Outliers, ASQC 1993, ch. 3; 0.6745 makes the MAD of a normal sample
// estimate σ).
const outlierZ = 3.5

// outlierMinShare is how far from the median, as a share of it, a value
// must also be to be left out: a history of near-identical runs has a MAD
// so small that every trace of a difference scores past outlierZ (five
// identical nights of the fixed-timing mock on a quiet machine: TPOT p50
// MAD 0.00008 ms, 9.99969 and 10.00054 ms scored 3.65 and 3.70), and
// leaving such a value out moves the interval by nothing a threshold
// could see.
const outlierMinShare = 0.01

// withoutOutliers splits the earlier runs' values into those the
// prediction interval is made of and the outliers it leaves out (by their
// modified z-score, outlierZ, and more than outlierMinShare from the
// median), each in the order given. The interval is
// mean ± t·s: one run far from the others — a night the machine was busy,
// or a regression that was let in — inflates s until a regression of its
// size reads as noise; the median and the MAD that judge it are not moved
// by it. Where the MAD is 0 (half the values or more are equal) the
// score is taken with the mean absolute deviation instead; nothing is left
// out when all are equal, nor when fewer than keep values would remain. med is the values' median (the baseline), which the rule
// judges by. values is left as it is.
func withoutOutliers(values []float64, keep int) (kept, out []float64, med float64) {
	med = median(slices.Clone(values))
	dev := make([]float64, len(values))
	for i, v := range values {
		dev[i] = math.Abs(v - med)
	}
	// The score's scale: σ estimated as MAD/0.6745, or, where half the
	// values or more are equal (MAD 0: an error rate of 0 on most nights),
	// as 1.253314 (√(π/2)) times the mean absolute deviation from the
	// median, the fallback IBM documents for the modified z-score (Cognos
	// Analytics 11.1, "Modified z score"); with it, one night of 30 %
	// errors among six of none is an outlier (5.58), two are not (2.79).
	scale := median(dev) / 0.6745
	if !(scale > 0) {
		var sum float64
		for _, d := range dev {
			sum += d
		}
		scale = 1.253314 * sum / float64(len(dev))
	}
	if !(scale > 0) {
		return values, nil, med
	}
	for _, v := range values {
		if d := math.Abs(v - med); d/scale > outlierZ && d > outlierMinShare*math.Abs(med) {
			out = append(out, v)
		} else {
			kept = append(kept, v)
		}
	}
	if len(kept) < keep {
		return values, nil, med
	}
	return kept, out, med
}

// median returns the median of values (type 7: the mean of the middle two
// for an even count); values is reordered in place. NaN for none.
func median(values []float64) float64 {
	return report.QuantileOf(values, 50)
}
