package adaptive

// A level's latency sample must not depend on which requests happen to have
// finished. At a look, the requests sent in the last few request times are
// only partly back, and the ones back are the fast ones: judged on what had
// completed, a closed loop of 128 workers stopping at its first looks
// certified a pass at the true p95 half the time (48 % coverage in the
// simulation; 512 workers: 0 %, every run a wrongful certain pass from the
// 120 fastest of the first round). Waiting for "the longest request seen"
// is not enough either: early in a level the longest seen is itself cut
// short by how long the level has run (86 % coverage at 512 workers).
//
// So the sample takes requests in the order they were scheduled: a
// completion waits in held until every request scheduled before it has
// completed (the runner numbers requests in schedule order, and every
// request ends in exactly one final record, a timeout included). The sample
// is then the first k requests of the level, whatever their latencies, and
// is exactly as good as a sample of independent draws. The price is a lag:
// a straggler holds back everything scheduled after it until it ends. The
// throughput estimators need no such care: they rate what completed in
// closed time buckets, where nothing is missing.

// held is a completion waiting to enter the sample.
type held struct {
	id              uint64
	ok, hasTPOT     bool
	ttft, tpot, e2e float64
}

// heldQueue is a min-heap of held completions by id. Hand-written because
// container/heap boxes every item in an interface: an allocation per
// completion on the hot path.
type heldQueue []held

func (q *heldQueue) push(h held) {
	*q = append(*q, h)
	s := *q
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if s[parent].id <= s[i].id {
			break
		}
		s[parent], s[i] = s[i], s[parent]
		i = parent
	}
}

func (q *heldQueue) pop() held {
	s := *q
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s[l].id < s[m].id {
			m = l
		}
		if r < len(s) && s[r].id < s[m].id {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*q = s
	return top
}

// admit moves into the sample the held completions that continue the run
// of ids from the level's first: each once every earlier one is in. An id
// below the next expected (a duplicate) is dropped.
func (l *Level) admit() {
	o := &l.plan.o
	for len(l.held) > 0 && l.held[0].id <= l.nextID {
		h := l.held.pop()
		if h.id < l.nextID {
			continue
		}
		l.nextID++
		l.admitted++
		if !h.ok {
			l.admittedFailed++
			continue
		}
		l.e2e.add(h.e2e)
		if o.SLO.TTFT > 0 {
			l.ttft.add(h.ttft)
		}
		if o.SLO.TPOT > 0 && h.hasTPOT {
			l.tpot.add(h.tpot)
		}
	}
}
