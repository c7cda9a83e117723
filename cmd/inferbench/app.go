package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/inferbench/inferbench/scenarios"
	"github.com/urfave/cli/v2"
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
	app.Action = unknownCommand("", app.Commands)
	oneLineUsage("", app.Commands)
	return app
}

// unknownCommand is the Action of the app, and of each command that only
// groups others (history, gpu, …), path being the command as typed: with no
// argument it shows the help; otherwise the first argument names no command
// of cmds, said in one line with "did you mean".
func unknownCommand(path string, cmds []*cli.Command) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() == 0 && path == "" {
			return cli.ShowAppHelp(c)
		}
		if c.NArg() == 0 {
			return cli.ShowSubcommandHelp(c)
		}
		msg := fmt.Sprintf("unknown command %q", c.Args().First())
		var names []string
		for _, cmd := range cmds {
			names = append(names, cmd.Names()...)
		}
		if s := scenarios.Nearest(c.Args().First(), names); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		if path == "" {
			return usagef("%s; see inferbench --help", msg)
		}
		return usagef("%s: %s; see inferbench %s --help", path, msg, path)
	}
}

// noArgs rejects the positional arguments of a command that takes none;
// name is the command as typed (run, gpu list).
func noArgs(c *cli.Context, name string) error {
	if c.NArg() > 0 {
		return usagef("%s takes no arguments, got %q", name, c.Args().First())
	}
	return nil
}

// noFlagArgs rejects positional arguments that look like flags: urfave/cli v2
// stops parsing flags at the first positional argument, so "report DIR
// --format json" would silently ignore the flag.
func noFlagArgs(c *cli.Context) error {
	for _, a := range c.Args().Slice() {
		if len(a) > 1 && a[0] == '-' {
			return usagef("flags must come before positional arguments: move %s before %s", a, c.Args().First())
		}
	}
	return nil
}
