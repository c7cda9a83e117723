package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/report/render"
)

func reportCommand() *cli.Command {
	var o render.Options // TokensPerDay 0: the default, and the report says so
	var out string
	return &cli.Command{
		Name:      "report",
		Usage:     "recompute summary.json from run directories, print the results, write the run or qualification report",
		UsageText: "inferbench report [--out DIR] [--format md,html,json,csv] [--prices FILE] [--slo-ttft D] ... RUN_DIR [RUN_DIR ...]",
		Description: `Reads each RUN_DIR's requests.jsonl (and run.json, gpu.jsonl, server.jsonl, if present),
recomputes every metric from the raw records, rewrites RUN_DIR/summary.json (by its own run.json's
SLO) and prints the table. --slo-* flags apply new SLOs to what is printed and written under --out;
without them the first run's scenario's SLO (run.json) is; a summary.json keeps its run's own.

Several runs (the same scenario on an A100 box and an H100 box) are compared: the first run is
the baseline, each other run is set against it metric by metric with bootstrap confidence
intervals over requests, and the verdict names whatever makes the comparison unfair.

With --out DIR it writes the report there: report.md, report.html (one self-contained file),
report.json, levels.csv (--format picks among them) and, for md or html, the figures as
plots/*.svg and plots/*.png. One run gives a run report, several a qualification report. Costs and the
crossover use the GPU and API catalogs (--prices overrides them).`,
		Flags: append(sloFlags(), []cli.Flag{
			&cli.StringFlag{Name: "out", Destination: &out, Usage: "write the report files and figures into `DIR`"},
			&cli.StringFlag{Name: "format", Value: strings.Join(render.AllFormats(), ","), Usage: "report files to write: md, html, json, csv, and vllm (vLLM benchmark result files per level, under vllm/; comma-separated)"},
			&cli.StringFlag{Name: "metric-percentiles", Value: "99", Usage: "percentiles of --format vllm's files, as vLLM's --metric-percentiles (comma-separated)"},
			pricesFlag(nil),
			&cli.StringSliceFlag{Name: "gpu", Usage: "the serving box's GPU as a catalog `ID[xN]` (h100-sxm, a100-80gbx2), once for every run or once per run in order: prices the runs as stated by the user (replaces run.json's GPU)"},
			&cli.StringFlag{Name: "offer", Destination: &o.Offer, DefaultText: "the first run's scenario's cost.offer, else " + render.DefaultOffer, Usage: "offer kind (or id) the verdict and the crossover price"},
			cmdline.Count(&o.TokensPerDay, &cli.GenericFlag{Name: "tokens-per-day", Usage: "volume of the crossover, in tokens per day (input + output)", DefaultText: "10M, said to be the default"}),
			&cli.StringSliceFlag{Name: "api-model", Value: cli.NewStringSlice(render.DefaultAPIModels()...), Usage: "catalog API `ID`s the crossover weighs self-hosting against"},
			cmdline.Money(&o.OpsMonthUSD, &cli.GenericFlag{Name: "ops-month-usd", Usage: "ops overhead per month in USD, in the crossover"}),
			&cli.Float64Flag{Name: "cached-input-share", Destination: &o.CachedInputShare, Usage: "share of input tokens the APIs read from their prompt cache, at their cached-input price (APIs without one are left out of the crossover)"},
			&cli.IntFlag{Name: "bootstrap-resamples", Value: render.DefaultResamples, Destination: &o.Resamples, Usage: "bootstrap resamples of the qualification's confidence intervals"},
			&cli.Uint64Flag{Name: "seed", Value: render.DefaultSeed, Destination: &o.Seed, Usage: "seed of the bootstrap"},
			&cli.Float64Flag{Name: "png-dpi", Value: plot.PNGDPI, Destination: &o.PNGDPI, Usage: "resolution of the PNG figures in dots per inch (300 for print)"},
		}...),
		Action: func(c *cli.Context) error {
			if err := cmdline.NoFlagArgs(c); err != nil {
				return err
			}
			if c.NArg() < 1 {
				return usagef("report takes at least one RUN_DIR")
			}
			formats, err := render.FormatsFor(c.String("format"), c.IsSet("format"), out)
			if err != nil {
				return usagef("--format: %v", err)
			}
			if o.VLLMPercentiles, err = report.ParseVLLMPercentiles(c.String("metric-percentiles")); err != nil {
				return usagef("--metric-percentiles: %v", err)
			}
			o.SLO = sloOf(c)
			o.APIModels, o.GPUStated, o.Version = c.StringSlice("api-model"), c.StringSlice("gpu"), toolVersion()
			volume := o.TokensPerDay // an explicit 0 is refused
			if !c.IsSet("tokens-per-day") {
				volume = render.DefaultTokensPerDay
			}
			if o.Catalog, err = reportCatalog(&o, volume, c.NArg(), c.String("prices")); err != nil {
				return err
			}
			return render.Command(c.Args().Slice(), out, formats, o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// reportCatalog checks report's numbers (volume: the crossover's) and
// loads the catalog, checking each --gpu against it.
func reportCatalog(o *render.Options, volume float64, runs int, prices string) (*cost.Catalog, error) {
	if err := cost.CheckCrossover(volume, o.OpsMonthUSD, o.CachedInputShare); err != nil {
		return nil, err // the crossover command's bounds and words (exit 2)
	}
	switch {
	case o.Resamples < 100 || o.Resamples > render.MaxResamples:
		return nil, usagef("--bootstrap-resamples must be between 100 and %d, got %d", render.MaxResamples, o.Resamples)
	case o.PNGDPI < 24 || o.PNGDPI > 1200:
		return nil, usagef("--png-dpi must be between 24 and 1200, got %v", o.PNGDPI)
	case len(o.GPUStated) > 1 && len(o.GPUStated) != runs:
		return nil, usagef("--gpu: give it once for every run or once per run (%d runs), got %d", runs, len(o.GPUStated))
	}
	cat, err := cost.Load(prices)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, g := range o.GPUStated {
		if _, _, err := cat.ParseGPUSpec(g); err != nil {
			return nil, usagef("--gpu: %v", err)
		}
	}
	return cat, nil
}
