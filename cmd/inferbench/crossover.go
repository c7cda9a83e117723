package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// crossoverCommand is a placeholder until its issue lands.
func crossoverCommand() *cli.Command {
	return &cli.Command{
		Name:   "crossover",
		Usage:  "(not built yet)",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("crossover: not built yet") },
	}
}
