package compare

import (
	"math"
	"slices"

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
// event now takes 4, and a request 4. The sample is laid out once the
// reading is done, when the summary's own per-event memory is gone: packed
// and sorted (sorted, packedITL), or as values and owners per token
// (expand), each token's value its event's gap over k, the same bits as
// before (TestITLEventsExpand, TestITLSortedIsNewWeighted).
type itlEvents struct {
	// blocks hold event e's gap in nanoseconds, in request order, at
	// blocks[e/itlBlock][e%itlBlock] (unused, 0, for an event aside): in
	// blocks, the tens of millions of a level's events are never copied to
	// grow a slice, nor held twice while one grows (that was 8 bytes an
	// event at times, as much as the keys sorted keeps per token).
	blocks [][]uint32
	// n counts the events.
	n int
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
			t.push(uint32(ns))
		} else {
			t.aside = append(t.aside, asideEvent{e: t.n, k: k, gap: gap})
			t.push(0)
		}
		t.events[r]++
		t.tokens += int(k)
	})
}

// itlBlock is the number of events in one block of itlEvents (256 KiB).
const itlBlock = 1 << 16

// push appends one event's nanoseconds.
func (t *itlEvents) push(ns uint32) {
	if t.n%itlBlock == 0 {
		t.blocks = append(t.blocks, make([]uint32, itlBlock))
	}
	t.blocks[t.n/itlBlock][t.n%itlBlock] = ns
	t.n++
}

// gapOfNS is the gap in ms of ns nanoseconds, as add checks it and expand
// computes it.
func gapOfNS(ns uint32) float64 { return float64(ns) / 1e6 }

// expand returns every token's value and owner (its request), in request
// order: the values the collector kept per token before, the same bits.
// t is emptied.
func (t *itlEvents) expand() (values []float64, owners []int32) {
	values, owners = make([]float64, 0, t.tokens), make([]int32, 0, t.tokens)
	add := func(r int32, v float64) { values, owners = append(values, v), append(owners, r) }
	t.walk(add, func(r int32, ns uint32) { add(r, gapOfNS(ns)) }) // gap/1 is gap
	return values, owners
}

// walk hands each token, in request order with its request r, to aside
// when its value is kept aside (a k-token event's gap/k, k times) or to ns
// with its gap's nanoseconds. Each block is dropped once read (the
// collector may have it back while the caller's slices fill); t is
// emptied.
func (t *itlEvents) walk(aside func(r int32, v float64), ns func(r int32, gap uint32)) {
	e, a := 0, 0
	for r, n := range t.events {
		for range n {
			if a < len(t.aside) && t.aside[a].e == e {
				ev := t.aside[a]
				a++
				for range ev.k {
					aside(int32(r), ev.gap/float64(ev.k))
				}
			} else {
				ns(int32(r), t.blocks[e/itlBlock][e%itlBlock])
			}
			e++
			if e%itlBlock == 0 {
				t.blocks[e/itlBlock-1] = nil
			}
		}
	}
	*t = itlEvents{}
}

// packedITL is a level's ITL sample sorted, 8 bytes a token where values
// and owners took 12: keys[i] is the i-th value's gap in nanoseconds in its
// high 32 bits and its owner (request) in its low 32, so that sorting the
// keys as integers sorts the values with ties by owner, the order
// newWeighted gives them (gapOfNS is increasing in the nanoseconds). The
// values no key can hold (itlEvents.aside: a k-token event's gap/k, a gap
// that is negative or 4.3 s or more) are at positions asidePos
// (ascending), their values asideVal; their keys hold the owner alone.
type packedITL struct {
	keys     []uint64
	asidePos []int
	asideVal []float64
}

// value returns the value at position i.
func (p *packedITL) value(i int) float64 {
	if len(p.asidePos) > 0 {
		if j, ok := slices.BinarySearch(p.asidePos, i); ok {
			return p.asideVal[j]
		}
	}
	return gapOfNS(uint32(p.keys[i] >> 32))
}

// maxAsideShare bounds the tokens aside, as a share of all, that a packed
// sample is made with: each costs 16 bytes beside its key, and past a
// quarter of the tokens (a server that sends several tokens an event) the
// sample of values and owners (12 bytes a token) is smaller.
const maxAsideShare = 0.25

// sorted returns the level's ITL sample sorted as newWeighted sorts the
// values and owners expand gives (the same values in the same order, the
// same owners), packed when few values are aside. t is emptied.
func (t *itlEvents) sorted() weighted {
	asideTokens := 0
	for _, a := range t.aside {
		asideTokens += int(a.k)
		if math.IsNaN(a.gap) {
			asideTokens = t.tokens // no packed order for a NaN: newWeighted's stable one
			break
		}
	}
	if t.tokens == 0 || float64(asideTokens) > maxAsideShare*float64(t.tokens) {
		return newWeighted(t.expand())
	}
	keys := make([]uint64, 0, t.tokens)
	av, ao := make([]float64, 0, asideTokens), make([]int32, 0, asideTokens)
	t.walk(func(r int32, v float64) { av, ao = append(av, v), append(ao, r) },
		func(r int32, ns uint32) { keys = append(keys, uint64(ns)<<32|uint64(uint32(r))) })
	slices.Sort(keys)
	sortByValue(av, ao) // owners came ascending: ties by owner
	// Merge the values aside into the keys, from the back, in place.
	// keys was made with room for every token.
	i, n := len(keys)-1, len(keys)+len(av)
	keys = keys[:n]
	p := &packedITL{asidePos: make([]int, len(av)), asideVal: av}
	for j, out := len(av)-1, n-1; j >= 0; out-- {
		if i >= 0 && keyAfter(keys[i], av[j], ao[j]) {
			keys[out] = keys[i]
			i--
			continue
		}
		keys[out] = uint64(uint32(ao[j]))
		p.asidePos[j] = out
		j--
	}
	p.keys = keys
	if len(av) == 0 {
		p.asidePos, p.asideVal = nil, nil
	}
	return weighted{packed: p}
}

// keyAfter reports whether key's value and owner come after value v of
// owner o (ties by owner, as sortByValue orders them).
func keyAfter(key uint64, v float64, o int32) bool {
	kv := gapOfNS(uint32(key >> 32))
	return kv > v || kv == v && int32(uint32(key)) > o
}
