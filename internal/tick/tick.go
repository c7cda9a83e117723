// Package tick is the loop of the telemetry watchers (gpu.Watch,
// servermetrics.Watch): one tick at once, then one per interval; the end
// a watcher's context gives it, which is no error (IgnoreStop); and the
// pause that gives way to a context (Sleep).
package tick

import (
	"context"
	"errors"
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

// IgnoreStop is err, or nil when err is ctx's own end: a watcher that its
// context stopped has finished cleanly (gpu.Record, servermetrics.Record).
func IgnoreStop(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// Sleep waits d, or until ctx is done; it reports whether d elapsed (a d
// of zero or less elapses at once unless ctx is already done). The pauses
// that give way to a cancelled run — the mock's faults, a session's think
// time, a follower's poll — all wait through it.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
