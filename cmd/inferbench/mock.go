package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// mockCommand is a placeholder until its issue lands.
func mockCommand() *cli.Command {
	return &cli.Command{
		Name:   "mock",
		Usage:  "(not built yet)",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("mock: not built yet") },
	}
}
