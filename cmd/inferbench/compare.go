package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/history"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

const (
	compareFlagBaseline   = "baseline"
	compareFlagThresholds = "thresholds"
	compareFlagJUnit      = "junit"
	compareFlagMarkdown   = "markdown"
	compareFlagFormat     = "format"
	compareFlagResamples  = "resamples"
	compareFlagSeed       = "seed"
	compareFlagAllowEmpty = "allow-empty-baseline"
	historyFlagStore      = "store"
)

// compare's exit codes, as issue #9 defines them for a CI gate: 1 means a
// regression and nothing else; 2 means the runs could not be compared —
// different model, scenario or target kind, no baseline, an unreadable run
// or thresholds file — so a broken setup never reads as a regression.
const (
	compareExitRegression    = exitFailed
	compareExitNotComparable = exitUsage
)

// compareOptions is the compare command's input.
type compareOptions struct {
	// Baseline is a run directory, or history:latest, history:median-of-N
	// or history:ID.
	Baseline string
	// Candidate is the candidate run directory.
	Candidate string
	// Thresholds is a thresholds file; empty for the defaults.
	Thresholds string
	// JUnit and Markdown are files to write besides stdout; empty for none.
	JUnit, Markdown string
	// Format is stdout's format: text, md or json.
	Format string
	// Store names the history for history: baselines.
	Store string
	// Resamples and Seed configure the bootstrap.
	Resamples int
	Seed      uint64
	// AllowEmptyBaseline makes a history with no earlier matching run a
	// success (the first night) instead of exit 2.
	AllowEmptyBaseline bool
}

func compareCommand() *cli.Command {
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
same scenario, model and target kind), history:median-of-N (the median of the last N), history:ID.

