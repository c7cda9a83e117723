package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
)

// newApp returns the command-line application writing to stdout and stderr.
// The library never exits the process: errors come back from RunContext and
// main maps them to exit codes (exit.go).
func newApp(stdout, stderr io.Writer) *cli.App { return newAppWith(stdout, stderr, nil) }

// newAppWith is newApp whose runs cancel their requests in flight when hard
// ends (main: the second signal); RunContext's context is the one every
// command stops on (the first). A nil hard is RunContext's context.
func newAppWith(stdout, stderr io.Writer, hard context.Context) *cli.App {
	var profile *os.File
	app := &cli.App{
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the whole command to `FILE` (go tool pprof reads it)"},
		},
		Before: func(c *cli.Context) error {
			path := c.String("cpuprofile")
			if path == "" {
				return nil
			}
			f, err := os.Create(path)
			if err != nil {
				return usagef("--cpuprofile: %v", err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			profile = f
			return nil
		},
		After: func(*cli.Context) error {
			if profile == nil {
				return nil
			}
			pprof.StopCPUProfile()
			return profile.Close()
		},
		Name:                 "inferbench",
		Version:              toolVersion(),
		Usage:                "qualify LLM serving hardware and software: load, latency, GPU telemetry and cost",
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		},
		Commands: []*cli.Command{
			runCommand(hard),
			reportCommand(),
			watchCommand(),
			mockCommand(),
			gpuCommand(),
			costCommand(),
			crossoverCommand(),
			adviseCommand(),
			gpusCommand(),
			calibrateCommand(),
			targetsCommand(),
			mergeCommand(),
			k8sCommand(),
			compareCommand(),
			historyCommand(),
			scenariosCommand(),
			versionCommand(),
		},
	}
	app.Action = cmdline.UnknownCommand("", app.Commands)
	cmdline.OneLineUsage("", app.Commands, levelHint)
	return app
}
