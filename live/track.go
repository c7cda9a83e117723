package live

import (
	"context"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/targets"
)

// Track returns t counting for this State the requests in flight and the
// tokens streamed. A request is in flight from the call of Stream to its
// return (send to done, as report.BusyMS counts it). Each token-bearing
// chunk adds its tokens to the streamed counter as it arrives, counted as
// the run counts a chunk (loadgen.EventTokens), so that the live view's
// streamed rate moves while requests stream rather than when they complete
// (docs/live.md). Wrapping the target is how the run tells the State about
// sends and chunks without a hook in the runner.
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
	streamed := t.s.streamed.stripe()
	return t.t.Stream(ctx, req, func(c targets.Chunk) {
		// The run's callback first: it stamps the chunk's arrival before
		// any other work on it. Then one atomic add, on this request's
		// stripe of the counter: this runs for every chunk of every
		// request.
		onChunk(c)
		if c.HasToken() {
			streamed.Add(int64(loadgen.EventTokens(c.Tokens)))
		}
	})
}
