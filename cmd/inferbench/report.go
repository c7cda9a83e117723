package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/report/render"
	"github.com/inferbench/inferbench/rundir"
)

// Flag names shared by run and report.
const (
	flagSLOTTFT = "slo-ttft"
	flagSLOTPOT = "slo-tpot"
	flagSLOE2E  = "slo-e2e"
	flagSLOITL  = "slo-itl"
	flagSLOPct  = "slo-percentile"
)

// Flag names of report.
const (
	reportFlagOut          = "out"
	reportFlagFormat       = "format"
	reportFlagOffer        = "offer"
	reportFlagTokensPerDay = "tokens-per-day"
	reportFlagAPIModel     = "api-model"
	reportFlagOps          = "ops-month-usd"
	reportFlagResamples    = "bootstrap-resamples"
	reportFlagSeed         = "seed"
	reportFlagPNGDPI       = "png-dpi"
	reportFlagPercentiles  = "metric-percentiles"
)

// reportOptions is what `report` needs.
type reportOptions struct {
	Dirs []string
	SLO  report.SLO
	// Out is the report's directory; empty writes no report files (only
	// each run's summary.json), as report did before it wrote reports.
	Out string
	// Formats lists the report files to write into Out (md, html, json,
	// csv); the figures are written whenever Out is set.
	Formats      []string
	Prices       string
	Offer        string
	TokensPerDay float64
	APIModels    []string
	OpsMonthUSD  float64
	Resamples    int
	Seed         uint64
	PNGDPI       float64
	// GPU is --gpu: one ID[xN] for every run, or one per run.
	GPU []string
	// VLLMPercentiles are the percentiles of --format vllm.
	VLLMPercentiles []float64
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "recompute summary.json from run directories, print the results, write the run or qualification report",
		UsageText: "inferbench report [--out DIR] [--format md,html,json,csv] [--prices FILE] [--slo-ttft D] ... RUN_DIR [RUN_DIR ...]",
		Description: `Reads each RUN_DIR's requests.jsonl (and run.json, gpu.jsonl, server.jsonl, if present),
recomputes every metric from the raw records, rewrites RUN_DIR/summary.json and prints the same
table as run. New SLOs can be applied to an old run; without --slo-* flags the SLO of the first
run's scenario (run.json) is used.

Several runs (the same scenario on an A100 box and an H100 box) are compared: the first run is
the baseline, each other run is set against it metric by metric with bootstrap confidence
intervals over requests, and the verdict names whatever makes the comparison unfair.

With --out DIR it writes the report there: report.md, report.html (one self-contained file),
report.json, levels.csv (--format picks among them) and the figures as plots/*.svg and
plots/*.png. One run gives a run report, several a qualification report. Costs and the
crossover use the GPU and API catalogs (--prices overrides them).`,
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: flagSLOTTFT, Usage: "SLO: time to first token per request"},
			&cli.DurationFlag{Name: flagSLOTPOT, Usage: "SLO: time per output token per request"},
			&cli.DurationFlag{Name: flagSLOE2E, Usage: "SLO: end-to-end latency per request"},
			&cli.DurationFlag{Name: flagSLOITL, Usage: "SLO: inter-token latency at the SLO percentile (judged per level)"},
			&cli.Float64Flag{Name: flagSLOPct, Value: report.DefaultSLOPercentile, Usage: "SLO: the percentile levels are judged at (50, 90, 95, 99 or 99.9)"},
			&cli.StringFlag{Name: reportFlagOut, Usage: "write the report files and figures into `DIR`"},
			&cli.StringFlag{Name: reportFlagFormat, Value: strings.Join(render.AllFormats(), ","), Usage: "report files to write: md, html, json, csv, and vllm (vLLM benchmark result files per level, under vllm/; comma-separated)"},
			&cli.StringFlag{Name: reportFlagPercentiles, Value: "99", Usage: "percentiles of --format vllm's files, as vLLM's --metric-percentiles (comma-separated)"},
			pricesFlag(nil),
			&cli.StringSliceFlag{Name: "gpu", Usage: "the serving box's GPU as a catalog `ID[xN]` (h100-sxm, a100-80gbx2), once for every run or once per run in order: prices the runs as stated by the user (replaces run.json's GPU)"},
			&cli.StringFlag{Name: reportFlagOffer, Value: render.DefaultOffer, Usage: "offer kind (or id) the verdict and the crossover price"},
			&cli.Float64Flag{Name: reportFlagTokensPerDay, Value: render.DefaultTokensPerDay, Usage: "volume of the crossover, in tokens per day (input + output)"},
			&cli.StringSliceFlag{Name: reportFlagAPIModel, Value: cli.NewStringSlice(render.DefaultAPIModels()...), Usage: "catalog API `ID`s the crossover weighs self-hosting against"},
			&cli.Float64Flag{Name: reportFlagOps, Usage: "ops overhead per month in USD, in the crossover"},
			&cli.IntFlag{Name: reportFlagResamples, Value: render.DefaultResamples, Usage: "bootstrap resamples of the qualification's confidence intervals"},
			&cli.Uint64Flag{Name: reportFlagSeed, Value: render.DefaultSeed, Usage: "seed of the bootstrap"},
			&cli.Float64Flag{Name: reportFlagPNGDPI, Value: plot.PNGDPI, Usage: "resolution of the PNG figures in dots per inch (300 for print)"},
		},
		Action: func(c *cli.Context) error {
			if err := noFlagArgs(c); err != nil {
				return err
			}
			if c.NArg() < 1 {
				return usagef("report takes at least one RUN_DIR")
			}
			formats, err := render.ParseFormats(c.String(reportFlagFormat))
			if err != nil {
				return usagef("--format: %v", err)
			}
			pcts, err := report.ParseVLLMPercentiles(c.String(reportFlagPercentiles))
			if err != nil {
				return usagef("--%s: %v", reportFlagPercentiles, err)
			}
			o := &reportOptions{Dirs: c.Args().Slice(),
				SLO: report.SLO{TTFT: c.Duration(flagSLOTTFT), TPOT: c.Duration(flagSLOTPOT), E2E: c.Duration(flagSLOE2E),
					ITL: c.Duration(flagSLOITL), Percentile: c.Float64(flagSLOPct)},
				Out: c.String(reportFlagOut), Formats: formats, Prices: c.String("prices"), Offer: c.String(reportFlagOffer),
				TokensPerDay: c.Float64(reportFlagTokensPerDay), APIModels: c.StringSlice(reportFlagAPIModel),
				OpsMonthUSD: c.Float64(reportFlagOps), Resamples: c.Int(reportFlagResamples), Seed: c.Uint64(reportFlagSeed),
				PNGDPI: c.Float64(reportFlagPNGDPI), GPU: c.StringSlice("gpu"),
				VLLMPercentiles: pcts}
			return runReport(o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

func runReport(o *reportOptions, stdout, stderr io.Writer) error {
	switch {
	case !(o.TokensPerDay > 0):
		return usagef("--%s must be positive, got %v", reportFlagTokensPerDay, o.TokensPerDay)
	case o.OpsMonthUSD < 0:
		return usagef("--%s must not be negative", reportFlagOps)
	case o.Resamples < 100:
		return usagef("--%s must be at least 100, got %d", reportFlagResamples, o.Resamples)
	case o.PNGDPI < 24 || o.PNGDPI > 1200:
		return usagef("--%s must be between 24 and 1200, got %v", reportFlagPNGDPI, o.PNGDPI)
	case len(o.GPU) > 1 && len(o.GPU) != len(o.Dirs):
		return usagef("--%s: give it once for every run or once per run (%d runs), got %d", "gpu", len(o.Dirs), len(o.GPU))
	}
	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, g := range o.GPU {
		if _, _, err := cat.ParseGPUSpec(g); err != nil {
			return usagef("--%s: %v", "gpu", err)
		}
	}
	runs, slo, source, err := render.LoadRuns(o.Dirs, o.SLO)
	if err != nil {
		return err
	}
	for i, r := range runs {
		for _, w := range r.Warnings {
			fmt.Fprintln(stderr, "inferbench: warning:", w)
		}
		if err := report.WriteSummaryFile(r.Dir, r.Summary); err != nil {
			return err
		}
		if len(runs) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "== %s (%s)\n", r.Label, r.Dir)
		}
		if err := report.WriteTable(stdout, r.Summary, r.Manifest); err != nil {
			return err
		}
	}
	if source == "run.json" {
		fmt.Fprintf(stdout, "\nSLO from %s's scenario: capacity judged by it\n", filepath.Join(o.Dirs[0], rundir.ManifestFile))
	}
	rep, err := render.Build(runs, render.Options{SLO: slo, SLOSource: source, Catalog: cat, Offer: o.Offer,
		TokensPerDay: o.TokensPerDay, APIModels: o.APIModels, OpsMonthUSD: o.OpsMonthUSD,
		Resamples: o.Resamples, Seed: o.Seed, Version: toolVersion(), PNGDPI: o.PNGDPI, GPUStated: o.GPU,
		VLLMPercentiles: o.VLLMPercentiles})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, c := range rep.Comparisons {
		fmt.Fprintf(stdout, "\nverdict: %s\n", c.Headline)
		for _, n := range c.Notes {
			fmt.Fprintf(stdout, "note: %s\n", n)
		}
	}
	out := o.Out
	if out == "" {
		fmt.Fprintf(stdout, "\n(write the report and its figures with --out DIR)\n")
		return nil
	}
	files, err := render.Write(out, rep, o.Formats)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nreport written to %s:", out)
	for _, f := range files {
		if rel, err := filepath.Rel(out, f); err == nil && !strings.HasPrefix(rel, render.PlotsDir) {
			fmt.Fprintf(stdout, " %s", rel)
		}
	}
	fmt.Fprintf(stdout, " and %d figures in %s\n", len(rep.Figures), filepath.Join(out, render.PlotsDir))
	return nil
}
