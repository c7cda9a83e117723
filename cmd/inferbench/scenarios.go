package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
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
					if c.NArg() > 0 {
						return usagef("scenarios list takes no arguments, got %q", c.Args().First())
					}
					return runScenariosList(c.App.Writer)
				},
			},
			{
				Name:      "show",
				Usage:     "print a scenario as it will run: every field, defaults applied",
				ArgsUsage: "NAME|FILE",
				Action: func(c *cli.Context) error {
					if err := noFlagArgs(c); err != nil {
						return err
					}
					if c.NArg() != 1 {
						return usagef("scenarios show takes one scenario name or file, got %d arguments", c.NArg())
					}
					return runScenariosShow(c.App.Writer, c.Args().First())
				},
			},
			{
				Name:      "validate",
				Usage:     "check scenario files: each is OK or its errors as file:line:col; exit 1 if any fails",
				ArgsUsage: "FILE...",
				Action: func(c *cli.Context) error {
					if err := noFlagArgs(c); err != nil {
						return err
					}
					if c.NArg() == 0 {
						return usagef("scenarios validate needs at least one scenario file")
					}
					return runScenariosValidate(c.App.Writer, c.Args().Slice())
				},
			},
		},
	}
}

// runScenariosList writes one line per shipped scenario: name, description.
func runScenariosList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDESCRIPTION")
	for _, name := range scenarios.Shipped() {
		s, err := openScenario(name)
		if err != nil {
			return fmt.Errorf("scenarios list: %w", err)
		}
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Description)
	}
	return tw.Flush()
}

// runScenariosShow writes the resolved scenario (defaults applied) as YAML.
func runScenariosShow(w io.Writer, nameOrPath string) error {
	s, err := openScenario(nameOrPath)
	if err != nil {
		return fmt.Errorf("scenarios show: %w", err)
	}
	s.ApplyDefaults()
	b, err := scenarios.Marshal(s)
	if err != nil {
		return fmt.Errorf("scenarios show: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// runScenariosValidate loads each file (or shipped name) and writes
// "FILE: ok" or its errors, one a line; it fails when any file does.
func runScenariosValidate(w io.Writer, files []string) error {
	failed := 0
	for _, f := range files {
		if _, err := openScenario(f); err != nil {
			failed++
			fmt.Fprintln(w, err)
			continue
		}
		fmt.Fprintf(w, "%s: ok\n", f)
	}
	if failed > 0 {
		return fmt.Errorf("scenarios validate: %d of %d scenario files failed validation", failed, len(files))
	}
	return nil
}
