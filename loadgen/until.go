package loadgen

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// errUntil is the cause of a level stopped by its Until function; Run
// turns it into a nil error (the level ended as asked).
var errUntil = errors.New("the level's stop condition was met")

// Until makes the level stop sending as soon as f returns true. f is
// called with every record the sink accepted (every attempt, warm-up
// included), in the goroutine that made it, right after the sink: it must
// be safe for concurrent use. Requests in flight when it stops run to
// their end and are recorded, as at the end of a level's count; a drain
// or cancellation of the run still applies to them. nil (the default)
// costs the hot path one comparison.
func Until(f func(*rundir.Record) bool) Option { return func(c *config) { c.until = f } }

// InFlight is the number of requests the runner has sent and not yet
// finished (a request waiting to be retried included). Called from an
// Until function, it counts the request whose record is at hand.
func (r *Runner) InFlight() int { return int(r.inFlight.Load()) }

// stoppedEarly waits, after sending stopped, for what should end the
// requests in flight, and reports whether they must be cancelled: not
// when Until stopped the level and the level finished (they ran to their
// end), yes once the run drains or is cancelled.
func stoppedEarly(send context.Context, finished <-chan struct{}, drain, ctx context.Context) bool {
	if !errors.Is(context.Cause(send), errUntil) {
		return true
	}
	select {
	case <-finished:
		return false
	case <-drain.Done():
	case <-ctx.Done():
	}
	return true
}

// stopCause is why requests in flight are cancelled: the run's drain or
// cancellation, even when Until had stopped sending before.
func stopCause(send, drain, ctx context.Context) error {
	if err := context.Cause(send); !errors.Is(err, errUntil) {
		return err
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return context.Cause(drain)
}

// graceOver is why requests still in flight at the end of the grace are
// cancelled: the run's stop, and the grace that ran out (a second Ctrl-C
// is the stop alone).
type graceOver struct {
	cause error
	grace time.Duration
}

func (g graceOver) Error() string {
	return fmt.Sprintf("%v, still in flight after the %s grace (--grace)", g.cause, g.grace)
}

func (g graceOver) Unwrap() error { return g.cause }
