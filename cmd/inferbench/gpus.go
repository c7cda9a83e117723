package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
)

const (
	costFlagFit        = "fit"
	costFlagPrecision  = "precision"
	costFlagMemoryUtil = "gpu-memory-utilization"
)

// gpusOptions is the gpus command's input.
type gpusOptions struct {
	Fit        string
	Precision  cost.Precision
	MemoryUtil float64
	Prices     string
	Format     cost.Format
}

func gpusCommand() *cli.Command {
	return &cli.Command{
		Name:  "gpus",
		Usage: "the GPU guide: memory, bandwidth, compute, price and what each is good for; --fit MODEL says what fits",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: costFlagFit, Usage: "catalog model `ID` (llama-3-8b, llama-3-70b, mixtral-8x7b, codellama-34b) to fit on each GPU"},
			&cli.StringFlag{Name: costFlagPrecision, Value: string(cost.BF16), Usage: "weight precision for --fit: bf16, fp8 or int4"},
			&cli.Float64Flag{Name: costFlagMemoryUtil, Value: cost.DefaultMemoryUtilization, Usage: "share of GPU memory the engine may use (vLLM's gpu_memory_utilization)"},
			costPricesFlag(),
			costFormatFlag(),
		},
		Action: func(c *cli.Context) error {
			f, err := costFormat(c)
			if err != nil {
				return err
			}
			return runGPUs(c.Context, c.App.Writer, gpusOptions{
				Fit: c.String(costFlagFit), Precision: cost.Precision(c.String(costFlagPrecision)), MemoryUtil: c.Float64(costFlagMemoryUtil),
				Prices: c.String(costFlagPrices), Format: f,
			})
		},
	}
}

// gpusReport is the JSON of gpus: the GPU catalog, and the fits when asked.
type gpusReport struct {
	GPUs []cost.GPU `json:"gpus"`
	Fits []cost.Fit `json:"fits,omitempty"`
}

func runGPUs(_ context.Context, w io.Writer, o gpusOptions) error {
	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("gpus: %w", err)
	}
	rep := gpusReport{GPUs: cat.GPUs}
	if o.Fit != "" {
		m, err := cat.Model(o.Fit)
		if err != nil {
			return usagef("--fit: %v", err)
		}
		for i := range cat.GPUs {
			f, err := cost.FitModel(&cat.GPUs[i], m, o.Precision, o.MemoryUtil)
			if err != nil {
				return usagef("--fit: %v", err)
			}
			rep.Fits = append(rep.Fits, f)
		}
	}
	t := cost.GuideTable(cat, rep.Fits)
	if o.Fit != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("fit: weights at %s, KV cache in BF16, the engine taking %.0f%% of usable memory; tensor parallelism 1, 2, 4 or 8", o.Precision, o.MemoryUtil*100))
	}
	t.Notes = append(t.Notes, "on-demand $/gpu-h (default) is the price every command (cost, crossover, report) uses: the first on-demand offer in the catalog, a hyperscaler's list price where there is one; cheapest alternative: the lowest other on-demand offer (marketplace clouds included), with its date; `inferbench cost --gpu ID` lists every offer with its source and date")
	return cost.Write(w, o.Format, rep, t)
}
