package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/live"
)

// Flag names of watch.
const (
	watchFlagInterval = "progress-interval"
	watchFlagPoll     = "poll"
	watchFlagLive     = "live"
	watchFlagLinger   = "live-linger"
)

func watchCommand() *cli.Command {
	return &cli.Command{
		Name:      "watch",
		Usage:     "follow a run directory another process is writing: live progress and a result line per level",
		UsageText: "inferbench watch [--progress-interval D] [--live ADDR [--live-linger D]] RUN_DIR",
		Description: `Follows RUN_DIR as another process writes it (a Kubernetes shard on a shared volume, a nightly job)
from its requests.jsonl alone (client.jsonl, gpu.jsonl and server.jsonl too when present) and shows a run's
stderr view: a live line per running level, a result line per finished level judged by run.json's SLO. It
stops when run.json says the run ended: exit 0, or 130 as the run's own if it was interrupted; an ended run's
lines print at once; Ctrl-C stops watching (exit 130; the run goes on). --live also serves the live page, /events
and /metrics. Exit 2: RUN_DIR is a file, or its writer is gone (killed) before the run ended; one not begun is awaited.`,
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: watchFlagInterval, Value: live.DefaultProgressInterval, Usage: "when stderr is not a terminal, print a progress line this often"},
			&cli.DurationFlag{Name: watchFlagPoll, Value: live.DefaultPoll, Usage: "read the run directory this often"},
			&cli.StringFlag{Name: watchFlagLive, Usage: "also serve the live page, /events and /metrics on `ADDR` (loopback unless a host is named: :8080, 0.0.0.0:8080)"},
			&cli.DurationFlag{Name: watchFlagLinger, Usage: "with --live, keep serving the final state this long after the run ends"},
		},
		Action: func(c *cli.Context) error {
			if err := cmdline.NoFlagArgs(c); err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("watch takes one RUN_DIR (%d given)", c.NArg())
			}
			switch iv, poll, linger := c.Duration(watchFlagInterval), c.Duration(watchFlagPoll), c.Duration(watchFlagLinger); {
			case iv <= 0:
				return usagef("--%s must be positive, got %v", watchFlagInterval, iv)
			case poll < live.MinPoll:
				return usagef("--%s must be at least %v, got %v", watchFlagPoll, live.MinPoll, poll)
			case linger < 0:
				return usagef("--%s must not be negative, got %v", watchFlagLinger, linger)
			}
			o := live.FollowOptions{Poll: c.Duration(watchFlagPoll), Progress: live.ProgressOptions{Interval: c.Duration(watchFlagInterval)}}
			if addr := c.String(watchFlagLive); addr != "" {
				o.Serve = &live.ServerOptions{Addr: addr, Linger: c.Duration(watchFlagLinger)}
			}
			return runWatch(c.Context, c.Args().First(), o, c.App.ErrWriter)
		},
	}
}

// runWatch follows dir, drawing on stderr (stdout stays empty).
func runWatch(ctx context.Context, dir string, o live.FollowOptions, stderr io.Writer) error {
	if err := live.Follow(ctx, dir, stderr, o); !errors.Is(err, context.Canceled) || ctx.Err() == nil {
		return err // nil, or the run's end (interrupted: live.ErrInterrupted, exit 130) or a failure
	}
	return &exitCodeError{code: exitInterrupted, err: fmt.Errorf("stopped watching %s (%v); its run goes on", dir, context.Cause(ctx))}
}
