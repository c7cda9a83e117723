package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// ProbeMaxTokens is the output cap of the probe's one request.
const ProbeMaxTokens = 8

// DefaultProbeTimeout is how long `targets probe` waits for its request.
const DefaultProbeTimeout = 30 * time.Second

// probePrompt is the probe's prompt: short, and answered in a few tokens by
// any model.
const probePrompt = "Say hello."

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
	client := newHTTPClient(1, nil, false)
	defer client.CloseIdleConnections()
	target, err := registry.New(o.Kind, registry.Options{URL: o.URL, APIKey: o.apiKey, API: o.API, Client: client})
	if err != nil {
		return usagef("%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	res, err := probe(ctx, target, o.Model)
	if err != nil {
		if o.apiKey == "" && o.KeyEnv != "" && isKeyRejection(err) {
			return fmt.Errorf("%w (no key sent: $%s is empty)", err, o.KeyEnv)
		}
		return err
	}
	res.print(stdout, o)
	return nil
}

// probeResult is what the probe's one request showed.
type probeResult struct {
	// Events is the number of events the stream delivered; TokenEvents
	// those that carried a token, Counted their tokens (Chunk.Tokens or 1).
	Events, TokenEvents, Counted int
	// TTFT is the time from sending to the first token event; Total to the
	// end of the stream.
	TTFT, Total time.Duration
	// Usage is the server's final usage, nil if it reported none.
	Usage *targets.Usage
	// Server is the server's own timing, nil if it reported none.
	Server       *targets.ServerTiming
	FinishReason string
}

// UsageReported reports whether the server gave an output token count, so
// that a run's output tokens will be the server's, not counted from events.
func (r *probeResult) UsageReported() bool { return r.Usage != nil && r.Usage.CompletionTokens > 0 }

// probe sends one short streaming request to target and says what came
// back. Its error is one line saying what is wrong, for a person: the
// endpoint is unreachable, the key was rejected, the model or endpoint does
// not exist, the answer is not a stream, or the stream carried no token. A
// run calls it first, so that a wrong key stops it with that line instead
// of hundreds of failed records.
func probe(ctx context.Context, target targets.Target, model string) (*probeResult, error) {
	res := &probeResult{}
	start := time.Now()
	final, err := target.Stream(ctx, targets.Request{Model: model, Prompt: probePrompt, MaxTokens: ProbeMaxTokens}, func(c targets.Chunk) {
		res.Events++
		if !c.HasToken() {
			return
		}
		if res.TokenEvents == 0 {
			res.TTFT = time.Since(start)
		}
		res.TokenEvents++
		res.Counted += max(c.Tokens, 1)
	})
	res.Total = time.Since(start)
	res.Usage, res.Server, res.FinishReason = final.Usage, final.Server, final.FinishReason
	if err != nil {
		return res, probeError(err)
	}
	if res.TokenEvents == 0 {
		return res, fmt.Errorf("probe: stream works but carried no token (%d events): check the model and the API", res.Events)
	}
	return res, nil
}

// probeError turns a Stream error into the one line probe reports.
func probeError(err error) error {
	var he *targets.HTTPError
	var se *targets.StreamError
	var pe *targets.ProtocolError
	switch {
	case errors.As(err, &he):
		what := "server error"
		switch {
		case he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden:
			what = "key rejected"
		case he.Status == http.StatusNotFound:
			what = "model or endpoint not found"
		case he.Status == http.StatusTooManyRequests:
			what = "rate limited"
		case he.Status < 500:
			what = "request refused"
		}
		return fmt.Errorf("probe: %s: %w", what, err)
	case errors.As(err, &se):
		return fmt.Errorf("probe: the stream began, then failed: %w", err)
	case errors.As(err, &pe):
		return fmt.Errorf("probe: not a usable stream: %w", err)
	}
	switch loadgen.Classify(err) {
	case rundir.Timeout:
		return fmt.Errorf("probe: no answer in time: %w", err)
	case rundir.Canceled:
		return err
	}
	return fmt.Errorf("probe: unreachable: %w", err)
}

// isKeyRejection reports whether err is a 401 or 403 answer.
func isKeyRejection(err error) bool {
	var he *targets.HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden)
}

// print writes the verdict, one line per question.
func (r *probeResult) print(w io.Writer, o *probeOptions) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "reachable\tyes\n")
	switch {
	case o.apiKey != "":
		fmt.Fprintf(tw, "key accepted\tyes ($%s)\n", o.KeyEnv)
	case o.KeyEnv != "":
		fmt.Fprintf(tw, "key accepted\tno key sent ($%s is empty); the server did not ask for one\n", o.KeyEnv)
	default:
		fmt.Fprintf(tw, "key accepted\tno key needed\n")
	}
	fmt.Fprintf(tw, "model present\tyes (%s)\n", o.Model)
	fmt.Fprintf(tw, "streaming works\tyes: %d events, %d with tokens, first token after %s\n",
		r.Events, r.TokenEvents, r.TTFT.Round(time.Microsecond))
	if r.UsageReported() {
		fmt.Fprintf(tw, "usage reported\tyes: %d prompt, %d output tokens: output tokens will be the server's count\n",
			r.Usage.PromptTokens, r.Usage.CompletionTokens)
	} else {
		fmt.Fprintf(tw, "usage reported\tno: output tokens will be counted from events (%d here)\n", r.Counted)
	}
	if s := r.Server; s != nil {
		var parts []string
		for _, p := range []struct {
			name string
			d    time.Duration
		}{{"queue", s.Queue}, {"load", s.Load}, {"prompt", s.Prompt}, {"decode", s.Decode}, {"total", s.Total}, {"ttft", s.TTFT}} {
			if p.d > 0 {
				parts = append(parts, fmt.Sprintf("%s %s", p.name, p.d.Round(time.Microsecond)))
			}
		}
		fmt.Fprintf(tw, "server timings\tyes: %s\n", strings.Join(parts, ", "))
	} else {
		fmt.Fprintf(tw, "server timings\tno\n")
	}
	tw.Flush()
}
