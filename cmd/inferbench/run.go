package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:   "run",
		Action: func(*cli.Context) error { return errors.New("run: not built yet") },
	}
}
