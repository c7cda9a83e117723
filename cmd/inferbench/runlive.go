package main

import (
	"context"
	"io"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/session"
)

// Flag names of the live view of `run` (a contract: extend, never rename);
// the same as watch's.
const (
	flagProgress         = "progress"
	flagProgressInterval = watchFlagInterval
	flagLive             = watchFlagLive
	flagLiveLinger       = watchFlagLinger
)

// liveFlags are run's flags for watching it as it runs (docs/live.md).
func liveFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagProgress, Value: "auto", Usage: "live progress on stderr: auto (redrawn on a terminal, a plain line every --progress-interval elsewhere), on (redrawn even where stderr does not look like a terminal), off (only each level's result line); --quiet shows none"},
		&cli.DurationFlag{Name: flagProgressInterval, Value: live.DefaultProgressInterval, Usage: "when stderr is not a terminal, print a progress line this often"},
		&cli.StringFlag{Name: flagLive, Usage: "serve the live page, /events and /metrics on `ADDR` while the run runs (loopback unless a host is named: :8080, 0.0.0.0:8080)"},
		&cli.DurationFlag{Name: flagLiveLinger, Usage: "with --live, keep serving the final state this long after the run ends (Ctrl-C ends it)"},
	}
}

// liveRun is how a run is watched: the terminal progress and the live
// server, from run's flags.
type liveRun struct {
	progress live.ProgressOptions
	// off shows no progress at all (--quiet).
	off   bool
	serve *live.ServerOptions
}

// liveRunFrom reads the live view's flags; mistakes are usage errors. It
// opens nothing (start listens): k8s manifest calls it on its pods'
// command lines too (podRunCheck).
func liveRunFrom(c *cli.Context) (*liveRun, error) {
	lr := &liveRun{off: c.Bool(flagQuiet), progress: live.ProgressOptions{Interval: c.Duration(flagProgressInterval)}}
	switch p := c.String(flagProgress); p {
	case "auto":
		lr.progress.Mode = live.ModeAuto
	case "on":
		lr.progress.Mode = live.ModeTTY
	case "off":
		lr.progress.Mode = live.ModeResults
	default:
		return nil, usagef("--%s: want auto, on or off, got %q", flagProgress, p)
	}
	if lr.progress.Interval <= 0 {
		return nil, usagef("--%s must be positive", flagProgressInterval)
	}
	linger := c.Duration(flagLiveLinger)
	switch addr := c.String(flagLive); {
	case linger < 0:
		return nil, usagef("--%s must not be negative", flagLiveLinger)
	case addr == "" && linger > 0:
		return nil, usagef("--%s needs --%s", flagLiveLinger, flagLive)
	case addr != "":
		if err := live.CheckAddr(addr); err != nil {
			return nil, usagef("--%s %s: %v", flagLive, addr, err)
		}
		lr.serve = &live.ServerOptions{Addr: addr, Linger: linger}
	}
	return lr, nil
}

// start starts the view of the run o and adds its State to o's observers;
// nil when there is nothing to show (no flags read, or --quiet without
// --live). The live URL is printed on stderr.
func (lr *liveRun) start(o *session.Options, stderr io.Writer) (*live.View, error) {
	if lr == nil || (lr.off && lr.serve == nil) {
		return nil, nil
	}
	v, err := live.StartView(live.ViewOptions{
		State:  live.Options{Run: filepath.Base(filepath.Clean(o.Out)), SLO: o.SLO},
		Stderr: stderr, Quiet: lr.off, Progress: lr.progress, Serve: lr.serve,
	})
	if err != nil {
		return nil, usagef("--%s %s: %v", flagLive, lr.serve.Addr, err)
	}
	o.Observers = append(o.Observers, session.Live(v.State))
	return v, nil
}

// viewStderr is where the run's messages go: through the view, so that
// they do not tear its live lines.
func viewStderr(v *live.View, stderr io.Writer) io.Writer {
	if v == nil {
		return stderr
	}
	return v.Stderr()
}

// exitOf is the exit state the view shows for a run's result.
func exitOf(res *session.Result) string {
	if res == nil || res.Manifest == nil {
		return string(rundir.ExitFailed)
	}
	return string(res.Manifest.ExitState)
}

// stopView draws the run's last result lines and stops the progress, so
// that the results table printed next is not torn.
func stopView(v *live.View, res *session.Result) {
	if v != nil {
		v.StopProgress(exitOf(res)) // a failed write to stderr is not the run's failure
	}
}

// close keeps the live server up for --live-linger after a run that ran
// (until ctx ends: Ctrl-C), then stops it, waiting a little for its
// handlers.
func (lr *liveRun) close(ctx context.Context, v *live.View, res *session.Result) {
	if v == nil {
		return
	}
	bound := 5 * time.Second
	if lr.serve != nil {
		bound += lr.serve.Linger
	}
	cctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	if res == nil {
		cancel() // nothing ran: nothing to linger over
	}
	v.Close(cctx, exitOf(res))
}
