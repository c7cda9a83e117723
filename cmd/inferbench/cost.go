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

// costReport is the JSON of cost when it prices catalog offers.
type costReport struct {
	RunDir string `json:"run_dir,omitempty"`
	// Basis says which throughput was priced.
	Basis      string          `json:"basis"`
	Level      *float64        `json:"level,omitempty"`
	Throughput cost.Throughput `json:"throughput"`
	Energy     *cost.Energy    `json:"energy,omitempty"`
	Rows       []cost.Costs    `json:"rows"`
	Notes      []string        `json:"notes"`
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
	rep := costReport{RunDir: o.RunDir, Rows: []cost.Costs{}, Notes: []string{}}
	var runGPUs []string
	if o.RunDir != "" {
		s, err := report.ReadSummary(filepath.Join(o.RunDir, rundir.SummaryFile))
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		lvl, basis, err := pricedLevel(s)
		if err != nil {
			return fmt.Errorf("cost: %s: %w", o.RunDir, err)
		}
		rep.Basis, rep.Level = basis, &lvl.Level
		rep.Throughput = cost.Throughput{OutputTokensPerS: lvl.OutputTokensPerS, TotalTokensPerS: lvl.TotalTokensPerS, RequestsPerS: lvl.RequestsPerS}
		if o.EnergyWindowS == 0 {
			o.EnergyWindowS = lvl.WindowS
		}
		runGPUs = runGPUNames(o.RunDir)
	} else {
		rep.Basis = "throughput given on the command line"
		rep.Throughput = cost.Throughput{OutputTokensPerS: o.OutputTPS, TotalTokensPerS: o.TotalTPS, RequestsPerS: o.RPS}
	}
	if o.EnergyJ != 0 {
		if !(o.EnergyJ > 0) || !(o.EnergyWindowS > 0) {
			return usagef("--energy-joules needs a positive value and a positive --energy-window-s")
		}
		rep.Energy = &cost.Energy{Joules: o.EnergyJ, WindowS: o.EnergyWindowS}
	}
	gpus := o.GPUs
	if gpus == 0 {
		gpus = max(1, len(runGPUs))
	}

	if o.USDPerGPUHour > 0 {
		c, err := cost.Evaluate(rep.Throughput, gpus, cost.Price{USDPerGPUHour: o.USDPerGPUHour}, nil)
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		return cost.Write(w, o.Format, c, cost.CostsTable("Cost at "+rep.Basis, []cost.Costs{c}, nil))
	}

	cat, err := cost.Load(o.Prices)
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	var gpuList []*cost.GPU
	switch {
	case o.GPU != "":
		g, err := cat.GPU(o.GPU)
		if err != nil {
			return usagef("--gpu: %v", err)
		}
		gpuList = append(gpuList, g)
	case len(runGPUs) > 0 && cat.GPUBySMIName(runGPUs[0]) != nil:
		g := cat.GPUBySMIName(runGPUs[0])
		gpuList = append(gpuList, g)
		rep.Notes = append(rep.Notes, fmt.Sprintf("GPU %s from run.json (%q)", g.ID, runGPUs[0]))
	default:
		for i := range cat.GPUs {
			gpuList = append(gpuList, &cat.GPUs[i])
		}
		rep.Notes = append(rep.Notes, "the run's GPU is not known (pass --gpu): each row prices the measured throughput at that GPU's offer; only the GPU that ran it is a measurement")
	}
	for _, g := range gpuList {
		var offers []*cost.Offer
		if o.Offer != "" {
			of, err := g.Offer(o.Offer)
			if err != nil {
				if len(gpuList) == 1 {
					return usagef("--offer: %v", err)
				}
				continue
			}
			offers = append(offers, of)
		} else {
			for i := range g.Offers {
				offers = append(offers, &g.Offers[i])
			}
		}
		for _, of := range offers {
			c, err := cost.Evaluate(rep.Throughput, gpus, cost.PriceOf(g, of), rep.Energy)
			if err != nil {
				return fmt.Errorf("cost: %s %s: %w", g.ID, of.ID, err)
			}
			rep.Rows = append(rep.Rows, c)
		}
	}
	if len(rep.Rows) == 0 {
		return fmt.Errorf("cost: no catalog offer matches --gpu %q --offer %q", o.GPU, o.Offer)
	}
	notes := append([]string{"throughput: " + rep.Basis}, rep.Notes...)
	return cost.Write(w, o.Format, rep, cost.CostsTable("Cost per GPU offer", rep.Rows, notes))
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

// runGPUNames returns the GPU names in DIR/run.json, none when the file or
// its inventory is missing: the GPU only picks a default catalog entry.
func runGPUNames(dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, rundir.ManifestFile))
	if errors.Is(err, fs.ErrNotExist) || err != nil {
		return nil
	}
	var m struct {
		GPUs []struct {
			Name string `json:"name"`
		} `json:"gpus"`
	}
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	var names []string
	for _, g := range m.GPUs {
		names = append(names, g.Name)
	}
	return names
}
