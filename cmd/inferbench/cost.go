package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/report"
)

// The cost commands (cost, crossover, advise, gpus): flags bound to the
// options of the cost package's command functions (cost/command.go).

// costTail is the flags every cost command ends with: --prices and --format.
func costTail(prices *string) []cli.Flag {
	return []cli.Flag{pricesFlag(prices),
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text, json or md"}}
}

// positiveWhenGiven are the cost commands' flags whose 0 means "not
// given": a 0 typed must be refused as the value it is, or the command
// asks for the flag the user gave (--tokens-per-day 0: "pass
// --tokens-per-day N"), or runs at the default (--gpu-memory-utilization;
// --gpu-month-usd 0 priced the catalog's $2,505 a month, --api-price-per-m
// 0 the API's $4.375 per 1M, --gpus 0 one GPU).
var positiveWhenGiven = []string{"output-tokens-per-s", "total-tokens-per-s", "requests-per-s", "energy-window-s",
	"tokens-per-day", "requests-per-day", "tokens-per-request", "monthly-api-spend", "gpu-memory-utilization",
	"input-share", "cached-input-share", "gpus", "gpu-month-usd", "api-price-per-m", "usd-per-gpu-hour"}

// costAction checks the command line (no positional arguments, a known
// --format, no 0 given for a positive flag) and calls run with its format.
func costAction(format *cost.Format, run func(*cli.Context) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := cmdline.NoFlagArgs(c); err != nil {
			return err
		}
		if err := cmdline.NoArgs(c, c.Command.Name); err != nil {
			return err
		}
		f, err := cost.ParseFormat(c.String("format"))
		if err != nil {
			return usagef("%v", err)
		}
		for _, name := range positiveWhenGiven {
			if c.IsSet(name) && (c.Value(name) == 0.0 || c.Value(name) == 0) {
				return usagef("--%s must be a positive number, got 0", name)
			}
		}
		*format = f
		return run(c)
	}
}

func costCommand() *cli.Command {
	o := cost.CostOptions{Runs: report.CostRuns}
	return &cli.Command{
		Name:  "cost",
		Usage: "cost per 1M tokens on each GPU offer, from a run's capacity at SLO or a given throughput",
		Description: `Prices the throughput of a run (its capacity at SLO, else its highest-throughput level) or
a throughput given on the command line:

  $/1M output tokens = gpus × $/GPU-hour / (output tokens/s × 3600) × 1e6

also per 1M total tokens, per 1,000 requests, per month (730 h) and at 10/25/50 % duty cycle.
Owned hardware adds electricity: measured (--energy-joules over the window) or the catalog's draw.

With --usd-per-gpu-hour the JSON output is one object; otherwise it holds one row per GPU offer.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "run", Destination: &o.RunDir, Usage: "run `DIR` whose summary.json gives the throughput"},
			&cli.StringFlag{Name: "gpu", Destination: &o.GPU, Usage: "catalog GPU `ID` (h100-sxm, a100-80gb, …); default: the run's GPU, else every GPU"},
			&cli.IntFlag{Name: "gpus", Destination: &o.GPUs, DefaultText: "the run's GPU count, else 1", Usage: "GPUs serving the measured throughput"},
			&cli.StringFlag{Name: "offer", Destination: &o.Offer, Usage: "offer kind (on-demand, reserved-1y, reserved-3y, spot, owned: the GPU's first offer of it in catalog order, a --prices file's new offers after the shipped ones) or offer id; default: every offer"},
			cmdline.Count(&o.OutputTPS, &cli.GenericFlag{Name: "output-tokens-per-s", Usage: "output tokens per second (instead of --run)"}),
			cmdline.Count(&o.TotalTPS, &cli.GenericFlag{Name: "total-tokens-per-s", Usage: "input + output tokens per second (with --output-tokens-per-s)"}),
			cmdline.Count(&o.RPS, &cli.GenericFlag{Name: "requests-per-s", Usage: "requests per second (with --output-tokens-per-s)"}),
			cmdline.Money(&o.USDPerGPUHour, &cli.GenericFlag{Name: "usd-per-gpu-hour", Usage: "price per GPU-hour in USD (instead of a catalog offer)"}),
			cmdline.Count(&o.EnergyJ, &cli.GenericFlag{Name: "energy-joules", Usage: "GPU energy in joules measured over the window, all GPUs (owned hardware)"}),
			&cli.Float64Flag{Name: "energy-window-s", Destination: &o.EnergyWindowS, DefaultText: "with --run, the level's window", Usage: "window of --energy-joules in seconds"},
		}, costTail(&o.Prices)...),
		Action: costAction(&o.Format, func(c *cli.Context) error { return cost.RunCost(c.App.Writer, o) }),
	}
}

// volumeFlags are the ways to give a daily volume, shared by crossover and
// advise.
func volumeFlags(v *cost.Volume) []cli.Flag {
	return []cli.Flag{
		cmdline.Count(&v.TokensPerDay, &cli.GenericFlag{Name: "tokens-per-day", Usage: "volume in tokens per day (input + output)"}),
		cmdline.Count(&v.RequestsPerDay, &cli.GenericFlag{Name: "requests-per-day", Usage: "volume in requests per day (with --tokens-per-request)"}),
		cmdline.Count(&v.TokensPerRequest, &cli.GenericFlag{Name: "tokens-per-request", Usage: "average tokens per request (with --requests-per-day)"}),
		cmdline.Money(&v.APIPricePerM, &cli.GenericFlag{Name: "api-price-per-m", DefaultText: "--api-model's input and output prices at the volume's mix, --input-share", Usage: "API price in USD per 1M tokens"}),
		&cli.Float64Flag{Name: "input-share", Destination: &v.InputShare, DefaultText: "the run's measured mix with --run, else 0.75: 3:1", Usage: "input tokens' share of the volume, above 0 and below 1, that the API's input and output prices are mixed at"},
		&cli.Float64Flag{Name: "cached-input-share", Destination: &v.CachedInputShare, DefaultText: "none", Usage: "share of the input tokens the API reads from its prompt cache, billed at its cached-input price"},
		&cli.StringFlag{Name: "api-model", Value: cost.DefaultAPIModel, Destination: &v.APIModel, Usage: "catalog API `ID` (provider/model) priced when --api-price-per-m is not given"},
	}
}

func crossoverCommand() *cli.Command {
	o := cost.CrossoverOptions{Runs: report.CostRuns}
	return &cli.Command{
		Name:  "crossover",
		Usage: "monthly cost of an API against self-hosting, and the volume where self-hosting starts to pay",
		Description: `monthly tokens = tokens/day × 30; API monthly = monthly tokens / 1e6 × price;
self-hosted monthly = GPUs needed × GPU month (730 h) + ops. GPUs needed steps up with
volume ÷ the run's measured capacity (--run); without a run one replica is assumed to serve it all.`,
		Flags: append(append(volumeFlags(&o.Volume),
			cmdline.Money(&o.GPUMonthUSD, &cli.GenericFlag{Name: "gpu-month-usd", DefaultText: "--gpu's --offer × 730 h", Usage: "one GPU per month in USD"}),
			cmdline.Money(&o.OpsMonthUSD, &cli.GenericFlag{Name: "ops-month-usd", Usage: "ops overhead per month in USD (people, tooling)"}),
			&cli.StringFlag{Name: "run", Destination: &o.RunDir, Usage: "run `DIR` whose capacity at SLO (total tokens/s) sizes the GPUs"},
			&cli.StringFlag{Name: "gpu", Destination: &o.GPU, Usage: "catalog GPU `ID` priced when --gpu-month-usd is not given (default: the run's GPU from run.json; without --run, " + cost.CrossoverDefaultGPU + ")"},
			&cli.StringFlag{Name: "offer", Destination: &o.Offer, DefaultText: "the --run's scenario's cost.offer, else " + string(cost.DefaultOfferKind), Usage: "offer kind (the GPU's first offer of it in catalog order) or id of --gpu"},
			&cli.IntFlag{Name: "gpus", Destination: &o.GPUs, DefaultText: "the run's GPU count, else 1", Usage: "GPUs in one replica"},
		), costTail(&o.Prices)...),
		Action: costAction(&o.Format, func(c *cli.Context) error { return cost.RunCrossover(c.App.Writer, o) }),
	}
}

