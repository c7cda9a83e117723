package servermetrics

import "github.com/inferbench/inferbench/rundir"

// counters carries an engine's cumulative counters over its restarts, as
// Prometheus's rate() does: a counter that goes down has restarted from
// zero, so the value it had before the drop is added to every later one.
// A difference of two samples is then what the engine did between them,
// never negative. Watch applies it to every sample it emits. A Sample's
// counters are never negative (sum drops the page's), so last's zero value
// is no drop; each is at most maxTokensTotal (within), so no number of
// restarts a run sees carries one to +Inf.
type counters struct {
	last, offset [4]float64
}

// carry rewrites s's cumulative counters as carried over the restarts
// seen so far.
func (c *counters) carry(s *rundir.ServerSample) {
	fields := [4]**float64{&s.PromptTokensTotal, &s.GenerationTokensTotal, &s.PrefixCacheQueriesTotal, &s.PrefixCacheHitsTotal}
	for i, p := range fields {
		if *p == nil {
			continue
		}
		v := **p
		if v < c.last[i] {
			c.offset[i] += c.last[i]
		}
		c.last[i] = v
		carried := v + c.offset[i]
		*p = &carried
	}
}
