package loadgen

import "time"

// Plan is what a Runner is set to do, this shard's share: its measured
// requests (0: no count limit; a trace without a count: its arrivals after
// the warm-up, which are its first ones), its warm-up requests and its
// sending duration (0: no time limit).
func (r *Runner) Plan() (requests, warmup int, duration time.Duration) {
	requests, warmup = r.c.requests, r.c.warmup
	if requests == 0 && r.c.trace != nil && r.c.duration <= 0 {
		warmup = min(warmup, len(r.c.trace))
		requests = len(r.c.trace) - warmup
	}
	return requests, warmup, r.c.duration
}

// LastDue is when the level's last request is due, from the start of its
// window, where the schedule is known ahead: a trace's last line this
// shard sends (within its count, when it has one). 0 otherwise, and for a
// trace whose lines are all due at its start.
func (r *Runner) LastDue() time.Duration {
	n := len(r.c.trace)
	if r.c.requests > 0 {
		n = min(n, r.c.warmup+r.c.requests)
	}
	if n == 0 {
		return 0
	}
	return r.c.trace[n-1].Offset
}

// SpreadProbe reports whether each level starts with the auto spread's
// probe (Spread(AutoSpread) on a closed loop): one request sent alone and
// never measured, after which the workers, and the level's Duration, start.
func (r *Runner) SpreadProbe() bool { return !r.IsOpen() && r.c.spread == AutoSpread }