func adviseCommand() *cli.Command {
	var o cost.AdviseOptions
	var latency, compliance string
	return &cli.Command{
		Name:  "advise",
		Usage: "the deployment path for a volume, latency class and compliance set: cloud API, managed inference or self-hosted",
		Description: `Applies the decision framework: the $3K/month line, latency class, compliance (HIPAA, GDPR
residency, SOC 2, air-gap), whether the team runs GPUs and whether the volume is stable. Prints the
recommended path, the runner-up and every rule that fired, quoted.`,
		Flags: append(append(volumeFlags(&o.Volume),
			cmdline.Money(&o.MonthlyAPISpend, &cli.GenericFlag{Name: "monthly-api-spend", Usage: "monthly API spend in USD (instead of a volume)"}),
			&cli.StringFlag{Name: "latency", Destination: &latency, Usage: "latency class: interactive (sub-1 s TTFT) or batch (5-30 s per request)"},
			&cli.StringFlag{Name: "compliance", Destination: &compliance, Usage: "comma-separated constraints: hipaa, gdpr, soc2, airgap"},
			&cli.BoolFlag{Name: "team-runs-gpus", Destination: &o.TeamRunsGPUs, Usage: "the team can run GPU infrastructure"},
			&cli.BoolFlag{Name: "volume-uncertain", Destination: &o.VolumeUncertain, Usage: "the volume is changing fast or not known"},
		), costTail(&o.Prices)...),
		Action: costAction(&o.Format, func(c *cli.Context) error {
			o.Latency, o.Compliance = cost.Latency(latency), nil
			for _, s := range strings.Split(compliance, ",") {
				if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
					o.Compliance = append(o.Compliance, cost.Compliance(s))
				}
			}
			return cost.RunAdvise(c.App.Writer, o)
		}),
	}
}

func gpusCommand() *cli.Command {
	var o cost.GuideOptions
	var precision string
	return &cli.Command{
		Name:  "gpus",
		Usage: "the GPU guide: memory, bandwidth, compute, price and what each is good for; --fit MODEL says what fits",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "fit", Destination: &o.Fit, Usage: "catalog model `ID` (llama-3-8b, llama-3-70b, mixtral-8x7b, codellama-34b) to fit on each GPU"},
			&cli.StringFlag{Name: "precision", Value: string(cost.BF16), Destination: &precision, Usage: "weight precision for --fit: bf16, fp8 or int4"},
			&cli.Float64Flag{Name: "gpu-memory-utilization", Value: cost.DefaultMemoryUtilization, Destination: &o.MemoryUtil, Usage: "share of GPU memory the engine may use (vLLM's gpu_memory_utilization)"},
		}, costTail(&o.Prices)...),
		Action: costAction(&o.Format, func(c *cli.Context) error {
			o.Precision = cost.Precision(precision)
			return cost.RunGuide(c.App.Writer, o)
		}),
	}
}
