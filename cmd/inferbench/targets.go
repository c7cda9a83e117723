package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

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
					if c.NArg() > 0 {
						return usagef("targets list takes no arguments, got %q", c.Args().First())
					}
					return listTargets(c.App.Writer)
				},
			},
			{
				Name:  "probe",
				Usage: "send one short streaming request and say whether a run would work",
				Description: `probe sends one streaming request of at most 8 tokens and reports, one line
each: reachable, key accepted, model present, streaming works, usage reported
(and so whether output tokens will be the server's count or counted from
events), server timings present. It exits 0 when all is well, 1 with one line
saying what failed (unreachable, key rejected, model missing, not a stream, …).`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: flagTarget, Value: "vllm", Usage: "target kind: " + strings.Join(registry.Kinds(), ", ")},
					&cli.StringFlag{Name: flagURL, Usage: "server root URL (default: the kind's, if it has one)"},
					&cli.StringFlag{Name: flagModel, Usage: "model name", Required: true},
					&cli.StringFlag{Name: flagAPI, Usage: "API of the target (default: the kind's first; see targets list)"},
					&cli.StringFlag{Name: flagAPIKeyEnv, Usage: "name of the environment variable holding the API key (default: the kind's; targets list)"},
					&cli.DurationFlag{Name: flagTimeout, Value: DefaultProbeTimeout, Usage: "give up after this long"},
				},
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usagef("targets probe takes no arguments, got %q", c.Args().First())
					}
					o := probeOptions{Kind: c.String(flagTarget), URL: c.String(flagURL), Model: c.String(flagModel),
						API: c.String(flagAPI), KeyEnv: registry.DefaultKeyEnv(c.String(flagTarget)), Timeout: c.Duration(flagTimeout)}
					if c.IsSet(flagAPIKeyEnv) {
						o.KeyEnv = c.String(flagAPIKeyEnv)
					}
					if o.KeyEnv != "" {
						o.apiKey = strings.TrimSpace(os.Getenv(o.KeyEnv))
					}
					return runProbe(c.Context, &o, c.App.Writer)
				},
			},
		},
	}
}

// listTargets writes the table of target kinds.
func listTargets(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tPROTOCOL\tAPIS\tKEY ENV\tDEFAULT URL\tNOTES")
	for _, k := range registry.All() {
		key, url := k.KeyEnv, k.URL
		if key == "" {
			key = "-"
		}
		if url == "" {
			url = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.Protocol, strings.Join(k.APIs, ","), key, url, k.Notes)
	}
	return tw.Flush()
}

// probeOptions is everything `targets probe` needs.
type probeOptions struct {
	Kind, URL, Model, API string
	// KeyEnv is the variable the key came from, "" when none is read.
	KeyEnv  string
	apiKey  string // never printed
	Timeout time.Duration
}

// runProbe builds the target, probes it and prints the verdict.
func runProbe(ctx context.Context, o *probeOptions, stdout io.Writer) error {
	client := session.NewHTTPClient(1, nil, false)
	defer client.CloseIdleConnections()
	target, err := registry.New(o.Kind, registry.Options{URL: o.URL, APIKey: o.apiKey, API: o.API, Client: client})
	if err != nil {
		return usagef("%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	res, err := session.Probe(ctx, target, o.Model)
	if err != nil {
		if o.apiKey == "" && o.KeyEnv != "" && session.IsKeyRejection(err) {
			err = fmt.Errorf("%w (no key sent: $%s is empty)", err, o.KeyEnv)
		}
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return err
		}
		// The probe answered its question: the target does not work (exit 1).
		return &exitCodeError{code: exitFailed, err: err}
	}
	res.Write(stdout, session.ProbeSubject{Model: o.Model, KeyEnv: o.KeyEnv, KeySent: o.apiKey != ""})
	return nil
}
