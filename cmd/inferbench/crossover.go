package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
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

// Defaults of crossover when no GPU price is given: the seed's example, an
// A100 80GB on a 1-year reservation.
const (
	crossoverDefaultGPU   = "a100-80gb"
	crossoverDefaultOffer = "reserved-1y"
	defaultAPIModel       = "openai/gpt-4o"
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
			&cli.StringFlag{Name: costFlagGPU, Value: crossoverDefaultGPU, Usage: "catalog GPU `ID` priced when --gpu-month-usd is not given"},
			&cli.StringFlag{Name: costFlagOffer, Value: crossoverDefaultOffer, Usage: "offer kind or id of --gpu"},
			&cli.IntFlag{Name: costFlagGPUs, Value: 1, Usage: "GPUs in one replica (the run's tensor parallelism)"},
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

// dailyTokens resolves the volume flags: tokens per day, or requests per
// day × tokens per request (the seed's formula).
func dailyTokens(tokensPerDay, requestsPerDay, tokensPerRequest float64) (float64, error) {
	switch {
	case tokensPerDay != 0 && (requestsPerDay != 0 || tokensPerRequest != 0):
		return 0, usagef("pass --tokens-per-day or --requests-per-day with --tokens-per-request, not both")
	case tokensPerDay < 0 || requestsPerDay < 0 || tokensPerRequest < 0:
		return 0, usagef("volumes must not be negative")
	case tokensPerDay > 0:
		return tokensPerDay, nil
	case requestsPerDay > 0 && tokensPerRequest > 0:
		return requestsPerDay * tokensPerRequest, nil
	}
	return 0, usagef("pass --tokens-per-day N, or --requests-per-day and --tokens-per-request")
}

// apiPrice resolves the API price per 1M tokens: the flag, else the catalog
// model's 3:1 blended price. The second result says where it came from.
func apiPrice(cat *cost.Catalog, pricePerM float64, model string) (float64, string, error) {
	if pricePerM < 0 {
		return 0, "", usagef("--api-price-per-m must not be negative, got %v", pricePerM)
	}
	if pricePerM > 0 {
		return pricePerM, "--api-price-per-m", nil
	}
	a, err := cat.API(model)
	if err != nil {
		return 0, "", usagef("--api-model: %v", err)
	}
	p := cost.BlendedUSDPer1M(a.USDPer1MInput, a.USDPer1MOutput)
	return p, fmt.Sprintf("%s blended 3:1 from %.4g in / %.4g out (%s, %s)", a.ID, a.USDPer1MInput, a.USDPer1MOutput, a.Source, a.Date), nil
}

func runCrossover(_ context.Context, w io.Writer, o crossoverOptions) error {
	perDay, err := dailyTokens(o.TokensPerDay, o.RequestsPerDay, o.TokensPerRequest)
	if err != nil {
		return err
	}
	if o.GPUMonthUSD < 0 || o.OpsMonthUSD < 0 {
		return usagef("--gpu-month-usd and --ops-month-usd must not be negative")
	}
	if o.GPUs < 1 {
		return usagef("--gpus must be at least 1, got %d", o.GPUs)
	}
	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("crossover: %w", err)
	}
	price, priceBasis, err := apiPrice(cat, o.APIPricePerM, o.APIModel)
	if err != nil {
		return err
	}
	in := cost.CrossoverInput{TokensPerDay: perDay, APIUSDPer1M: price, GPUMonthUSD: o.GPUMonthUSD, OpsMonthUSD: o.OpsMonthUSD, GPUsPerReplica: o.GPUs}
	var notes []string
	if priceBasis != "--api-price-per-m" {
		notes = append(notes, "API price: "+priceBasis)
	}
	if in.GPUMonthUSD == 0 {
		g, err := cat.GPU(o.GPU)
		if err != nil {
			return usagef("--gpu: %v", err)
		}
		of, err := g.Offer(o.Offer)
		if err != nil {
			return usagef("--offer: %v", err)
		}
		p := cost.PriceOf(g, of)
		perGPUHour := p.USDPerGPUHour + cost.EnergyUSDPerHour(p.WattsPerGPU, p.PUE, p.USDPerKWh)
		in.GPUMonthUSD = perGPUHour * cost.HoursPerMonth
		note := fmt.Sprintf("GPU month: %s %s at $%.4g/GPU-hour × %d h (%s, %s)", g.ID, of.ID, perGPUHour, cost.HoursPerMonth, of.Source, of.Date)
		if of.Confidence == "low" {
			note += " [low confidence]"
		}
		notes = append(notes, note)
	}
	if o.RunDir != "" {
		s, err := report.ReadSummary(filepath.Join(o.RunDir, rundir.SummaryFile))
		if err != nil {
			return fmt.Errorf("crossover: %w", err)
		}
		lvl, basis, err := pricedLevel(s)
		if err != nil {
			return fmt.Errorf("crossover: %s: %w", o.RunDir, err)
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