Exit status: 0 no regression, 1 regression, 2 the runs cannot be compared (the reason is printed).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: compareFlagBaseline, Usage: "baseline: a run `DIR`, history:latest, history:median-of-N or history:ID (instead of BASELINE_RUN)"},
			&cli.StringFlag{Name: compareFlagThresholds, Usage: "thresholds YAML `FILE` (metrics: {ttft_p95: 10%, error_rate: 1pt, …}) over the defaults"},
			&cli.StringFlag{Name: compareFlagJUnit, Usage: "also write JUnit XML to `FILE` (one test case per metric and level)"},
			&cli.StringFlag{Name: compareFlagMarkdown, Usage: "also write the Markdown comparison (for a PR comment) to `FILE`"},
			&cli.StringFlag{Name: compareFlagFormat, Value: "text", Usage: "stdout format: text, md or json"},
			&cli.StringFlag{Name: historyFlagStore, EnvVars: []string{history.EnvStore}, Usage: "history store for history: baselines: a SQLite `FILE` or a postgres:// URL (default $XDG_DATA_HOME/inferbench/history.db)"},
			&cli.IntFlag{Name: compareFlagResamples, Value: compare.DefaultResamples, Usage: "bootstrap resamples"},
			&cli.Uint64Flag{Name: compareFlagSeed, Value: compare.DefaultSeed, Usage: "bootstrap seed"},
			&cli.BoolFlag{Name: compareFlagAllowEmpty, Usage: "with a history: baseline, succeed (exit 0) when the history has no earlier matching run"},
		},
		Action: func(c *cli.Context) error {
			o, err := compareOptionsFrom(c)
			if err != nil {
				return err
			}
			return runCompare(c.Context, o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// compareOptionsFrom converts the command line into compareOptions.
func compareOptionsFrom(c *cli.Context) (compareOptions, error) {
	if err := noFlagArgs(c); err != nil {
		return compareOptions{}, err
	}
	o := compareOptions{Baseline: c.String(compareFlagBaseline), Thresholds: c.String(compareFlagThresholds),
		JUnit: c.String(compareFlagJUnit), Markdown: c.String(compareFlagMarkdown), Format: c.String(compareFlagFormat),
		Store: c.String(historyFlagStore), Resamples: c.Int(compareFlagResamples), Seed: c.Uint64(compareFlagSeed),
		AllowEmptyBaseline: c.Bool(compareFlagAllowEmpty)}
	args := c.Args().Slice()
	switch {
	case o.Baseline == "" && len(args) == 2:
		o.Baseline, o.Candidate = args[0], args[1]
	case o.Baseline != "" && len(args) == 1:
		o.Candidate = args[0]
	case o.Baseline != "":
		return o, usagef("compare --baseline %s takes one CANDIDATE_RUN, got %d arguments", o.Baseline, len(args))
	default:
		return o, usagef("compare takes BASELINE_RUN CANDIDATE_RUN, or --baseline B CANDIDATE_RUN; got %d arguments", len(args))
	}
	switch o.Format {
	case "text", "md", "json":
	default:
		return o, usagef("--format %q: want text, md or json", o.Format)
	}
	if o.Resamples < 100 {
		return o, usagef("--resamples %d: want at least 100", o.Resamples)
	}
	return o, nil
}

// notComparable wraps err for exit status 2.
func notComparable(err error) error {
	return &exitCodeError{code: compareExitNotComparable, err: err}
}

// runCompare loads both sides, compares them, writes the outputs and
// returns an exit-code error on a regression (1) or when the runs cannot
// be compared (2).
func runCompare(ctx context.Context, o compareOptions, stdout, stderr io.Writer) error {
	var th compare.Thresholds // none given: the candidate scenario's gate over the defaults (compare.Compare)
	if o.Thresholds != "" {
		data, err := os.ReadFile(o.Thresholds)
		if err != nil {
			return notComparable(fmt.Errorf("thresholds: %w", err))
		}
		if th, err = compare.LoadThresholds(o.Thresholds, data); err != nil {
			return notComparable(err)
		}
	}
	cand, err := compare.LoadRun(o.Candidate, report.SLO{}) // its scenario's SLO
	if err != nil {
		return notComparable(err)
	}
	for _, w := range cand.Warnings {
		fmt.Fprintf(stderr, "inferbench: warning: candidate: %s\n", w)
	}
	base, err := resolveBaseline(ctx, o, cand)
	if errors.Is(err, history.ErrNoBaseline) && o.AllowEmptyBaseline {
		fmt.Fprintf(stderr, "inferbench: %v: nothing to compare with (--%s)\n", err, compareFlagAllowEmpty)
		return nil
	}
	if err != nil {
		return notComparable(err)
	}
	if base.Run != nil {
		for _, w := range base.Run.Warnings {
			fmt.Fprintf(stderr, "inferbench: warning: baseline: %s\n", w)
		}
	}
	res, err := compare.Compare(base, cand, compare.Options{Thresholds: th, Resamples: o.Resamples, Seed: o.Seed})
	if err != nil {
		return notComparable(err)
	}
	switch o.Format {
	case "md":
		err = compare.WriteMarkdown(stdout, res)
	case "json":
		err = compare.WriteJSON(stdout, res)
	default:
		err = compare.WriteText(stdout, res)
	}
	if err != nil {
		return err
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer, *compare.Result) error
	}{{o.JUnit, compare.WriteJUnit}, {o.Markdown, compare.WriteMarkdown}} {
		if out.path == "" {
			continue
		}
		if err := writeFileWith(out.path, func(w io.Writer) error { return out.write(w, res) }); err != nil {
			return notComparable(err)
		}
	}
	if regs := res.Regressions(); len(regs) > 0 {
		var what []string
		for _, r := range regs {
			what = append(what, compare.Describe(r))
		}
		return &exitCodeError{code: compareExitRegression, err: fmt.Errorf("regression: %s", strings.Join(what, "; "))}
	}
	return nil
}

// writeFileWith writes the file at path through write, atomically
// (rundir.WriteFile: a temporary file renamed over it).
func writeFileWith(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return rundir.WriteFile(filepath.Dir(path), filepath.Base(path), b.Bytes())
}

// resolveBaseline turns --baseline (or BASELINE_RUN) into a Baseline: a
// run directory is loaded with the candidate's SLO; a history: baseline is
// looked up in the store (history.Baseline).
func resolveBaseline(ctx context.Context, o compareOptions, cand *compare.Run) (compare.Baseline, error) {
	spec, ok := strings.CutPrefix(o.Baseline, "history:")
	if !ok {
		r, err := compare.LoadRun(o.Baseline, cand.SLO)
		if err != nil {
			return compare.Baseline{}, err
		}
		return compare.RunBaseline(r), nil
	}
	store, err := openStore(ctx, o.Store)
	if err != nil {
		return compare.Baseline{}, err
	}
	defer store.Close()
	b, err := history.Baseline(ctx, store, spec, cand)
	if errors.Is(err, history.ErrBaselineSpec) {
		return b, usagef("--baseline %s: %v", o.Baseline, err)
	}
	return b, err
}
