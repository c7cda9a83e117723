package live

import (
	"context"

	"github.com/inferbench/inferbench/targets"
)

// Track returns t counting the requests in flight for this State: a request
// is in flight from the call of Stream to its return (send to done, as
// report.BusyMS counts it). Wrapping the target is how the run tells the
// State about sends without a hook in the runner.
func (s *State) Track(t targets.Target) targets.Target {
	s.tracked.Store(true)
	return &tracked{t: t, s: s}
}

type tracked struct {
	t targets.Target
	s *State
}

func (t *tracked) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	t.s.inFlight.Add(1)
	defer t.s.inFlight.Add(-1)
	return t.t.Stream(ctx, req, onChunk)
}
