package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
)

// Flag names shared by run and report.
const (
	flagSLOTTFT = "slo-ttft"
	flagSLOTPOT = "slo-tpot"
	flagSLOE2E  = "slo-e2e"
	flagSLOITL  = "slo-itl"
	flagSLOPct  = "slo-percentile"
)

// reportOptions is what `report` needs.
type reportOptions struct {
	Dir string
	SLO report.SLO
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "recompute summary.json from a run directory and print the results table",
		UsageText: "inferbench report [--slo-ttft D] [--slo-tpot D] [--slo-e2e D] RUN_DIR",
		Description: `Reads RUN_DIR/requests.jsonl alone (and run.json, if present), recomputes every
metric from the raw records, rewrites RUN_DIR/summary.json and prints the same
table as run. New SLOs can be applied to an old run.`,
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: flagSLOTTFT, Usage: "SLO: time to first token per request"},
			&cli.DurationFlag{Name: flagSLOTPOT, Usage: "SLO: time per output token per request"},
			&cli.DurationFlag{Name: flagSLOE2E, Usage: "SLO: end-to-end latency per request"},
		},
		Action: func(c *cli.Context) error {
			if err := noFlagArgs(c); err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("report takes one RUN_DIR, got %d arguments", c.NArg())
			}
			o := &reportOptions{Dir: c.Args().First(),
				SLO: report.SLO{TTFT: c.Duration(flagSLOTTFT), TPOT: c.Duration(flagSLOTPOT), E2E: c.Duration(flagSLOE2E)}}
			return runReport(o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

func runReport(o *reportOptions, stdout, stderr io.Writer) error {
	m, err := loadgen.ReadManifest(o.Dir)
	if err != nil {
		fmt.Fprintf(stderr, "inferbench: warning: %v (reporting from %s alone)\n", err, loadgen.RecordsFile)
		m = nil
	}
	sum, warnings, err := report.SummarizeRun(o.Dir, o.SLO)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "inferbench: warning:", w)
	}
	if err := report.WriteSummaryFile(o.Dir, sum); err != nil {
		return err
	}
	return report.WriteTable(stdout, sum, m)
}
