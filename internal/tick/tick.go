// Package tick is the loop of the telemetry watchers (gpu.Watch,
// servermetrics.Watch): one tick at once, then one per interval.
package tick

import (
	"context"
	"time"
)

// Every calls f at once and then every interval; a tick that falls behind
// skips the ticks it missed rather than queueing them. It returns ctx.Err()
// when ctx is done between ticks, nil after count ticks (count > 0), or the
// first error f returns.
func Every(ctx context.Context, interval time.Duration, count int, f func() error) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for n := 1; ; n++ {
		if err := f(); err != nil {
			return err
		}
		if count > 0 && n >= count {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
