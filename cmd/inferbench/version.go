package main

import (
	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
)

// version is stamped by release builds with -ldflags "-X main.version=…".
var version = ""

// toolVersion is the version written to run.json and printed by
// `inferbench version` and `--version` (cmdline.Version).
func toolVersion() string { return cmdline.Version(version) }

func init() {
	cli.VersionPrinter = func(c *cli.Context) { cmdline.PrintVersion(c.App.Writer, c.App.Version) }
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version of inferbench",
		Action: func(c *cli.Context) error {
			if err := cmdline.NoArgs(c, "version"); err != nil {
				return err
			}
			return cmdline.PrintVersion(c.App.Writer, toolVersion())
		},
	}
}
