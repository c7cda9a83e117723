package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/history"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

const (
	historyFlagScenario = "scenario"
	historyFlagModel    = "model"
	historyFlagLimit    = "limit"
	historyFlagMetric   = "metric"
	historyFlagOut      = "out"
	historyFlagFormat   = "format"
)

// historyOptions is the input of every history subcommand.
type historyOptions struct {
	// Store names the store: a SQLite file or a postgres:// URL; empty for
	// the default file.
	Store string
	// Args are the positional arguments (run directories, an ID).
	Args []string
	// Filter selects entries for list and trend.
	Filter history.Filter
	// Metric is trend's metric; Out its plot file (.png or .svg), empty
	// for a table.
	Metric, Out string
	// Format is list's and show's output: text or json.
	Format string
}

// historyFlags are the flags every subcommand has.
func historyFlags(extra ...cli.Flag) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: historyFlagStore, EnvVars: []string{history.EnvStore},
			Usage: "the store: a SQLite `FILE` or a postgres:// URL (default $XDG_DATA_HOME/inferbench/history.db)"},
	}, extra...)
}

// historyFilterFlags select entries.
func historyFilterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: historyFlagScenario, Usage: "only runs of scenario `NAME`"},
		&cli.StringFlag{Name: historyFlagModel, Usage: "only runs of model `NAME`"},
		&cli.IntFlag{Name: historyFlagLimit, Usage: "only the newest `N` runs (0: all)"},
	}
}

func historyCommand() *cli.Command {
	format := &cli.StringFlag{Name: historyFlagFormat, Value: "text", Usage: "text or json"}
	return &cli.Command{
		Name:  "history",
		Usage: "the run history: summaries and metadata of past runs in SQLite or PostgreSQL, for compare and trends",
		Description: `The store is a SQLite file (default $XDG_DATA_HOME/inferbench/history.db) or, with
--store postgres://… or INFERBENCH_STORE, a PostgreSQL database shared by several machines. It keeps
each run's summary and run.json; the run directory stays the source of truth.`,
		Subcommands: []*cli.Command{
			{
				Name: "add", Usage: "add run directories to the history (a run already there is left as it is)", ArgsUsage: "RUN...",
				Flags: historyFlags(), Action: historyAction(runHistoryAdd),
			},
			{
				Name: "list", Usage: "list runs, newest first",
				Flags: historyFlags(append(historyFilterFlags(), format)...), Action: historyAction(runHistoryList),
			},
			{
				Name: "show", Usage: "show one run's metadata and metrics", ArgsUsage: "ID",
				Flags: historyFlags(format), Action: historyAction(runHistoryShow),
			},
			{
				Name: "trend", Usage: "a metric over time, per load level: a table, or a plot with --out",
				Flags: historyFlags(append(historyFilterFlags(),
					&cli.StringFlag{Name: historyFlagMetric, Value: "ttft_p95", Usage: "metric `NAME`: " + strings.Join(compare.MetricNames(), ", ")},
					&cli.StringFlag{Name: historyFlagOut, Usage: "write the plot to `FILE` (.png or .svg)"},
				)...), Action: historyAction(runHistoryTrend),
			},
		},
	}
}

// historyAction converts the command line into historyOptions and calls run.
func historyAction(run func(context.Context, historyOptions, io.Writer, io.Writer) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := noFlagArgs(c); err != nil {
			return err
		}
		o := historyOptions{Store: c.String(historyFlagStore), Args: c.Args().Slice(),
			Filter: history.Filter{Scenario: c.String(historyFlagScenario), Model: c.String(historyFlagModel), Limit: c.Int(historyFlagLimit)},
			Metric: c.String(historyFlagMetric), Out: c.String(historyFlagOut), Format: c.String(historyFlagFormat)}
		if o.Filter.Limit < 0 {
			return usagef("--limit %d: want ≥ 0", o.Filter.Limit)
		}
		if o.Format != "" && o.Format != "text" && o.Format != "json" {
			return usagef("--format %q: want text or json", o.Format)
		}
		return run(c.Context, o, c.App.Writer, c.App.ErrWriter)
	}
}

// storeSpecOrDefault returns spec, or the default SQLite file.
func storeSpecOrDefault(spec string) string {
	if spec != "" {
		return spec
	}
	p, err := history.DefaultPath()
	if err != nil {
		return ""
	}
	return p
}

