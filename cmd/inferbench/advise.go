package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
)

const (
	costFlagMonthlyAPISpend = "monthly-api-spend"
	costFlagLatency         = "latency"
	costFlagCompliance      = "compliance"
	costFlagTeamRunsGPUs    = "team-runs-gpus"
	costFlagVolumeUncertain = "volume-uncertain"
)

// adviseOptions is the advise command's input.
type adviseOptions struct {
	TokensPerDay     float64
	RequestsPerDay   float64
	TokensPerRequest float64
	APIPricePerM     float64
	APIModel         string
	MonthlyAPISpend  float64
	Latency          cost.Latency
	Compliance       []cost.Compliance
	TeamRunsGPUs     bool
	VolumeUncertain  bool
	Prices           string
	Format           cost.Format
}

func adviseCommand() *cli.Command {
	return &cli.Command{
		Name:  "advise",
		Usage: "the deployment path for a volume, latency class and compliance set: cloud API, managed inference or self-hosted",
		Description: `Applies the decision framework: the $3K/month line, latency class, compliance (HIPAA, GDPR
residency, SOC 2, air-gap), whether the team runs GPUs and whether the volume is stable. Prints the
recommended path, the runner-up and every rule that fired, quoted.`,
		Flags: append(volumeFlags(),
			&cli.Float64Flag{Name: costFlagMonthlyAPISpend, Usage: "monthly API spend in USD (instead of a volume)"},
			&cli.StringFlag{Name: costFlagLatency, Usage: "latency class: interactive (sub-1 s TTFT) or batch (5-30 s per request)"},
			&cli.StringFlag{Name: costFlagCompliance, Usage: "comma-separated constraints: hipaa, gdpr, soc2, airgap"},
			&cli.BoolFlag{Name: costFlagTeamRunsGPUs, Usage: "the team can run GPU infrastructure"},
			&cli.BoolFlag{Name: costFlagVolumeUncertain, Usage: "the volume is changing fast or not known"},
			costPricesFlag(),
			costFormatFlag(),
		),
		Action: func(c *cli.Context) error {
			f, err := costFormat(c)
			if err != nil {
				return err
			}
			var comp []cost.Compliance
			for _, s := range strings.Split(c.String(costFlagCompliance), ",") {
				if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
					comp = append(comp, cost.Compliance(s))
				}
			}
			return runAdvise(c.Context, c.App.Writer, adviseOptions{
				TokensPerDay: c.Float64(costFlagTokensPerDay), RequestsPerDay: c.Float64(costFlagRequestsPerDay), TokensPerRequest: c.Float64(costFlagTokensPerRequest),
				APIPricePerM: c.Float64(costFlagAPIPricePerM), APIModel: c.String(costFlagAPIModel),
				MonthlyAPISpend: c.Float64(costFlagMonthlyAPISpend), Latency: cost.Latency(c.String(costFlagLatency)), Compliance: comp,
				TeamRunsGPUs: c.Bool(costFlagTeamRunsGPUs), VolumeUncertain: c.Bool(costFlagVolumeUncertain),
				Prices: c.String(costFlagPrices), Format: f,
			})
		},
	}
}

// adviceReport is the JSON of advise: the advice and how the spend was found.
type adviceReport struct {
	cost.Advice
	SpendBasis string `json:"spend_basis"`
}

func runAdvise(_ context.Context, w io.Writer, o adviseOptions) error {
	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("advise: %w", err)
	}
	volumeGiven := o.TokensPerDay != 0 || o.RequestsPerDay != 0 || o.TokensPerRequest != 0
	var spend float64
	var basis string
	switch {
	case o.MonthlyAPISpend != 0 && volumeGiven:
		return usagef("pass a volume or --monthly-api-spend, not both")
	case o.MonthlyAPISpend < 0:
		return usagef("--monthly-api-spend must not be negative, got %v", o.MonthlyAPISpend)
	case o.MonthlyAPISpend > 0:
		spend, basis = o.MonthlyAPISpend, "--monthly-api-spend"
	default:
		perDay, err := cost.DailyTokens(o.TokensPerDay, o.RequestsPerDay, o.TokensPerRequest)
		if err != nil {
			return err
		}
		price, priceBasis, err := cat.APIPrice(o.APIPricePerM, o.APIModel)
		if err != nil {
			return err
		}
		spend = cost.APIMonthlyUSD(cost.MonthlyTokens(perDay), price)
		basis = fmt.Sprintf("%s tokens/day × 30 at %s per 1M (%s)", cost.Tokens(perDay), cost.USD(price), priceBasis)
	}
	a, err := cost.Advise(cat, cost.AdviseInput{MonthlyAPISpendUSD: spend, Latency: o.Latency, Compliance: o.Compliance, TeamRunsGPUs: o.TeamRunsGPUs, VolumeUncertain: o.VolumeUncertain})
	if err != nil {
		return usagef("advise: %v", err)
	}
	t := a.Table()
	t.Notes = append([]string{"spend: " + basis}, t.Notes...)
	return cost.Write(w, o.Format, adviceReport{Advice: a, SpendBasis: basis}, t)
}
