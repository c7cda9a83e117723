package loadgen

import (
	"context"
	"runtime"
	"time"
)

// fineWindow is how long before a due time the pacer stops trusting the Go
// timer and sleeps the rest with the operating system's high-resolution
// sleep. Go's timers wake late by up to about 1–2 ms on Linux when the
// process is otherwise idle, because the runtime parks in epoll_wait, whose
// timeout is in whole milliseconds (measured on the 2-core CI machine:
// time.Sleep(200µs) late by 0.93 ms p50, 1.3 ms p99; nanosleep(2) for the
// same 200 µs late by 0.09 ms p50, 0.43 ms p99). At 2,000 requests/s that
// lateness was the whole of the send lag.
const fineWindow = 3 * time.Millisecond

// pacer waits until due times for the open-loop scheduler.
type pacer struct {
	timer *time.Timer
	// coarse says to use the timer alone: with one P (newPacer), or once
	// the clock is found not to follow a real sleep (a testing/synctest
	// bubble's fake clock, which only the timer advances).
	coarse bool
}

// newPacer returns a pacer. With one P (GOMAXPROCS=1, e.g. a pod limited
// to one CPU) it uses the timer alone: a goroutine in nanosleep holds the
// only P, and streams in flight would not be read — nor timestamped — until
// it woke; a late send is better than late timestamps.
func newPacer() *pacer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &pacer{timer: t, coarse: runtime.GOMAXPROCS(0) < 2}
}

func (p *pacer) stop() { p.timer.Stop() }

// wait returns nil when due has come, or ctx's cause when ctx has ended
// (noticed within fineWindow). It never returns nil early.
func (p *pacer) wait(ctx context.Context, due time.Time) error {
	for {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		w := time.Until(due)
		if w <= 0 {
			return nil
		}
		if !p.coarse && w <= fineWindow {
			before := time.Now()
			fineSleep(w)
			if time.Since(before) < w/2 {
				p.coarse = true // the clock did not move with the sleep
			}
			continue
		}
		d := w
		if !p.coarse {
			d = w - fineWindow
		}
		p.timer.Reset(d)
		select {
		case <-ctx.Done():
			p.timer.Stop()
			return context.Cause(ctx)
		case <-p.timer.C:
		}
	}
}