// openStore opens the store spec names, the default file when empty.
func openStore(ctx context.Context, spec string) (*history.Store, error) {
	if spec == "" {
		p, err := history.DefaultPath()
		if err != nil {
			return nil, err
		}
		spec = p
	}
	// A store that is neither a SQLite file nor a postgres:// URL (a
	// misspelt scheme, a key=value DSN) is a usage error, its password
	// masked.
	if err := history.CheckSpec(spec); err != nil {
		return nil, usagef("%v", err)
	}
	return history.Open(ctx, spec)
}

// runHistoryAdd adds each run directory; one already stored is reported
// and skipped, so a retried CI step succeeds.
func runHistoryAdd(ctx context.Context, o historyOptions, stdout, stderr io.Writer) error {
	if len(o.Args) == 0 {
		return usagef("history add takes one or more RUN directories")
	}
	s, err := openStore(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	for _, dir := range o.Args {
		e, warnings, err := history.NewEntry(dir, report.SLO{})
		if err != nil {
			return err
		}
		for _, w := range warnings {
			fmt.Fprintf(stderr, "inferbench: warning: %s: %s\n", dir, w)
		}
		id, err := s.Add(ctx, e)
		if dup, ok := errors.AsType[*history.DuplicateError](err); ok {
			fmt.Fprintf(stdout, "%s: already in the history as #%d\n", dir, dup.ID)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		fmt.Fprintf(stdout, "%s: added as #%d (scenario %s, model %s, %s)\n", dir, id, e.Scenario, e.Model, s.Backend())
	}
	return nil
}

// runHistoryList lists entries, newest first.
func runHistoryList(ctx context.Context, o historyOptions, stdout, _ io.Writer) error {
	if len(o.Args) > 0 {
		return usagef("history list takes no arguments, got %q", o.Args)
	}
	s, err := openStore(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	entries, err := s.List(ctx, o.Filter)
	if err != nil {
		return err
	}
	if o.Format == "json" {
		if entries == nil {
			entries = []*history.Entry{}
		}
		return writeJSON(stdout, entries)
	}
	return history.WriteList(stdout, entries)
}

// runHistoryShow shows one entry.
func runHistoryShow(ctx context.Context, o historyOptions, stdout, _ io.Writer) error {
	if len(o.Args) != 1 {
		return usagef("history show takes one ID")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(o.Args[0], "#"), 10, 64)
	if err != nil {
		return usagef("history show %s: want a numeric ID", o.Args[0])
	}
	s, err := openStore(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if o.Format == "json" {
		return writeJSON(stdout, e)
	}
	return e.WriteText(stdout)
}

// runHistoryTrend prints a metric's trend, or plots it with --out.
func runHistoryTrend(ctx context.Context, o historyOptions, stdout, _ io.Writer) error {
	if len(o.Args) > 0 {
		return usagef("history trend takes no arguments, got %q", o.Args)
	}
	m, ok := compare.LookupMetric(o.Metric)
	if !ok {
		return usagef("--metric %q: want one of %s", o.Metric, strings.Join(compare.MetricNames(), ", "))
	}
	format := strings.TrimPrefix(filepath.Ext(o.Out), ".")
	if o.Out != "" && format != "png" && format != "svg" {
		return usagef("--out %s: want a .png or .svg file", o.Out)
	}
	s, err := openStore(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	pts, err := s.Trend(ctx, o.Metric, o.Filter)
	if err != nil {
		return err
	}
	if len(pts) == 0 {
		return fmt.Errorf("history trend: no %s values for the selection", o.Metric)
	}
	if o.Out == "" {
		tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "ID\tSTARTED (UTC)\tLEVEL\t%s (%s)\n", m.Title, m.Unit)
		for _, p := range pts {
			v := p.Value
			if m.Points {
				v *= 100
			}
			fmt.Fprintf(tw, "%d\t%s\t%g\t%.2f\n", p.RunID, p.Started.Format("2006-01-02 15:04:05"), p.Level, v)
		}
		return tw.Flush()
	}
	var sel []string
	if o.Filter.Scenario != "" {
		sel = append(sel, "scenario "+o.Filter.Scenario)
	}
	if o.Filter.Model != "" {
		sel = append(sel, "model "+o.Filter.Model)
	}
	p, err := history.TrendPlot(o.Metric, pts, strings.Join(sel, ", "))
	if err != nil {
		return err
	}
	if err := writeFileWith(o.Out, func(w io.Writer) error { return history.WriteTrendPlot(w, p, format) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d points)\n", o.Out, len(pts))
	return nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
