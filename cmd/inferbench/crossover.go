package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
)

const (
	costFlagTokensPerDay     = "tokens-per-day"
	costFlagRequestsPerDay   = "requests-per-day"
	costFlagTokensPerRequest = "tokens-per-request"
	costFlagAPIPricePerM     = "api-price-per-m"
	costFlagAPIModel         = "api-model"
	costFlagGPUMonthUSD      = "gpu-month-usd"
	costFlagOpsMonthUSD      = "ops-month-usd"
)

// Defaults of crossover: without --run and --gpu it prices an A100 80GB
// (the GPU guide's "sweet spot" for 7B–34B models); the offer is the one
// every command uses (cost.DefaultOfferKind).
const (
	crossoverDefaultGPU = "a100-80gb"
	defaultAPIModel     = "openai/gpt-4o"
)

// crossoverOptions is the crossover command's input.
type crossoverOptions struct {
	TokensPerDay     float64
	RequestsPerDay   float64
	TokensPerRequest float64
	APIPricePerM     float64
	APIModel         string
	GPUMonthUSD      float64
	OpsMonthUSD      float64
	RunDir           string
	GPU              string
	Offer            string
	GPUs             int
	Prices           string
	Format           cost.Format
}

// volumeFlags are the ways to give a daily volume, shared with advise.
func volumeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Float64Flag{Name: costFlagTokensPerDay, Usage: "volume in tokens per day (input + output)"},
		&cli.Float64Flag{Name: costFlagRequestsPerDay, Usage: "volume in requests per day (with --tokens-per-request)"},
		&cli.Float64Flag{Name: costFlagTokensPerRequest, Usage: "average tokens per request (with --requests-per-day)"},
		&cli.Float64Flag{Name: costFlagAPIPricePerM, Usage: "API price in USD per 1M tokens (default: --api-model's 3:1 blended input/output price)"},
		&cli.StringFlag{Name: costFlagAPIModel, Value: defaultAPIModel, Usage: "catalog API `ID` (provider/model) priced when --api-price-per-m is not given"},
	}
}

func crossoverCommand() *cli.Command {
	return &cli.Command{
		Name:  "crossover",
		Usage: "monthly cost of an API against self-hosting, and the volume where self-hosting starts to pay",
		Description: `monthly tokens = tokens/day × 30; API monthly = monthly tokens / 1e6 × price;
self-hosted monthly = GPUs needed × GPU month (730 h) + ops. GPUs needed steps up with
volume ÷ the run's measured capacity (--run); without a run one replica is assumed to serve it all.`,
		Flags: append(volumeFlags(),
			&cli.Float64Flag{Name: costFlagGPUMonthUSD, Usage: "one GPU per month in USD (default: --gpu's --offer × 730 h)"},
			&cli.Float64Flag{Name: costFlagOpsMonthUSD, Usage: "ops overhead per month in USD (people, tooling)"},
			&cli.StringFlag{Name: costFlagRun, Usage: "run `DIR` whose capacity at SLO (total tokens/s) sizes the GPUs"},
			&cli.StringFlag{Name: costFlagGPU, Usage: "catalog GPU `ID` priced when --gpu-month-usd is not given (default: the run's GPU from run.json, else " + crossoverDefaultGPU + ")"},
			&cli.StringFlag{Name: costFlagOffer, Value: string(cost.DefaultOfferKind), Usage: "offer kind or id of --gpu"},
			&cli.IntFlag{Name: costFlagGPUs, Usage: "GPUs in one replica (default: the run's GPU count, else 1)"},
			costPricesFlag(),
			costFormatFlag(),
		),
		Action: func(c *cli.Context) error {
			f, err := costFormat(c)
			if err != nil {
				return err
			}
			return runCrossover(c.Context, c.App.Writer, crossoverOptions{
				TokensPerDay: c.Float64(costFlagTokensPerDay), RequestsPerDay: c.Float64(costFlagRequestsPerDay), TokensPerRequest: c.Float64(costFlagTokensPerRequest),
				APIPricePerM: c.Float64(costFlagAPIPricePerM), APIModel: c.String(costFlagAPIModel),
				GPUMonthUSD: c.Float64(costFlagGPUMonthUSD), OpsMonthUSD: c.Float64(costFlagOpsMonthUSD),
				RunDir: c.String(costFlagRun), GPU: c.String(costFlagGPU), Offer: c.String(costFlagOffer), GPUs: c.Int(costFlagGPUs),
				Prices: c.String(costFlagPrices), Format: f,
			})
		},
	}
}

