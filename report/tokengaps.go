package report

import "math"

// tokenGaps holds a level's inter-token gaps for its ITL and inter-chunk
// distributions, compactly: one uint32 of nanoseconds per token-bearing
// event after a request's first, where keeping the per-token ITL values and
// the gaps as float64 milliseconds took 16 bytes per event (a million
// records of 64 tokens: 1 GB, twice that while the slices grew). Both
// distributions are exact: dists lays the values out in the order the
// events were added, as appendITL and appendGaps do, for their Dist.
type tokenGaps struct {
	// blocks hold each event's gap in ns, gapBlock to a block (the last
	// one filling): a level's tens of millions of events are never copied
	// to grow a slice. wideGap marks a gap kept in wide (one of 4.3 s or
	// more, or negative).
	blocks [][]uint32
	wide   []int64
	// events counts the events; multi lists those carrying k ≠ 1 tokens,
	// in order.
	events int
	multi  []multiEvent
}

// gapBlock is the number of gaps in one block of tokenGaps (256 KiB).
const gapBlock = 1 << 16

// multiEvent is event i (counted from 0 over the level) that carried k
// tokens.
type multiEvent struct {
	i int
	k int64
}

// wideGap marks a gap that does not fit in a uint32 of nanoseconds.
const wideGap = math.MaxUint32

// add keeps the gaps of a record's chunks (eachGap).
func (t *tokenGaps) add(chunks [][2]int64) {
	eachGap(chunks, func(ns, k int64) {
		if t.events%gapBlock == 0 {
			t.blocks = append(t.blocks, make([]uint32, 0, gapBlock))
		}
		b := &t.blocks[len(t.blocks)-1]
		if ns >= 0 && ns < wideGap {
			*b = append(*b, uint32(ns))
		} else {
			*b = append(*b, wideGap)
			t.wide = append(t.wide, ns)
		}
		if k != 1 {
			t.multi = append(t.multi, multiEvent{i: t.events, k: k})
		}
		t.events++
	})
}

// tokens is the number of per-token ITL values, Σ k: one per event, and
// k − 1 more for each event of multi.
func (t *tokenGaps) tokens() int {
	n := t.events
	for _, e := range t.multi {
		n += int(e.k) - 1
	}
	return n
}

// each calls f for every event in order with its gap (ms, gapMS) and its
// tokens.
func (t *tokenGaps) each(f func(gap float64, k int64)) {
	t.eachNS(func(ns, k int64) { f(gapMS(ns), k) })
}

// eachNS calls f for every event in order with its gap in nanoseconds and
// its tokens.
func (t *tokenGaps) eachNS(f func(ns, k int64)) {
	i, w, m := 0, 0, 0
	for _, b := range t.blocks {
		for _, u := range b {
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
			f(ns, k)
			i++
		}
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

// dists returns the ITL and inter-chunk distributions, laying out each in
// turn as codes in g (4 bytes a value, gapCodes; grown as needed, kept for
// reuse): the Dists distOf gives of the values appendITL and appendGaps
// lay out as float64. When every event carried one token the per-token
// ITLs are the gaps (gap/1 is gap), and one Dist is both.
func (t *tokenGaps) dists(g *gapCodes) (itl, gaps Dist) {
	if n := t.tokens(); cap(g.codes) < n {
		g.codes = make([]uint32, 0, n)
	}
	if n := len(t.multi) + len(t.wide); cap(g.side) < n {
		g.side = make([]float64, 0, n) // one a multi-token event or wide gap (and a gap of 2.1–4.3 s: appended)
	}
	g.reset()
	t.eachNS(func(ns, _ int64) { g.add(ns, 1) })
	gaps = g.dist()
	if len(t.multi) == 0 {
		return gaps, gaps
	}
	g.reset()
	t.eachNS(g.add)
	return g.dist(), gaps
}
