package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// gpuCommand is a placeholder until its issue lands.
func gpuCommand() *cli.Command {
	return &cli.Command{
		Name:   "gpu",
		Usage:  "(not built yet)",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("gpu: not built yet") },
	}
}
