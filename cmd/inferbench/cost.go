package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Flag names of the cost commands (cost, crossover, advise, gpus).
const (
	costFlagRun           = "run"
	costFlagGPU           = "gpu"
	costFlagGPUs          = "gpus"
	costFlagOffer         = "offer"
	costFlagOutputTPS     = "output-tokens-per-s"
	costFlagTotalTPS      = "total-tokens-per-s"
	costFlagRPS           = "requests-per-s"
	costFlagUSDPerGPUHour = "usd-per-gpu-hour"
	costFlagEnergyJ       = "energy-joules"
	costFlagEnergyWindowS = "energy-window-s"
	costFlagPrices        = "prices"
	costFlagFormat        = "format"
)

func costFormatFlag() cli.Flag {
	return &cli.StringFlag{Name: costFlagFormat, Value: "text", Usage: "output format: text, json or md"}
}

// costFormat checks that a cost command (cost, crossover, advise, gpus) got
// no positional arguments and returns its --format.
func costFormat(c *cli.Context) (cost.Format, error) {
	if err := noFlagArgs(c); err != nil {
		return "", err
	}
	if c.NArg() > 0 {
		return "", usagef("%s takes no arguments, got %q", c.Command.Name, c.Args().First())
	}
	f, err := cost.ParseFormat(c.String(costFlagFormat))
	if err != nil {
		return "", usagef("%v", err)
	}
	return f, nil
}

func costPricesFlag() cli.Flag {
	return &cli.StringFlag{Name: costFlagPrices, Usage: "YAML `FILE` overriding any field of the shipped GPU, API and model catalogs (list entries match by id)"}
}

// costOptions is the cost command's input.
type costOptions struct {
	RunDir        string
	GPU           string
	GPUs          int
	Offer         string
	OutputTPS     float64
	TotalTPS      float64
	RPS           float64
	USDPerGPUHour float64
	EnergyJ       float64
	EnergyWindowS float64
	Prices        string
	Format        cost.Format
}

