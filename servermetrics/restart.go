package servermetrics

import (
	"math"

	"github.com/inferbench/inferbench/rundir"
)

// counters carries an engine's cumulative counters over its restarts, as
// Prometheus's rate() does: a counter that goes down has restarted from
// zero, so the value it had before the drop is added to every later one.
// A difference of two samples is then what the engine did between them,
// never negative. Watch applies it to every sample it emits.
type counters struct {
	last, offset [4]float64
	seen         [4]bool
}

// carry rewrites s's cumulative counters as carried over the restarts
// seen so far; a counter that would overflow is dropped (nil).
func (c *counters) carry(s *rundir.ServerSample) {
	fields := [4]**float64{&s.PromptTokensTotal, &s.GenerationTokensTotal, &s.PrefixCacheQueriesTotal, &s.PrefixCacheHitsTotal}
	for i, p := range fields {
		if *p == nil {
			continue
		}
		v := **p
		if c.seen[i] && v < c.last[i] {
			c.offset[i] += c.last[i]
		}
		c.last[i], c.seen[i] = v, true
		carried := v + c.offset[i]
		*p = &carried
		if math.IsInf(carried, 0) {
			*p = nil
		}
	}
}
