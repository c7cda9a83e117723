package compare

import (
	"math"

	"github.com/inferbench/inferbench/report"
)

// itlEvents collects a level's ITL values while its records are read, one
// entry per token-bearing event rather than per token, and that entry a
// uint32 of nanoseconds: an event's gap in ms (report.EachITL) is
// float64(ns)/1e6 of the records' integer nanoseconds, so the gap is kept
// as those nanoseconds whenever that gives back its very bits. Events of
// k > 1 tokens and gaps that do not fit (negative, 4.3 s or more) are kept
// aside with their gap as it came. Each request's number of events stands
// in for each value's owner. A token's value and owner took 12 bytes; an
// event now takes 4, and a request 4. The values and owners per token are
// laid out once the reading is done (expand), when the summary's own
// per-event memory is gone: each token's value is its event's gap over k,
// the same bits as before (TestITLEventsExpand).
type itlEvents struct {
	// ns[e] is event e's gap in nanoseconds, in request order; unused (0)
	// for an event aside.
	ns []uint32
	// aside are the events of k > 1 tokens or a gap ns cannot hold,
	// ascending by event.
	aside []asideEvent
	// events[r] is the number of events of request r (the r-th request
	// added, as owners number them).
	events []int32
	tokens int
}

// asideEvent is event e, of k tokens and gap ms.
type asideEvent struct {
	e   int
	k   int64
	gap float64
}

// add appends request r's ITL events (report.EachITL of chunks); r counts
// up from the previous call's.
func (t *itlEvents) add(r int32, chunks [][2]int64) {
	for int32(len(t.events)) <= r {
		t.events = append(t.events, 0)
	}
	report.EachITL(chunks, func(gap float64, k int64) {
		ns := math.Round(gap * 1e6)
		if k == 1 && ns >= 0 && ns <= math.MaxUint32 && !math.Signbit(gap) && gapOfNS(uint32(ns)) == gap {
			t.ns = append(t.ns, uint32(ns))
		} else {
			t.aside = append(t.aside, asideEvent{e: len(t.ns), k: k, gap: gap})
			t.ns = append(t.ns, 0)
		}
		t.events[r]++
		t.tokens += int(k)
	})
}

// gapOfNS is the gap in ms of ns nanoseconds, as add checks it and expand
// computes it.
func gapOfNS(ns uint32) float64 { return float64(ns) / 1e6 }

// expand returns every token's value and owner (its request), in request
// order: the values the collector kept per token before, the same bits.
// t is emptied.
func (t *itlEvents) expand() (values []float64, owners []int32) {
	values, owners = make([]float64, 0, t.tokens), make([]int32, 0, t.tokens)
	e, a := 0, 0
	for r, n := range t.events {
		for range n {
			if a < len(t.aside) && t.aside[a].e == e {
				ev := t.aside[a]
				a++
				for range ev.k {
					values = append(values, ev.gap/float64(ev.k))
					owners = append(owners, int32(r))
				}
			} else {
				values = append(values, gapOfNS(t.ns[e])) // gap/1 is gap
				owners = append(owners, int32(r))
			}
			e++
		}
	}
	*t = itlEvents{}
	return values, owners
}
