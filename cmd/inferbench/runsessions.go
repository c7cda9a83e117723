package main

import (
	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

// sessionFlags are run's multi-turn session flags.
func sessionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "turns", Usage: "multi-turn sessions of N turns (or a distribution, e.g. '{dist: uniform, min: 2, max: 6}'): turn k resends the conversation so far, replies included, plus a new --prompt-tokens message; --concurrency workers run sessions, --rate is of new sessions"},
		&cli.StringFlag{Name: "think-time", Usage: "with --turns: pause between a reply and the session's next turn, a duration or a distribution (e.g. '{dist: exponential, mean: 2s}')"},
	}
}

// sessionsFromFlags lays --turns and --think-time over s.
func sessionsFromFlags(c *cli.Context, s *scenarios.Scenario) error {
	if c.IsSet("turns") {
		d, err := scenarios.ParseTurns(c.String("turns"))
		if err != nil {
			return usagef("--turns: %v", err)
		}
		s.Workload.Turns = d
	}
	if c.IsSet("think-time") {
		t, err := scenarios.ParseThinkTime(c.String("think-time"))
		if err != nil {
			return usagef("--think-time: %v", err)
		}
		s.Workload.ThinkTime = t
	}
	return nil
}
