package compare

import "github.com/inferbench/inferbench/report"

// itlEvents collects a level's ITL values while its records are read, one
// entry per token-bearing event rather than per token: the value each of
// the event's tokens gets (its gap over its k tokens, report/metrics.go),
// with the k of the few events of more than one token kept aside and each
// request's number of events in place of each value's owner. A token's
// value and owner took 12 bytes; an event takes 8, and a request 4. The
// values and owners per token are laid out once the reading is done
// (expand), when the summary's own per-event memory is gone.
type itlEvents struct {
	// perToken[e] is event e's value for each of its tokens, in request
	// order.
	perToken []float64
	// multi are the events of k > 1 tokens, ascending by event.
	multi []multiEvent
	// events[r] is the number of events of request r (the r-th request
	// added, as owners number them).
	events []int32
	tokens int
}

// multiEvent is an event of k > 1 tokens: e indexes perToken.
type multiEvent struct {
	e int
	k int64
}

// add appends request r's ITL events (report.EachITL of chunks); r counts
// up from the previous call's.
func (t *itlEvents) add(r int32, chunks [][2]int64) {
	for int32(len(t.events)) <= r {
		t.events = append(t.events, 0)
	}
	report.EachITL(chunks, func(gap float64, k int64) {
		if k != 1 {
			t.multi = append(t.multi, multiEvent{e: len(t.perToken), k: k})
		}
		t.perToken = append(t.perToken, gap/float64(k))
		t.events[r]++
		t.tokens += int(k)
	})
}

// expand returns every token's value and owner (its request), in request
// order: the values the collector kept per token before, the same bits.
// t is emptied.
func (t *itlEvents) expand() (values []float64, owners []int32) {
	values, owners = make([]float64, 0, t.tokens), make([]int32, 0, t.tokens)
	e, m := 0, 0
	for r, n := range t.events {
		for range n {
			k := int64(1)
			if m < len(t.multi) && t.multi[m].e == e {
				k = t.multi[m].k
				m++
			}
			for range k {
				values = append(values, t.perToken[e])
				owners = append(owners, int32(r))
			}
			e++
		}
	}
	*t = itlEvents{}
	return values, owners
}
