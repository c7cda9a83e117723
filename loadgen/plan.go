package loadgen

import (
	"sort"
	"time"
)

// Plan is what a Runner is set to do, this shard's share: its measured
// requests (0: no count limit; a trace without a count: its arrivals after
// the warm-up, which are its first ones), its warm-up requests, its
// sending duration (0: no time limit), and when its last request is due,
// from the start of its window, where the schedule is known ahead: a
// trace's last line this shard sends (within its count, when it has one);
// 0 otherwise, and for a trace whose lines are all due at its start.
func (r *Runner) Plan() (requests, warmup int, duration, lastDue time.Duration) {
	if r.c.trace != nil {
		requests, warmup, lastDue = TracePlan(r.c.trace, r.c.requests, r.c.warmup, r.c.duration)
		return requests, warmup, r.c.duration, lastDue
	}
	return r.c.requests, r.c.warmup, r.c.duration, 0
}

// TracePlan is what replaying trace sends with a count of requests (0:
// none) and warmup requests, within duration (0: no time limit): the
// measured requests, which are the lines it sends after the warm-up (its
// first lines; 0 without a count but with a duration, as for any level
// bounded by time alone), the warm-up requests, and when the last line it
// sends is due (0 when it sends none).
func TracePlan(trace []TraceArrival, requests, warmup int, duration time.Duration) (measured, warm int, lastDue time.Duration) {
	n := len(trace)
	if requests > 0 {
		n = min(n, warmup+requests)
	}
	if duration > 0 {
		// The lines due within it (a trace's offsets are in order).
		n = sort.Search(n, func(i int) bool { return trace[i].Offset >= duration })
	}
	warm = min(warmup, n)
	if requests > 0 || duration <= 0 {
		measured = n - warm
	}
	if n > 0 {
		lastDue = trace[n-1].Offset
	}
	return measured, warm, lastDue
}

// SpreadProbe reports whether each level starts with the auto spread's
// probe (Spread(AutoSpread) on a closed loop): one request sent alone and
// never measured, after which the workers, and the level's Duration, start.
func (r *Runner) SpreadProbe() bool { return !r.IsOpen() && r.c.spread == AutoSpread }
