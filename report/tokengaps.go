package report

import "math"

// tokenGaps holds a level's inter-token gaps for its ITL and inter-chunk
// distributions, compactly: one uint32 of nanoseconds per token-bearing
// event after a request's first, where keeping the per-token ITL values and
// the gaps as float64 milliseconds took 16 bytes per event (a million
// records of 64 tokens: 1 GB, twice that while the slices grew). Both
// distributions are exact: values materializes them, in the order the
// events were added, as appendITL-style float64 slices for distOf.
type tokenGaps struct {
	// ns is each event's gap in ns; wideGap marks a gap kept in wide (one
	// of 4.3 s or more, or negative).
	ns   []uint32
	wide []int64
	// multi lists the events carrying k ≠ 1 tokens, in order.
	multi []multiEvent
	// tokens is the number of per-token ITL values: Σ k.
	tokens int
}

// multiEvent is an event (index into tokenGaps.ns) that carried k tokens.
type multiEvent struct {
	i int
	k int64
}

// wideGap marks a gap that does not fit in a uint32 of nanoseconds.
const wideGap = math.MaxUint32

// add keeps the gaps of a record's chunks (eachGap).
func (t *tokenGaps) add(chunks [][2]int64) {
	eachGap(chunks, func(ns, k int64) {
		if ns >= 0 && ns < wideGap {
			t.ns = append(t.ns, uint32(ns))
		} else {
			t.ns = append(t.ns, wideGap)
			t.wide = append(t.wide, ns)
		}
		if k != 1 {
			t.multi = append(t.multi, multiEvent{i: len(t.ns) - 1, k: k})
		}
		t.tokens += int(k)
	})
}

// each calls f for every event in order with its gap (ms, gapMS) and its
// tokens.
func (t *tokenGaps) each(f func(gap float64, k int64)) {
	w, m := 0, 0
	for i, u := range t.ns {
		ns := int64(u)
		if u == wideGap {
			ns = t.wide[w]
			w++
		}
		k := int64(1)
		if m < len(t.multi) && t.multi[m].i == i {
			k = t.multi[m].k
			m++
		}
		f(gapMS(ns), k)
	}
}

// appendITL appends the per-token inter-token latencies (ms) to dst: the
// gap before an event carrying k tokens counts k times as gap/k (EachITL).
func (t *tokenGaps) appendITL(dst []float64) []float64 {
	t.each(func(gap float64, k int64) {
		for range k {
			dst = append(dst, gap/float64(k))
		}
	})
	return dst
}

// appendGaps appends the unspread inter-chunk gaps (ms) to dst.
func (t *tokenGaps) appendGaps(dst []float64) []float64 {
	t.each(func(gap float64, _ int64) { dst = append(dst, gap) })
	return dst
}

// dists returns the ITL and inter-chunk distributions, materializing each
// in turn into scratch (grown as needed, returned for reuse).
func (t *tokenGaps) dists(scratch []float64) (itl, gaps Dist, _ []float64) {
	if cap(scratch) < t.tokens {
		scratch = make([]float64, 0, t.tokens)
	}
	itl = distOf(t.appendITL(scratch[:0]))
	gaps = distOf(t.appendGaps(scratch[:0]))
	return itl, gaps, scratch
}
