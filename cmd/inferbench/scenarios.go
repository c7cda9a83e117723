package main

import (
	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
)

func scenariosCommand() *cli.Command {
	return &cli.Command{
		Name:  "scenarios",
		Usage: "list, show and validate scenario files",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "the scenarios shipped with inferbench, with what each measures",
				Action: func(c *cli.Context) error {
					if err := cmdline.NoArgs(c, "scenarios list"); err != nil {
						return err
					}
					return scenarios.WriteList(c.App.Writer, session.ScenarioKnown())
				},
			},
			{
				Name:      "show",
				Usage:     "print a scenario as it will run: every field, defaults applied",
				ArgsUsage: "NAME|FILE",
				Action: func(c *cli.Context) error {
					if err := cmdline.NoFlagArgs(c); err != nil {
						return err
					}
					if c.NArg() != 1 {
						return usagef("scenarios show takes one scenario name or file (%d given)", c.NArg())
					}
					return scenarios.Show(c.App.Writer, c.Args().First(), session.ScenarioKnown())
				},
			},
			{
				Name:      "validate",
				Usage:     "check scenario files: each is OK or its errors as file:line:col; exit 2 if any fails (a bad file, as for every command)",
				ArgsUsage: "FILE...",
				Action: func(c *cli.Context) error {
					if err := cmdline.NoFlagArgs(c); err != nil {
						return err
					}
					if c.NArg() == 0 {
						return usagef("scenarios validate needs at least one scenario file")
					}
					return scenarios.ValidateFiles(c.App.Writer, c.Args().Slice(), session.ScenarioKnown())
				},
			},
		},
	}
}