func runCrossover(_ context.Context, w io.Writer, o crossoverOptions) error {
	perDay, err := cost.DailyTokens(o.TokensPerDay, o.RequestsPerDay, o.TokensPerRequest)
	if err != nil {
		return err
	}
	if o.GPUMonthUSD < 0 || o.OpsMonthUSD < 0 {
		return usagef("--gpu-month-usd and --ops-month-usd must not be negative")
	}
	if o.GPUs < 0 {
		return usagef("--gpus must be at least 1, got %d", o.GPUs)
	}
	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("crossover: %w", err)
	}
	price, priceBasis, err := cat.APIPrice(o.APIPricePerM, o.APIModel)
	if err != nil {
		return err
	}
	in := cost.CrossoverInput{TokensPerDay: perDay, APIUSDPer1M: price, GPUMonthUSD: o.GPUMonthUSD, OpsMonthUSD: o.OpsMonthUSD, GPUsPerReplica: o.GPUs}
	var notes []string
	if priceBasis != "--api-price-per-m" {
		notes = append(notes, "API price: "+priceBasis)
	}
	gpuNotes, err := crossoverGPU(cat, &o, &in)
	if err != nil {
		return err
	}
	notes = append(notes, gpuNotes...)
	if in.GPUMonthUSD == 0 {
		m, err := cat.MonthOf(o.GPU, o.Offer)
		if err != nil {
			return err
		}
		in.GPUMonthUSD = m.USD
		notes = append(notes, m.Note)
	}
	if o.RunDir != "" {
		lvl, basis, err := runThroughput(o.RunDir)
		if err != nil {
			return fmt.Errorf("crossover: %w", err)
		}
		if !(lvl.TotalTokensPerS > 0) {
			return fmt.Errorf("crossover: %s: the priced level has no total tokens/s", o.RunDir)
		}
		in.CapacityTokensPerS = lvl.TotalTokensPerS
		notes = append(notes, "capacity: "+basis+" of "+o.RunDir)
	}
	x, err := cost.ComputeCrossover(in)
	if err != nil {
		return fmt.Errorf("crossover: %w", err)
	}
	x.Notes = append(notes, x.Notes...)
	return cost.Write(w, o.Format, x, x.Table())
}

// crossoverGPU fills in the GPU and its count from the run when the flags
// leave them out (cost.ResolveRunGPU, the rule report uses too), else the
// defaults; the notes say where they came from.
func crossoverGPU(cat *cost.Catalog, o *crossoverOptions, in *cost.CrossoverInput) ([]string, error) {
	var notes []string
	var rg *cost.RunGPU
	if o.RunDir != "" && (o.GPU == "" || o.GPUs == 0) {
		stated, names := runGPUInfo(o.RunDir)
		r, err := cat.ResolveRunGPU(stated, names)
		if err != nil {
			return nil, fmt.Errorf("crossover: %s/run.json gpu_stated: %w", o.RunDir, err)
		}
		rg = r
	}
	switch {
	case o.GPU != "":
	case rg != nil:
		o.GPU = rg.GPU.ID
		notes = append(notes, fmt.Sprintf("GPU %s from %s/run.json (%s)", rg.GPU.ID, o.RunDir, rg.From))
		if rg.Warning != "" {
			notes = append(notes, "warning: "+rg.Warning)
		}
	case o.GPUMonthUSD == 0:
		o.GPU = crossoverDefaultGPU
		why := "no --run"
		if o.RunDir != "" {
			why = o.RunDir + "/run.json names no catalog GPU"
		}
		notes = append(notes, fmt.Sprintf("GPU %s by default (%s; pass --gpu)", o.GPU, why))
	}
	if o.GPUs == 0 {
		o.GPUs = 1
		if rg != nil && rg.Count > 0 {
			o.GPUs = rg.Count
		}
		in.GPUsPerReplica = o.GPUs
	}
	return notes, nil
}
