package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/history"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

func compareCommand() *cli.Command {
	var o compare.GateOptions
	return &cli.Command{
		Name:      "compare",
		Usage:     "regression gate: compare a candidate run with a baseline run or the history; exit 1 on a regression",
		ArgsUsage: "[BASELINE_RUN] CANDIDATE_RUN",
		Description: `Compares per load level TTFT, TPOT, ITL and E2E percentiles, throughputs, goodput and the
error rate, each with a confidence interval of its change (bootstrap over requests; Mann–Whitney U
for the latency distributions; a prediction interval over earlier runs for history:median-of-N).
A metric regresses when its change exceeds its threshold AND the interval excludes 0.
Default thresholds: TTFT, TPOT, E2E p95 +10 %, output tokens/s −5 %, error rate +1 point.

The baseline is a run directory, or with --baseline: history:latest (the newest earlier run of the
same scenario, model, target kind and GPU), history:median-of-N (the median of the last N), history:ID.

Exit status: 0 no regression, 1 regression, 2 the runs cannot be compared (the reason is printed).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "baseline", Destination: &o.Baseline, Usage: "baseline: a run `DIR`, history:latest, history:median-of-N or history:ID (instead of BASELINE_RUN)"},
			&cli.StringFlag{Name: "thresholds", Destination: &o.Thresholds, Usage: "thresholds YAML `FILE` (metrics: {ttft_p95: 10%, error_rate: 1pt, …}) over the defaults"},
			&cli.StringFlag{Name: "junit", Destination: &o.JUnit, Usage: "also write JUnit XML to `FILE` (one test case per metric and level)"},
			&cli.StringFlag{Name: "markdown", Destination: &o.Markdown, Usage: "also write the Markdown comparison (for a PR comment) to `FILE`"},
			&cli.StringFlag{Name: "format", Value: "text", Destination: &o.Format, Usage: "stdout format: text, md (markdown) or json"},
			storeFlag("history store for history: baselines: a SQLite `FILE` or a postgres:// URL (default $XDG_DATA_HOME/inferbench/history.db)"),
			&cli.IntFlag{Name: "resamples", Value: compare.DefaultResamples, Destination: &o.Resamples, Usage: "bootstrap resamples"},
			&cli.Uint64Flag{Name: "seed", Value: compare.DefaultSeed, Destination: &o.Seed, Usage: "bootstrap seed"},
			&cli.BoolFlag{Name: "allow-empty-baseline", Destination: &o.AllowEmptyBaseline, Usage: "with a history: baseline, succeed (exit 0) when the history has no earlier matching run, unless the candidate measured nothing (a level whose every request failed: exit 2)"},
		},
		Action: func(c *cli.Context) error {
			if err := compareArgs(c, &o); err != nil {
				return err
			}
			o.ErrEmpty = history.ErrNoBaseline
			o.Resolve = func(b string, cand *compare.Run) (compare.Baseline, error) {
				return history.ResolveBaseline(c.Context, c.String("store"), b, cand)
			}
			// Exit 1 means a regression and nothing else; 2 that the runs
			// could not be compared (different model, scenario or kind, no
			// baseline, an unreadable file), so a broken setup never reads
			// as a regression (issue #9).
			err := compare.Gate(o, c.App.Writer, c.App.ErrWriter)
			if _, ok := errors.AsType[*compare.RegressionError](err); ok {
				return &exitCodeError{code: exitFailed, err: err}
			}
			if err != nil {
				return &exitCodeError{code: exitUsage, err: err}
			}
			return nil
		},
	}
}

// compareArgs checks compare's command line and fills in the runs.
func compareArgs(c *cli.Context, o *compare.GateOptions) error {
	if err := cmdline.NoFlagArgs(c); err != nil {
		return err
	}
	args := c.Args().Slice()
	switch {
	case o.Baseline == "" && len(args) == 2:
		o.Baseline, o.Candidate = args[0], args[1]
	case o.Baseline != "" && len(args) == 1:
		o.Candidate = args[0]
	case o.Baseline != "":
		return usagef("compare --baseline %s takes one CANDIDATE_RUN (%d given)", o.Baseline, len(args))
	default:
		return usagef("compare takes BASELINE_RUN CANDIDATE_RUN, or --baseline B CANDIDATE_RUN (%d given)", len(args))
	}
	if o.Resamples < 100 {
		return usagef("--resamples %d: want at least 100", o.Resamples)
	}
	// A report file named like a run's own file (--junit CAND/requests.jsonl,
	// a tab completion away) would replace that run's records.
	for _, f := range []struct{ flag, path string }{{"--junit", o.JUnit}, {"--markdown", o.Markdown}} {
		if f.path == "" {
			continue
		}
		if err := rundir.CheckNotRunFile(f.path); err != nil {
			return usagef("%s %v", f.flag, err)
		}
	}
	return nil
}
