package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// costCommand is a placeholder until its issue lands.
func costCommand() *cli.Command {
	return &cli.Command{
		Name:   "cost",
		Usage:  "(not built yet)",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("cost: not built yet") },
	}
}
