package report

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// gapCodes are a level's inter-token or inter-chunk latencies laid out for
// their Dist in 4 bytes a value instead of a float64's 8 (a million records
// of 64 tokens: 256 MB instead of 512). A code below sideCode is a gap of
// that many nanoseconds, whose value is gapMS of it; one at or above it
// indexes side, the values no such code holds (a k-token event's gap/k, a
// gap negative or of 2.1 s or more), one entry for all the tokens of an
// event. dist gives the Dist distOf gives of the values, bit for bit: the
// same selection moves the values the same way (it decides by comparing
// them), and the mean and deviation are summed in the order it leaves them
// (TestGapCodesDistIsDistOf).
type gapCodes struct {
	codes []uint32
	side  []float64
}

// sideCode is the first code that indexes side.
const sideCode = 1 << 31

// value returns the value (ms) of code c.
func (g *gapCodes) value(c uint32) float64 {
	if c >= sideCode {
		return g.side[c-sideCode]
	}
	return gapMS(int64(c))
}

// reset empties g, keeping its memory.
func (g *gapCodes) reset() {
	g.codes, g.side = g.codes[:0], g.side[:0]
}

// add appends k values of a gap of ns nanoseconds spread over k tokens
// (gap/k each; k = 1 for an inter-chunk gap).
func (g *gapCodes) add(ns, k int64) {
	if k == 1 && ns >= 0 && ns < sideCode {
		g.codes = append(g.codes, uint32(ns))
		return
	}
	c := uint32(sideCode + len(g.side))
	v := gapMS(ns)
	if k != 1 {
		v /= float64(k)
	}
	g.side = append(g.side, v)
	for range k {
		g.codes = append(g.codes, c)
	}
}

// less orders codes by their values.
func (g *gapCodes) less(a, b uint32) bool { return g.value(a) < g.value(b) }

// dist is distOf of the values of g's codes, which it reorders.
func (g *gapCodes) dist() Dist {
	v := g.codes
	n := len(v)
	if n == 0 {
		return Dist{}
	}
	d := Dist{N: n}
	d.Min, d.Max = g.minMax()
	ks := distRanks(n)
	slices.Sort(ks)
	ks = slices.Compact(ks)
	g.multiselect(0, n, ks, 2*bits.Len(uint(n)))
	d.setPercentiles(g.quantile7)
	d.Mean = g.mean()
	// The largest magnitude among the values is that of the least or the
	// greatest (no value is NaN: a gap over k ≥ 1 tokens).
	d.Stddev = g.stddev(d.Mean, max(math.Abs(d.Min), math.Abs(d.Max)))
	return d
}

