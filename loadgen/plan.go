package loadgen

import "time"

// Plan is what a Runner is set to do, this shard's share: its measured
// requests (0: no count limit; a trace without a count: its arrivals), its
// warm-up requests and its sending duration (0: no time limit).
func (r *Runner) Plan() (requests, warmup int, duration time.Duration) {
	requests = r.c.requests
	if requests == 0 && r.c.trace != nil && r.c.duration <= 0 {
		requests = len(r.c.trace)
	}
	return requests, r.c.warmup, r.c.duration
}

// SpreadProbe reports whether each level starts with the auto spread's
// probe (Spread(AutoSpread) on a closed loop): one request sent alone and
// never measured, after which the workers, and the level's Duration, start.
func (r *Runner) SpreadProbe() bool { return !r.IsOpen() && r.c.spread == AutoSpread }
