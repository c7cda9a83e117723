package main

import (
	"errors"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/session"
	"github.com/inferbench/inferbench/targets/registry"
)

// DefaultProbeTimeout is how long `targets probe` waits for its request.
const DefaultProbeTimeout = 30 * time.Second

func targetsCommand() *cli.Command {
	return &cli.Command{
		Name:  "targets",
		Usage: "list the target kinds, or probe an endpoint before a run",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the target kinds: protocol, APIs, key variable, default URL",
				Action: func(c *cli.Context) error {
					if err := cmdline.NoArgs(c, "targets list"); err != nil {
						return err
					}
					return registry.WriteTable(c.App.Writer)
				},
			},
			{
				Name:  "probe",
				Usage: "send one short streaming request and say whether a run would work",
				Description: `probe sends one streaming request of at most 8 tokens and reports, one line
each: reachable, key accepted, model present, streaming works, usage reported
(and so whether output tokens will be the server's count or counted from
events), output cap (whether the server kept to the 8 tokens asked: a run's
--max-tokens rests on it), server timings present. It exits 0 when all is well, 1 with one line
saying what failed (unreachable, key rejected, model missing, not a stream, …).`,
				Flags: []cli.Flag{
					targetFlag(),
					&cli.StringFlag{Name: flagURL, Usage: "server root URL (default: the kind's, if it has one)"},
					&cli.StringFlag{Name: flagModel, Usage: "model name", Required: true},
					&cli.StringFlag{Name: flagAPI, Usage: "API of the target (default: the kind's first; see targets list)"},
					&cli.StringFlag{Name: flagAPIKeyEnv, Usage: "name of the environment variable holding the API key (default: the kind's; targets list)"},
					&cli.StringFlag{Name: flagAPIKeyFile, Usage: "read the API key from this file instead (first line), as run does"},
					&cli.DurationFlag{Name: flagTimeout, Value: DefaultProbeTimeout, Usage: "give up after this long"},
				},
				Action: func(c *cli.Context) error {
					if err := cmdline.NoArgs(c, "targets probe"); err != nil {
						return err
					}
					o := session.ProbeOptions{Kind: c.String(flagTarget), URL: c.String(flagURL), Model: c.String(flagModel),
						API: c.String(flagAPI), KeyEnv: registry.DefaultKeyEnv(c.String(flagTarget)), KeyFile: c.String(flagAPIKeyFile), Timeout: c.Duration(flagTimeout)}
					if c.IsSet(flagAPIKeyEnv) {
						o.KeyEnv = c.String(flagAPIKeyEnv)
					}
					err := session.ProbeEndpoint(c.Context, o, c.App.Writer)
					if _, ok := errors.AsType[*session.ProbeFailure](err); ok {
						return &exitCodeError{code: exitFailed, err: err}
					}
					return err
				},
			},
		},
	}
}
