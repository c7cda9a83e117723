package session

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// onHangup is drain, ended also by SIGHUP: a terminal that closes (an SSH
// session dropped, a window closed) hangs up its processes, and by its
// default action a hangup ended the run at once, run.json saying running
// for ever, the requests in flight unrecorded and no summary.json. A run
// takes it as it takes SIGTERM: it stops sending, the requests in flight
// get --grace, and the run directory is finished, interrupted. stop ends
// the watch (a hangup then does what it did before).
func onHangup(drain context.Context) (ctx context.Context, stop func()) {
	if hangupIgnored {
		// Started under nohup: a hangup is to be ignored, and Notify would
		// install a handler in its place.
		return drain, func() {}
	}
	ctx, cancel := context.WithCancelCause(drain)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			cancel(hangup{s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel(nil)
	}
}

// The os/signal package starts its one watching goroutine at its first
// Notify. Started by a run inside a testing/synctest bubble (the fixed-timing
// tests of session and run), that goroutine, never durably blocked, would
// keep the bubble's clock from moving: start it here, outside any bubble,
// and give SIGHUP back its default action at once.
func init() {
	hangupIgnored = signal.Ignored(syscall.SIGHUP) // before Notify, which clears it
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP)
	signal.Stop(c)
}

// hangupIgnored says the process started with SIGHUP ignored (nohup, or a
// parent's SIG_IGN), which a run leaves as it is.
var hangupIgnored bool

// hangup is what a SIGHUP drains a run with: errors.Is context.Canceled
// (the run is interrupted, exit 130), and it says which signal.
type hangup struct{ os.Signal }

func (h hangup) Error() string { return "interrupted by signal " + h.Signal.String() }
func (hangup) Unwrap() error   { return context.Canceled }
