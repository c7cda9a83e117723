package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// adviseCommand is a placeholder until its issue lands.
func adviseCommand() *cli.Command {
	return &cli.Command{
		Name:   "advise",
		Usage:  "(not built yet)",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("advise: not built yet") },
	}
}
