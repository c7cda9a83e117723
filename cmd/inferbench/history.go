package main

import (
	"context"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/history"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/report/compare"
)

// historyFlags are the flags every subcommand has.
func historyFlags(extra ...cli.Flag) []cli.Flag {
	return append([]cli.Flag{
		storeFlag("the store: a SQLite `FILE` or a postgres:// URL (default $XDG_DATA_HOME/inferbench/history.db)"),
	}, extra...)
}

// historyFilterFlags select entries.
func historyFilterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "scenario", Usage: "only runs of scenario `NAME`"},
		&cli.StringFlag{Name: "model", Usage: "only runs of model `NAME`"},
		&cli.IntFlag{Name: "limit", Usage: "only the newest `N` runs (0: all)"},
	}
}

func historyCommand() *cli.Command {
	format := &cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}
	return &cli.Command{
		Name:  "history",
		Usage: "the run history: summaries and metadata of past runs in SQLite or PostgreSQL, for compare and trends",
		Description: `The store is a SQLite file (default $XDG_DATA_HOME/inferbench/history.db) or, with
--store postgres://… or INFERBENCH_STORE, a PostgreSQL database shared by several machines. It keeps
each run's summary and run.json; the run directory stays the source of truth.`,
		Subcommands: []*cli.Command{
			{
				Name: "add", Usage: "add run directories to the history (a run already there is left as it is)", ArgsUsage: "RUN...",
				Flags: historyFlags(&cli.BoolFlag{Name: "new-level", Usage: "accept the runs as a new level on purpose: history: baselines of their scenario, model, target kind and hardware start from the first of them to start (marks a run already there)"}), Action: historyAction(history.RunAdd),
			},
			{
				Name: "list", Usage: "list runs, newest first",
				Flags: historyFlags(append(historyFilterFlags(), format)...), Action: historyAction(history.RunList),
			},
			{Name: "show", Usage: "show one run's metadata and metrics", ArgsUsage: "ID", Flags: historyFlags(format), Action: historyAction(history.RunShow)},
			{Name: "remove", Usage: "remove stored runs (all or none; their run directories are left as they are)", ArgsUsage: "ID...", Flags: historyFlags(), Action: historyAction(history.RunRemove)},
			{Name: "mark", Usage: "mark a stored run a new level, as add --new-level does", ArgsUsage: "ID", Flags: historyFlags(), Action: historyAction(history.RunMark)},
			{Name: "unmark", Usage: "take back the new-level mark of stored runs", ArgsUsage: "ID...", Flags: historyFlags(), Action: historyAction(history.RunUnmark)},
			{
				Name: "trend", Usage: "a metric over time, per load level: a table, or a plot with --out",
				Flags: historyFlags(append(historyFilterFlags(),
					&cli.StringFlag{Name: "metric", Value: "ttft_p95", Usage: "metric `NAME`: " + strings.Join(compare.MetricNames(), ", ")},
					&cli.StringFlag{Name: "out", Usage: "write the plot to `FILE` (.png or .svg)"},
				)...), Action: historyAction(history.RunTrend),
			},
		},
	}
}

// historyAction converts the command line into history.CommandOptions and
// calls run.
func historyAction(run func(context.Context, history.CommandOptions, io.Writer, io.Writer) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := cmdline.NoFlagArgs(c); err != nil {
			return err
		}
		o := history.CommandOptions{Store: c.String("store"), Args: c.Args().Slice(),
			Filter: history.Filter{Scenario: c.String("scenario"), Model: c.String("model"), Limit: c.Int("limit")},
			Metric: c.String("metric"), Out: c.String("out"), Format: c.String("format"), NewLevel: c.Bool("new-level")}
		if err := o.Check(); err != nil {
			return usagef("%v", err)
		}
		return run(c.Context, o, c.App.Writer, c.App.ErrWriter)
	}
}
