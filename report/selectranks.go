package report

import (
	"math"
	"math/bits"
	"slices"
	"sort"
)

// selectRanks reorders v so that, for every index k in ranks, v[k] holds
// the value a full ascending sort would put there (the k-th order
// statistic), in expected linear time: a multi-quickselect that partitions
// three ways (so runs of equal values, common among inter-token latencies,
// cost nothing) and only recurses into parts holding a wanted rank. It is
// deterministic, so a run's summary is the same every time it is computed.
// Past a recursion depth of 2·log2(n), or when v holds a NaN (which no
// ordering puts in one place), it sorts instead.
//
// Hand-written: the standard library and the chosen dependencies sort but
// do not select, and sorting a level's tens of millions of values was the
// largest cost of `report` after reading the records.
func selectRanks(v []float64, ranks []int) {
	for _, x := range v {
		if math.IsNaN(x) {
			slices.Sort(v)
			return
		}
	}
	ks := slices.Clone(ranks)
	slices.Sort(ks)
	ks = slices.Compact(ks)
	multiselect(v, 0, len(v), ks, 2*bits.Len(uint(len(v))))
}

// multiselect places the ranks ks (ascending, all within [lo, hi)) of
// v[lo:hi]; depth bounds the partitioning rounds before it sorts instead.
func multiselect(v []float64, lo, hi int, ks []int, depth int) {
	for len(ks) > 0 && hi-lo > 1 {
		if hi-lo <= 16 || depth == 0 {
			slices.Sort(v[lo:hi])
			return
		}
		depth--
		lt, gt := partition3(v, lo, hi, pivot(v, lo, hi))
		// v[lo:lt] < pivot, v[lt:gt] == pivot (in place), v[gt:hi] > pivot.
		i := sort.SearchInts(ks, lt)
		j := sort.SearchInts(ks, gt)
		multiselect(v, lo, lt, ks[:i], depth)
		lo, ks = gt, ks[j:]
	}
}

// pivot is the median of three samples, or for long ranges the median of
// three such medians (Tukey's ninther), so sorted and reversed input
// partition evenly.
func pivot(v []float64, lo, hi int) float64 {
	n := hi - lo
	m := lo + n/2
	if n < 128 {
		return median3(v[lo], v[m], v[hi-1])
	}
	s := n / 8
	return median3(median3(v[lo], v[lo+s], v[lo+2*s]), median3(v[m-s], v[m], v[m+s]), median3(v[hi-1-2*s], v[hi-1-s], v[hi-1]))
}

func median3(a, b, c float64) float64 {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b = c
	}
	return max(a, b)
}

// partition3 rearranges v[lo:hi] into values < p, == p and > p (Dijkstra's
// three-way partition) and returns the bounds of the middle part.
func partition3(v []float64, lo, hi int, p float64) (lt, gt int) {
	lt, i, gt := lo, lo, hi
	for i < gt {
		switch x := v[i]; {
		case x < p:
			v[lt], v[i] = x, v[lt]
			lt++
			i++
		case x > p:
			gt--
			v[i], v[gt] = v[gt], x
		default:
			i++
		}
	}
	return lt, gt
}
