package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
	"github.com/urfave/cli/v2"
)

func calibrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "calibrate",
		Usage: "measure the harness's own ceilings and timing error on this machine, beside a bare client's",
		Description: `Starts the mock in fixed-timing mode in a separate process on loopback and
drives it with the full harness (recording everything, as run does) and with a
bare client (post, read lines, note the first token: the least a Go client can
do). Reports the highest request rate and token rate, TTFT bias (measured −
injected) at rising stream counts, send lag at a Poisson rate and of a burst
due at once, the open streams held and client memory per stream; each with the
floor beside it.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json, or bench (Go benchmark lines that benchstat compares across commits)"},
			&cli.DurationFlag{Name: "window", Value: 3 * time.Second, Usage: "length of each throughput measurement"},
			&cli.StringFlag{Name: "bias-streams", Value: "1,100,1000", Usage: "stream counts for TTFT bias"},
			&cli.StringFlag{Name: "open-streams", Value: "1000,5000,10000", Usage: "stream counts tried for max_open_streams (empty: skip)"},
			&cli.Float64Flag{Name: "rate", Value: 2000, Usage: "Poisson rate (req/s) for send lag"},
			&cli.IntFlag{Name: "burst", Value: 1000, Usage: "requests due at once (a trace's burst) whose last send is timed (0: skip)"},
		},
		Action: func(c *cli.Context) error {
			if err := cmdline.NoArgs(c, "calibrate"); err != nil {
				return err
			}
			format := c.String("format")
			o := &session.CalibrateOptions{Window: c.Duration("window"), Rate: c.Float64("rate"), Burst: c.Int("burst"),
				StartMock: session.StartMockProcess, Version: toolVersion()}
			var err error
			if o.BiasStreams, err = parseInts(c.String("bias-streams")); err != nil {
				return usagef("--bias-streams: %v", err)
			}
			if o.OpenStreams, err = parseInts(c.String("open-streams")); err != nil {
				return usagef("--open-streams: %v", err)
			}
			if format != "text" && format != "json" && format != "bench" {
				return usagef("--format: want text, json or bench, got %q", format)
			}
			if err := o.Check(); err != nil {
				return usagef("%v", err)
			}
			cal, err := session.Calibrate(c.Context, o, c.App.ErrWriter)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return cal.WriteJSON(c.App.Writer)
			case "bench":
				return cal.WriteBench(c.App.Writer)
			}
			return cal.WriteText(c.App.Writer)
		},
	}
}

func parseInts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	return scenarios.FlagList(s, func(f string) (int, error) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return 0, fmt.Errorf("%q is not a whole number", f) // strconv's words name its function
		}
		if n < 1 {
			return 0, fmt.Errorf("want counts ≥ 1, got %d", n)
		}
		return n, nil
	})
}
