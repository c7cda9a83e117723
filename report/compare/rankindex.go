package compare

import (
	"math"
	"slices"
)

// A rankIndex finds the percentiles ps of resamples of one or more
// weighted samples of the same requests (a level's TTFT, TPOT, ITL and E2E)
// without walking their values from the start. For each sample it holds
// pivots, positions in the sorted values near where each percentile falls
// (and the end), and for each request how many of its values lie below
// each pivot. A resample's count of values below a pivot is then a sum over
// the requests, Σ counts[r]·below[r] (one pass for all the samples), and
// each rank sought is found by walking from the pivot nearest to it. On a
// run of 64-token requests that reads about a hundredth of the values the
// walk from the start read, with the same result.
type rankIndex struct {
	ps []float64
	ws []weighted
	// pos[f] are sample f's pivots, ascending, the last ws[f].len()
	// (its count is the resample's size); off[f] is where their counts
	// start among all the samples' (quantiles' cum), noCounts for an
	// empty sample, which has none.
	pos [][]int
	off []int
	// total is the number of pivots of all the samples; width the number
	// of the samples with many values a request, whose pivots come first.
	total, width int
	// below[r*width+off[f]+k] is the number of request r's values in
	// sample f at positions below pos[f][k], for a sample with more than
	// one value for some request.
	below []int32
	// singles are the samples with at most one value a request (TTFT,
	// TPOT, E2E): for those a request's value lies below the pivots from
	// one on, and a request is one slot, not a row.
	singles []singleSample
}

// singleSample is sample f of at most one value a request: slot[r] is the
// first of its pivots request r's value lies below, noSlot for none.
type singleSample struct {
	f    int
	slot []uint8
}

// noCounts is the off of a sample without values: its percentiles are NaN.
const noCounts = -1

// noSlot marks a request without a value in a singleSample.
const noSlot = math.MaxUint8

// newRankIndex indexes samples ws of nreq requests for percentiles ps
// (ascending, 0–100).
func newRankIndex(ws []weighted, ps []float64, nreq int) *rankIndex {
	x := &rankIndex{ps: ps, ws: ws, pos: make([][]int, len(ws)), off: make([]int, len(ws))}
	perReq := make([]int32, nreq)
	var multi []int
	for f, w := range ws {
		n := w.len()
		if n == 0 {
			// No value (a level without sessions has no turns' TTFT): no
			// pivot, no count, and no request is read for it (noCounts).
			x.off[f] = noCounts
			continue
		}
		var pos []int
		for _, p := range ps {
			if at := int(p / 100 * float64(n)); at > 0 && at < n && !slices.Contains(pos, at) {
				pos = append(pos, at)
			}
		}
		x.pos[f] = append(pos, n)
		clear(perReq)
		for i := range n {
			perReq[w.ownerOf(i)]++
		}
		if len(x.pos[f]) < noSlot && !slices.ContainsFunc(perReq, func(c int32) bool { return c > 1 }) {
			x.singles = append(x.singles, x.single(f, nreq))
		} else {
			multi = append(multi, f)
		}
	}
	for _, f := range multi {
		x.off[f] = x.width
		x.width += len(x.pos[f])
	}
	x.total = x.width
	for _, sf := range x.singles {
		x.off[sf.f] = x.total
		x.total += len(x.pos[sf.f])
	}
	x.below = make([]int32, nreq*x.width)
	for _, f := range multi {
		clear(perReq)
		i := 0
		for k, pos := range x.pos[f] {
			for ; i < pos; i++ {
				perReq[ws[f].ownerOf(i)]++
			}
			for r, c := range perReq {
				x.below[r*x.width+x.off[f]+k] = c
			}
		}
	}
	return x
}

// single returns sample f's slots (its pivots set).
func (x *rankIndex) single(f, nreq int) singleSample {
	sf := singleSample{f: f, slot: make([]uint8, nreq)}
	for r := range sf.slot {
		sf.slot[r] = noSlot
	}
	i := 0
	for k, pos := range x.pos[f] {
		for ; i < pos; i++ {
			sf.slot[x.ws[f].ownerOf(i)] = uint8(k)
		}
	}
	return sf
}

// maxFastWidth is the most pivots quantiles counts in a fixed array.
const maxFastWidth = 32

