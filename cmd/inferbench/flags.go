package main

import (
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/history"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/session"
	"github.com/inferbench/inferbench/targets/registry"
)

// Flags shared by several commands, defined once.

// Flag names of the SLO, shared by run and report.
const (
	flagSLOTTFT = "slo-ttft"
	flagSLOTPOT = "slo-tpot"
	flagSLOE2E  = "slo-e2e"
	flagSLOITL  = "slo-itl"
	flagSLOPct  = "slo-percentile"
)

// sloFlags are the SLO flags of run and report; eg gives run's examples
// of the TTFT, TPOT, E2E and ITL thresholds (report has none).
func sloFlags(eg ...string) []cli.Flag {
	eg = append(eg, "", "", "", "")
	return []cli.Flag{
		&cli.DurationFlag{Name: flagSLOTTFT, Usage: "SLO: time to first token per request" + eg[0]},
		&cli.DurationFlag{Name: flagSLOTPOT, Usage: "SLO: time per output token per request" + eg[1]},
		&cli.DurationFlag{Name: flagSLOE2E, Usage: "SLO: end-to-end latency per request" + eg[2]},
		&cli.DurationFlag{Name: flagSLOITL, Usage: "SLO: inter-token latency at the SLO percentile" + eg[3] + " (judged per level)"},
		&cli.Float64Flag{Name: flagSLOPct, Value: report.DefaultSLOPercentile, Usage: "SLO: the percentile levels are judged at (50, 90, 95, 99 or 99.9)"},
	}
}

// sloOf is the SLO the flags give (zero where none is set).
func sloOf(c *cli.Context) report.SLO {
	return report.SLO{TTFT: c.Duration(flagSLOTTFT), TPOT: c.Duration(flagSLOTPOT), E2E: c.Duration(flagSLOE2E),
		ITL: c.Duration(flagSLOITL), Percentile: c.Float64(flagSLOPct)}
}

// pricesFlag is --prices, shared with report.
func pricesFlag(dst *string) cli.Flag {
	return &cli.StringFlag{Name: "prices", Destination: dst, Usage: "YAML `FILE` overriding any field of the shipped GPU, API and model catalogs (list entries match by id)"}
}

// parseStartAt reads --start-at (session.ParseStartAt), a usage error
// when it is wrong.
func parseStartAt(s string) (time.Time, error) {
	t, err := session.ParseStartAt(s, time.Now())
	if err != nil {
		return time.Time{}, usagef("%v", err)
	}
	return t, nil
}

// targetFlag is --target, the target kind (run, targets probe).
func targetFlag() cli.Flag {
	return &cli.StringFlag{Name: flagTarget, Value: "vllm", Usage: "target kind: " + strings.Join(registry.Kinds(), ", ")}
}

// quietFlag is --quiet: no results table (run, merge).
func quietFlag() cli.Flag {
	return &cli.BoolFlag{Name: flagQuiet, Aliases: []string{"q"}, Usage: "do not print the results table"}
}

// storeFlag is --store: the history store (history subcommands, compare).
func storeFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "store", EnvVars: []string{history.EnvStore}, Usage: usage}
}
