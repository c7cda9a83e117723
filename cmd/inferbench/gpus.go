package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// gpusCommand is a placeholder until its issue lands.
func gpusCommand() *cli.Command {
	return &cli.Command{
		Name:   "gpus",
		Usage:  "(not built yet)",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("gpus: not built yet") },
	}
}
