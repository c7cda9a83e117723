package compare

import "math/bits"

// sortByValue sorts values ascending with pos moved alongside, ties by
// pos: (value, pos) pairs, all distinct, in a strict order when no value is
// NaN, so the result is the one any correct sort gives — that of a stable
// sort of the values when pos is their order of arrival. It is an
// introsort (quicksort on a median of three, heapsort past 2·log₂ n levels,
// insertion sort below 12 elements) written for the two slices, hand-written
// because newWeighted sorts tens of millions of ITLs in place: sort.Sort's
// calls through an interface were most of its time, and slices.SortFunc
// needs the pairs packed into one slice, 16 bytes a value more (1 GB on a
// pair of 1M-request runs) for no gain (2M values: 356–399 ms packed and
// unpacked, 401–430 ms here, go test -bench on this 2-core machine).
func sortByValue(values []float64, pos []int32) {
	s := pairSorter{values, pos}
	s.quick(0, len(values), 2*bits.Len(uint(len(values))))
}

// pairSorter sorts values and pos together (sortByValue).
type pairSorter struct {
	v []float64
	p []int32
}

func (s pairSorter) less(i, j int) bool {
	return s.v[i] < s.v[j] || s.v[i] == s.v[j] && s.p[i] < s.p[j]
}

func (s pairSorter) swap(i, j int) {
	s.v[i], s.v[j] = s.v[j], s.v[i]
	s.p[i], s.p[j] = s.p[j], s.p[i]
}

// quick sorts [lo, hi), heapsorting once depth levels are used up.
func (s pairSorter) quick(lo, hi, depth int) {
	for hi-lo > 12 {
		if depth == 0 {
			s.heap(lo, hi)
			return
		}
		depth--
		m := s.partition(lo, hi)
		if m-lo < hi-m { // recurse into the smaller side
			s.quick(lo, m, depth)
			lo = m + 1
		} else {
			s.quick(m+1, hi, depth)
			hi = m
		}
	}
	for i := lo + 1; i < hi; i++ {
		for j := i; j > lo && s.less(j, j-1); j-- {
			s.swap(j, j-1)
		}
	}
}

// partition places the median of [lo, hi)'s first, middle and last pair
// at its final position m, smaller pairs before it and larger after, and
// returns m (hi − lo ≥ 3).
func (s pairSorter) partition(lo, hi int) int {
	mid := lo + (hi-lo)/2
	if s.less(mid, lo) {
		s.swap(mid, lo)
	}
	if s.less(hi-1, mid) {
		s.swap(hi-1, mid)
		if s.less(mid, lo) {
			s.swap(mid, lo)
		}
	}
	s.swap(lo, mid)
	i, j := lo+1, hi-1
	for {
		for i <= j && s.less(i, lo) {
			i++
		}
		for i <= j && s.less(lo, j) {
			j--
		}
		if i > j {
			break
		}
		s.swap(i, j)
		i++
		j--
	}
	s.swap(lo, j)
	return j
}

// heap heapsorts [lo, hi).
func (s pairSorter) heap(lo, hi int) {
	n := hi - lo
	for i := n/2 - 1; i >= 0; i-- {
		s.siftDown(lo, i, n)
	}
	for end := n - 1; end > 0; end-- {
		s.swap(lo, lo+end)
		s.siftDown(lo, 0, end)
	}
}

// siftDown restores the max-heap of n pairs at lo from node i down.
func (s pairSorter) siftDown(lo, i, n int) {
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && s.less(lo+c, lo+c+1) {
			c++
		}
		if !s.less(lo+i, lo+c) {
			return
		}
		s.swap(lo+i, lo+c)
		i = c
	}
}