// quantiles writes to dst[f] the type-7 percentiles x.ps of sample f's
// multiset in which value i appears counts[owner[i]] times. It is quantile7
// of the expanded, sorted resample, exactly (TestRankIndexIsTheScan,
// TestWeightedQuantilesMatchExpanded). dst[f] gets NaN when the multiset is
// empty.
func (x *rankIndex) quantiles(counts []int32, dst [][]float64) {
	var buf [maxFastWidth]int64
	cum := buf[:0]
	if x.total > maxFastWidth {
		cum = make([]int64, 0, x.total)
	}
	cum = cum[:x.total]
	w := x.width
	for r, c := range counts {
		if c == 0 {
			continue
		}
		c64 := int64(c)
		row := cum[:w]
		for k, b := range x.below[r*w : r*w+w] {
			row[k] += c64 * int64(b)
		}
		for _, sf := range x.singles {
			if s := sf.slot[r]; s != noSlot {
				cum[x.off[sf.f]+int(s)] += c64
			}
		}
	}
	for _, sf := range x.singles { // counts in each slot → counts below each pivot
		seg := cum[x.off[sf.f] : x.off[sf.f]+len(x.pos[sf.f])]
		for k := 1; k < len(seg); k++ {
			seg[k] += seg[k-1]
		}
	}
	for f := range x.ws {
		if x.off[f] == noCounts {
			for i := range dst[f] {
				dst[f][i] = math.NaN()
			}
			continue
		}
		x.sampleQuantiles(f, counts, cum[x.off[f]:x.off[f]+len(x.pos[f])], dst[f])
	}
}

// sampleQuantiles writes sample f's percentiles to dst, cum holding the
// resample's count below each of its pivots.
func (x *rankIndex) sampleQuantiles(f int, counts []int32, cum []int64, dst []float64) {
	n := cum[len(cum)-1]
	if n == 0 {
		for i := range x.ps {
			dst[i] = math.NaN()
		}
		return
	}
	for k, p := range x.ps {
		h := float64(n-1) * p / 100
		lo := int64(math.Floor(h))
		if lo >= n-1 {
			lo = n - 1
		}
		i, before := x.find(f, counts, cum, lo)
		v := x.ws[f].value(i)
		if frac := h - float64(lo); frac > 0 && lo < n-1 {
			j, _ := x.scan(f, counts, i, before, lo+1)
			v += frac * (x.ws[f].value(j) - v)
		}
		dst[k] = v
	}
}

// find returns the position i in sample f of the value of rank r (0-based)
// of the resample counts, and the number of the resample's values before
// it: the one i with before ≤ r < before + counts[owner[i]]. cum holds the
// resample's count below each of f's pivots. It walks from the pivot
// nearest r in rank, forwards or backwards.
func (x *rankIndex) find(f int, counts []int32, cum []int64, r int64) (int, int64) {
	start, before := 0, int64(0)
	for k, c := range cum {
		if c > r {
			if c-r < r-before {
				return x.scanBack(f, counts, x.pos[f][k], c, r)
			}
			break
		}
		start, before = x.pos[f][k], c
	}
	return x.scan(f, counts, start, before, r)
}

// scan walks sample f forwards from position i, with before values of the
// resample below it, to the value of rank r ≥ before.
func (x *rankIndex) scan(f int, counts []int32, i int, before, r int64) (int, int64) {
	if p := x.ws[f].packed; p != nil {
		for ; i < len(p.keys)-1; i++ {
			c := int64(counts[uint32(p.keys[i])])
			if before+c > r {
				break
			}
			before += c
		}
		return i, before
	}
	owner := x.ws[f].owner
	for ; i < len(owner)-1; i++ {
		c := int64(counts[owner[i]])
		if before+c > r {
			break
		}
		before += c
	}
	return i, before
}

// scanBack walks sample f backwards from position end, with upTo values
// of the resample below it (upTo > r), to the value of rank r.
func (x *rankIndex) scanBack(f int, counts []int32, end int, upTo, r int64) (int, int64) {
	if p := x.ws[f].packed; p != nil {
		for i := end - 1; i > 0; i-- {
			upTo -= int64(counts[uint32(p.keys[i])])
			if upTo <= r {
				return i, upTo
			}
		}
		return 0, 0
	}
	owner := x.ws[f].owner
	for i := end - 1; i > 0; i-- {
		upTo -= int64(counts[owner[i]])
		if upTo <= r {
			return i, upTo
		}
	}
	return 0, 0
}