// minMax returns the least and the greatest of the codes' values (there is
// at least one): of the plain codes by their integers, as gapMS is
// increasing over them, so that no value is divided out but the two.
func (g *gapCodes) minMax() (lo, hi float64) {
	minC, maxC := uint32(sideCode), uint32(0)
	plain, side := false, false
	for _, c := range g.codes {
		if c < sideCode {
			minC, maxC, plain = min(minC, c), max(maxC, c), true
			continue
		}
		x := g.side[c-sideCode]
		if !side {
			lo, hi, side = x, x, true
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	if plain {
		a, b := gapMS(int64(minC)), gapMS(int64(maxC))
		if !side {
			return a, b
		}
		lo, hi = min(lo, a), max(hi, b)
	}
	return lo, hi
}

// plainBounds returns, for a value v, where the plain codes (those below
// sideCode) stand against it: a plain code c has a value below v exactly
// when c < below, and above v exactly when c >= above. gapMS is increasing
// over the plain codes, so each set is a run of them, found by bisection
// with the very comparison a value would meet (v NaN: neither, as for a
// value). partition3 then compares plain codes as integers, deciding as it
// would on their values without dividing each out.
func plainBounds(v float64) (below, above uint32) {
	below = firstCode(func(c uint32) bool { return !(gapMS(int64(c)) < v) })
	above = firstCode(func(c uint32) bool { return gapMS(int64(c)) > v })
	return below, above
}

// firstCode returns the least plain code for which f, false then true
// over the plain codes in order, is true (sideCode when none is).
func firstCode(f func(c uint32) bool) uint32 {
	lo, hi := uint32(0), uint32(sideCode)
	for lo < hi {
		m := lo + (hi-lo)/2
		if f(m) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// multiselect is multiselect of selectranks.go on the codes' values: the
// same partitions, the same small sorts (slices.SortFunc is the pattern-
// defeating quicksort slices.Sort is, deciding by the same comparisons).
// Written twice on purpose: one generic selection over a key method
// (float64s keyed by themselves, codes by value) measured the same on
// codes and 13–20 % slower on float64s (BenchmarkSelect, 6.4 M values:
// 190 → 214–234 ms; the key call goes through the instantiation's
// dictionary and is not inlined), about 7 % of BenchmarkSummarize.
func (g *gapCodes) multiselect(lo, hi int, ks []int, depth int) {
	v := g.codes
	for len(ks) > 0 && hi-lo > 1 {
		if hi-lo <= 16 || depth == 0 {
			slices.SortFunc(v[lo:hi], func(a, b uint32) int { return cmp.Compare(g.value(a), g.value(b)) })
			return
		}
		depth--
		lt, gt := g.partition3(lo, hi, g.pivot(lo, hi))
		i := sort.SearchInts(ks, lt)
		j := sort.SearchInts(ks, gt)
		g.multiselect(lo, lt, ks[:i], depth)
		lo, ks = gt, ks[j:]
	}
}

// pivot is pivot of selectranks.go, as a code.
func (g *gapCodes) pivot(lo, hi int) uint32 {
	v := g.codes
	n := hi - lo
	m := lo + n/2
	if n < 128 {
		return g.median3(v[lo], v[m], v[hi-1])
	}
	s := n / 8
	return g.median3(g.median3(v[lo], v[lo+s], v[lo+2*s]), g.median3(v[m-s], v[m], v[m+s]), g.median3(v[hi-1-2*s], v[hi-1-s], v[hi-1]))
}

// median3 is median3 of selectranks.go, as a code.
func (g *gapCodes) median3(a, b, c uint32) uint32 {
	if g.less(b, a) {
		a, b = b, a
	}
	if g.less(c, b) {
		b = c
	}
	if g.less(a, b) {
		return b
	}
	return a
}

// partition3 is partition3 of selectranks.go on the codes' values.
func (g *gapCodes) partition3(lo, hi int, p uint32) (lt, gt int) {
	v := g.codes
	pv := g.value(p)
	below, above := plainBounds(pv)
	lt, i, gt := lo, lo, hi
	for i < gt {
		x := v[i]
		var less, more bool
		if x < sideCode {
			less, more = x < below, x >= above
		} else {
			xv := g.side[x-sideCode]
			less, more = xv < pv, xv > pv
		}
		switch {
		case less:
			v[lt], v[i] = x, v[lt]
			lt++
			i++
		case more:
			gt--
			v[i], v[gt] = v[gt], x
		default:
			i++
		}
	}
	return lt, gt
}

// quantile7 is Quantile7 of the codes' values, selected.
func (g *gapCodes) quantile7(p float64) float64 {
	v := g.codes
	n := len(v)
	if n == 1 {
		return g.value(v[0])
	}
	h := p / 100 * float64(n-1)
	k := int(h)
	if k >= n-1 {
		return g.value(v[n-1])
	}
	f := h - float64(k)
	a, b := g.value(v[k]), g.value(v[k+1])
	if f == 0 || a == b {
		return a
	}
	return a + f*(b-a)
}

// mean is the mean montanaflynn/stats.Mean computes (distOf's): the values
// summed in order, over their number; on an overflow, summed again scaled
// down by a power of two at least their number.
func (g *gapCodes) mean() float64 {
	var sum float64
	for _, c := range g.codes {
		sum += g.value(c)
	}
	l := float64(len(g.codes))
	if math.IsInf(sum, 0) {
		_, e := math.Frexp(l)
		sum = 0
		for _, c := range g.codes {
			sum += math.Ldexp(g.value(c), -e)
		}
		return math.Ldexp(sum/l, e)
	}
	return sum / l
}

// stddev is the population standard deviation montanaflynn/stats computes
// (StandardDeviationPopulation, distOf's) of values of mean mean: the
// squared deviations summed scaled by a power of two near the largest
// magnitude (largest, the greatest absolute value), so that they cannot
// overflow.
func (g *gapCodes) stddev(mean, largest float64) float64 {
	_, e := math.Frexp(largest)
	if e < -1021 {
		e = -1021
	}
	f := math.Ldexp(1, -e)
	m := mean * f
	var variance float64
	for _, c := range g.codes {
		d := g.value(c)*f - m
		variance += d * d
	}
	return math.Ldexp(math.Sqrt(variance/float64(len(g.codes))), e)
}