func costCommand() *cli.Command {
	return &cli.Command{
		Name:  "cost",
		Usage: "cost per 1M tokens on each GPU offer, from a run's capacity at SLO or a given throughput",
		Description: `Prices the throughput of a run (its capacity at SLO, else its highest-throughput level) or
a throughput given on the command line:

  $/1M output tokens = gpus × $/GPU-hour / (output tokens/s × 3600) × 1e6

also per 1M total tokens, per 1,000 requests, per month (730 h) and at 10/25/50 % duty cycle.
Owned hardware adds electricity: measured (--energy-joules over the window) or the catalog's draw.

With --usd-per-gpu-hour the JSON output is one object; otherwise it holds one row per GPU offer.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: costFlagRun, Usage: "run `DIR` whose summary.json gives the throughput"},
			&cli.StringFlag{Name: costFlagGPU, Usage: "catalog GPU `ID` (h100-sxm, a100-80gb, …); default: the run's GPU, else every GPU"},
			&cli.IntFlag{Name: costFlagGPUs, Usage: "GPUs serving the measured throughput (default: the run's GPU count, else 1)"},
			&cli.StringFlag{Name: costFlagOffer, Usage: "offer kind (on-demand, reserved-1y, reserved-3y, spot, owned) or offer id; default: every offer"},
			&cli.Float64Flag{Name: costFlagOutputTPS, Usage: "output tokens per second (instead of --run)"},
			&cli.Float64Flag{Name: costFlagTotalTPS, Usage: "input + output tokens per second (with --output-tokens-per-s)"},
			&cli.Float64Flag{Name: costFlagRPS, Usage: "requests per second (with --output-tokens-per-s)"},
			&cli.Float64Flag{Name: costFlagUSDPerGPUHour, Usage: "price per GPU-hour in USD (instead of a catalog offer)"},
			&cli.Float64Flag{Name: costFlagEnergyJ, Usage: "GPU energy in joules measured over the window, all GPUs (owned hardware)"},
			&cli.Float64Flag{Name: costFlagEnergyWindowS, Usage: "window of --energy-joules in seconds (default with --run: the level's window)"},
			costPricesFlag(),
			costFormatFlag(),
		},
		Action: func(c *cli.Context) error {
			f, err := costFormat(c)
			if err != nil {
				return err
			}
			opts := costOptions{
				RunDir: c.String(costFlagRun), GPU: c.String(costFlagGPU), GPUs: c.Int(costFlagGPUs), Offer: c.String(costFlagOffer),
				OutputTPS: c.Float64(costFlagOutputTPS), TotalTPS: c.Float64(costFlagTotalTPS), RPS: c.Float64(costFlagRPS),
				USDPerGPUHour: c.Float64(costFlagUSDPerGPUHour), EnergyJ: c.Float64(costFlagEnergyJ), EnergyWindowS: c.Float64(costFlagEnergyWindowS),
				Prices: c.String(costFlagPrices), Format: f,
			}
			return runCost(c.Context, c.App.Writer, opts)
		},
	}
}

func runCost(_ context.Context, w io.Writer, o costOptions) error {
	switch {
	case o.RunDir != "" && o.OutputTPS != 0:
		return usagef("pass --run or --output-tokens-per-s, not both")
	case o.RunDir == "" && o.OutputTPS == 0:
		return usagef("pass --run DIR or --output-tokens-per-s X")
	case o.GPUs < 0:
		return usagef("--gpus must be at least 1, got %d", o.GPUs)
	case o.USDPerGPUHour < 0:
		return usagef("--usd-per-gpu-hour must not be negative, got %v", o.USDPerGPUHour)
	case o.USDPerGPUHour > 0 && (o.GPU != "" || o.Offer != ""):
		return usagef("--usd-per-gpu-hour replaces the catalog: drop --gpu and --offer")
	}
	q := cost.QuoteRequest{GPU: o.GPU, GPUs: o.GPUs, Offer: o.Offer, USDPerGPUHour: o.USDPerGPUHour,
		Basis: "throughput given on the command line", Throughput: cost.Throughput{OutputTokensPerS: o.OutputTPS, TotalTokensPerS: o.TotalTPS, RequestsPerS: o.RPS}}
	var level *float64
	if o.RunDir != "" {
		lvl, basis, err := runThroughput(o.RunDir)
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		q.Basis, level = basis, &lvl.Level
		q.Throughput = cost.Throughput{OutputTokensPerS: lvl.OutputTokensPerS, TotalTokensPerS: lvl.TotalTokensPerS, RequestsPerS: lvl.RequestsPerS}
		if o.EnergyWindowS == 0 {
			o.EnergyWindowS = lvl.WindowS
		}
		q.RunGPUStated, q.RunGPUNames = runGPUInfo(o.RunDir)
	}
	if o.EnergyJ != 0 {
		if !(o.EnergyJ > 0) || !(o.EnergyWindowS > 0) {
			return usagef("--energy-joules needs a positive value and a positive --energy-window-s")
		}
		q.Energy = &cost.Energy{Joules: o.EnergyJ, WindowS: o.EnergyWindowS}
	}
	if o.USDPerGPUHour > 0 {
		c, err := cost.Evaluate(q.Throughput, max(q.GPUs, 1), cost.Price{USDPerGPUHour: o.USDPerGPUHour}, nil)
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		return cost.Write(w, o.Format, c, cost.CostsTable("Cost at "+q.Basis, []cost.Costs{c}, nil))
	}
	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	rep, err := cat.Quote(q)
	if err != nil {
		return err
	}
	rep.RunDir, rep.Level = o.RunDir, level
	return cost.Write(w, o.Format, rep, rep.Table())
}

// runThroughput reads a run's summary.json and returns its priced level
// (report.PricedLevel) with its basis in words.
func runThroughput(dir string) (report.Level, string, error) {
	s, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		return report.Level{}, "", err
	}
	lvl, basis, err := pricedLevel(s)
	if err != nil {
		return report.Level{}, "", fmt.Errorf("%s: %w", dir, err)
	}
	return lvl, basis, nil
}

// pricedLevel is report.PricedLevel with its basis in words, or an error
// when the summary has no level with output throughput.
func pricedLevel(s *report.Summary) (report.Level, string, error) {
	l, basis, ok := report.PricedLevel(s)
	switch {
	case !ok:
		return report.Level{}, "", errors.New("summary.json has no level with output throughput")
	case basis == report.BasisCapacity:
		return l, fmt.Sprintf("capacity at SLO (level %g)", l.Level), nil
	}
	return l, fmt.Sprintf("highest-throughput level %g (summary.json has no capacity at SLO)", l.Level), nil
}

// runGPUInfo returns what DIR/run.json says of the run's GPU: the GPU the
// user stated (gpu_stated) and the names in telemetry's inventory; nothing
// when the file or the fields are missing: the GPU only picks a default
// catalog entry (cost.Catalog.ResolveRunGPU).
func runGPUInfo(dir string) (stated string, names []string) {
	b, err := os.ReadFile(filepath.Join(dir, rundir.ManifestFile))
	if errors.Is(err, fs.ErrNotExist) || err != nil {
		return "", nil
	}
	var m struct {
		GPUStated string `json:"gpu_stated"`
		GPUs      []struct {
			Name string `json:"name"`
		} `json:"gpus"`
	}
	if json.Unmarshal(b, &m) != nil {
		return "", nil
	}
	for _, g := range m.GPUs {
		names = append(names, g.Name)
	}
	return m.GPUStated, names
}
