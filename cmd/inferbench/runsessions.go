package main

import (
	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

const (
	flagTurns     = "turns"
	flagThinkTime = "think-time"
)

// sessionFlags are run's multi-turn session flags.
func sessionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagTurns, Usage: "multi-turn sessions of N turns (or a distribution, e.g. '{dist: uniform, min: 2, max: 6}'): turn k resends the conversation so far, replies included, plus a new --prompt-tokens message; --concurrency workers run sessions, --rate is of new sessions"},
		&cli.StringFlag{Name: flagThinkTime, Usage: "with --turns: pause between a reply and the session's next turn, a duration or a distribution (e.g. '{dist: exponential, mean: 2s}')"},
	}
}

// sessionsFromFlags lays --turns and --think-time over s.
func sessionsFromFlags(c *cli.Context, s *scenarios.Scenario) error {
	if c.IsSet(flagTurns) {
		d, err := scenarios.ParseTurns(c.String(flagTurns))
		if err != nil {
			return usagef("--%s: %v", flagTurns, err)
		}
		s.Workload.Turns = d
	}
	if c.IsSet(flagThinkTime) {
		t, err := scenarios.ParseThinkTime(c.String(flagThinkTime))
		if err != nil {
			return usagef("--%s: %v", flagThinkTime, err)
		}
		s.Workload.ThinkTime = t
	}
	return nil
}
