package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/merge"
)

// Flag names of `merge` (a contract: extend, never rename).
const (
	flagMergeOut     = "out"
	flagMergePartial = "partial"
	flagMergeSkew    = "skew-warn"
	flagMergeApart   = "accept-apart"
)

// mergeOptions is everything `merge` needs.
type mergeOptions struct {
	merge.Options
	Quiet bool
}

func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "join the run directories of a sharded run (run --shard I/N) into one",
		UsageText: "inferbench merge [--out DIR] [--partial] SHARD_DIR…",
		Description: `Makes one run directory from the shards of a run: the union of their
records with every offset re-based onto the earliest shard start (each host's
wall clock from run.json; clock skew between hosts is recorded, not corrected,
and warned about above --skew-warn), GPU and server telemetry from the lowest
shard that has it, every shard's client telemetry, and summary.json
recomputed from the raw records (exact percentiles over all requests).
Shards of different scenarios, targets or load, with overlapping ids, the
same shard twice, a missing shard (unless --partial), or shards that did not
run at once (unless --accept-apart) are refused with the reason (exit 2).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: flagMergeOut, Usage: "merged run directory to create", Required: true},
			&cli.BoolFlag{Name: flagMergePartial, Usage: "merge even when shards are missing (the result holds only part of the load)"},
			&cli.DurationFlag{Name: flagMergeSkew, Value: merge.DefaultSkewBound, Usage: "warn when the shards' starts lie further apart than this"},
			&cli.BoolFlag{Name: flagMergeApart, Usage: "merge shards that did not run at once (a level's windows share less than half the shorter): the merged run says its levels are not one load"},
			quietFlag(),
		},
		Action: func(c *cli.Context) error {
			if err := cmdline.NoFlagArgs(c); err != nil {
				return err
			}
			if c.NArg() == 0 {
				return usagef("merge: name the shards' run directories")
			}
			o := &mergeOptions{Options: merge.Options{Dirs: c.Args().Slice(), Out: c.String(flagMergeOut),
				Partial: c.Bool(flagMergePartial), SkewBound: c.Duration(flagMergeSkew), AcceptApart: c.Bool(flagMergeApart)}, Quiet: c.Bool(flagQuiet)}
			return runMerge(c.Context, o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runMerge merges the shards and prints the merged run's table.
func runMerge(ctx context.Context, o *mergeOptions, stdout, stderr io.Writer) error {
	res, err := merge.MergeContext(ctx, o.Options)
	var refused *merge.Refused
	if errors.As(err, &refused) {
		return usagef("%v", err)
	}
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "inferbench: warning:", w)
	}
	fmt.Fprintf(stderr, "inferbench: merged %s, %d records → %s\n", printable.Count(len(res.Manifest.Merged.Shards), "shard"), res.Manifest.Records, o.Out)
	if o.Quiet {
		return nil
	}
	return report.WriteTableFit(stdout, res.Summary, res.Manifest, report.TerminalWidth(stdout))
}
