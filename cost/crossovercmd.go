package cost

import (
	"fmt"
	"io"

	"github.com/inferbench/inferbench/internal/printable"
)

// Defaults of crossover: without --run and --gpu it prices an A100 80GB
// (the GPU guide's "sweet spot" for 7B–34B models); the offer is the one
// every command uses (DefaultOfferKind).
const (
	CrossoverDefaultGPU = "a100-80gb"
	DefaultAPIModel     = "openai/gpt-4o"
)

// CrossoverOptions is the crossover command's input.
type CrossoverOptions struct {
	Volume
	GPUMonthUSD float64
	OpsMonthUSD float64
	RunDir      string
	GPU         string
	Offer       string
	GPUs        int
	Prices      string
	Format      Format
	Runs        RunReader
}

// RunCrossover writes the monthly cost of an API against self-hosting and
// the volume where self-hosting starts to pay.
func RunCrossover(w io.Writer, o CrossoverOptions) error {
	perDay, err := DailyTokens(o.TokensPerDay, o.RequestsPerDay, o.TokensPerRequest)
	if err != nil {
		return err
	}
	if o.GPUMonthUSD < 0 {
		return notPositive("--gpu-month-usd", o.GPUMonthUSD)
	}
	if o.OpsMonthUSD < 0 {
		return fmt.Errorf("--ops-month-usd must not be negative, got %v", o.OpsMonthUSD)
	}
	if err := within("--gpu-month-usd", o.GPUMonthUSD, zero, maxMonth); err != nil {
		return err
	}
	if err := within("--ops-month-usd", o.OpsMonthUSD, zero, maxMonth); err != nil {
		return err
	}
	if o.GPUs < 0 {
		return notPositive("--gpus", o.GPUs)
	}
	if o.GPUMonthUSD > 0 && o.GPU != "" {
		// As cost refuses --usd-per-gpu-hour with --gpu: it was dropped,
		// an unknown id too. (--offer has a default, so it cannot be told.)
		return quoteErrorf("--gpu-month-usd replaces the catalog's GPU month of --gpu %s: drop one", o.GPU)
	}
	cat, err := Load(o.Prices)
	if err != nil {
		return fmt.Errorf("crossover: %w", err)
	}
	var lvl RunLevel // the run's priced level; zero without --run
	if o.RunDir != "" {
		if lvl, err = o.Runs.Level(o.RunDir); err != nil {
			return fmt.Errorf("crossover: %w", err)
		}
		if !(lvl.Throughput.TotalTokensPerS > 0) {
			return fmt.Errorf("crossover: %s: the priced level has no total tokens/s", o.RunDir)
		}
	}
	// Who chose the offer, for the note on the others of its kind:
	// crossover prices one offer, whichever.
	ask := OfferAsked{Offer: o.Offer, Advice: "pass --offer ID to price another"}
	switch {
	case o.Offer != "":
	case lvl.Offer != "":
		ask.Offer, ask.By = lvl.Offer, fmt.Sprintf("the run's scenario's cost.offer, %s,", lvl.Offer)
	default:
		ask.Offer, ask.By = string(DefaultOfferKind), fmt.Sprintf("the default offer kind, %s,", DefaultOfferKind)
	}
	o.Offer = ask.Offer
	var measured *Throughput
	if o.RunDir != "" {
		measured = &lvl.Throughput
	}
	mix, err := ResolveMix(o.InputShare, o.CachedInputShare, measured, o.RunDir)
	if err != nil {
		return err
	}
	price, priceBasis, err := cat.APIPrice(o.APIPricePerM, o.APIModel, mix)
	if err != nil {
		return err
	}
	in := CrossoverInput{TokensPerDay: perDay, APIUSDPer1M: price, GPUMonthUSD: o.GPUMonthUSD, OpsMonthUSD: o.OpsMonthUSD, GPUsPerReplica: o.GPUs}
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
		m, err := cat.MonthOf(o.GPU, ask)
		if err != nil {
			return err
		}
		in.GPUMonthUSD = m.USD
		notes = append(notes, m.Note)
	}
	if o.RunDir != "" {
		in.CapacityTokensPerS = lvl.Throughput.TotalTokensPerS
		notes = append(notes, "capacity of "+o.RunDir+": "+lvl.lowerBoundWords("the GPUs needed, the self-hosted monthly cost and the break-even volume and utilization"))
		if lvl.Incomplete != "" {
			notes = append(notes, lvl.Incomplete)
		}
		if mix.Warning != "" {
			notes = append(notes, mix.Warning)
		}
	}
	x, err := ComputeCrossover(in)
	if err != nil {
		return fmt.Errorf("crossover: %w", err)
	}
	x.Simulated, x.Incomplete = lvl.Simulated, lvl.Incomplete
	x.Notes = append(notes, x.Notes...)
	return Write(w, o.Format, x, x.Table())
}

// crossoverGPU fills in the GPU and its count from the run when the flags
// leave them out (ResolveRunGPU, the rule report uses too), else the
// defaults; the notes say where they came from.
func crossoverGPU(cat *Catalog, o *CrossoverOptions, in *CrossoverInput) ([]string, error) {
	var notes []string
	var rg *RunGPU
	if o.RunDir != "" {
		stated, names := o.Runs.GPU(o.RunDir)
		if err := cat.RefuseStatedGPU(o.GPU, o.RunDir, names); err != nil {
			return nil, err
		}
		if o.GPU == "" || o.GPUs == 0 {
			r, err := cat.ResolveRunGPU(stated, names)
			if err != nil {
				return nil, fmt.Errorf("crossover: %s/run.json gpu_stated: %w", o.RunDir, err)
			}
			rg = r
		}
	}
	switch {
	case o.GPU != "":
	case o.RunDir != "" && rg == nil && o.GPUMonthUSD == 0:
		// Its capacity was measured on a GPU nobody named: pricing it at a
		// default GPU's month (an A100's for an H100's run, 2x off) is no
		// measurement; report refuses to price it too.
		return nil, quoteErrorf("crossover: %s/run.json names no catalog GPU (telemetry saw none, or one not in the catalog, and none was stated): not priced; state the serving box's GPU with --gpu ID (inferbench gpus), or its month with --gpu-month-usd", o.RunDir)
	case rg != nil:
		o.GPU = rg.GPU.ID
		notes = append(notes, fmt.Sprintf("GPU %s from %s/run.json (%s)", rg.GPU.ID, o.RunDir, rg.From))
		if rg.Warning != "" {
			notes = append(notes, "warning: "+rg.Warning)
		}
	case o.GPUMonthUSD == 0:
		o.GPU = CrossoverDefaultGPU
		notes = append(notes, fmt.Sprintf("GPU %s by default (no --run; pass --gpu)", o.GPU))
	}
	if o.GPUs == 0 {
		o.GPUs = 1
		if rg != nil && rg.Count > 0 {
			o.GPUs = rg.Count
		}
		in.GPUsPerReplica = o.GPUs
	} else if o.RunDir != "" {
		// The capacity is the run's, measured on its own GPUs; --gpus does
		// not scale it (tensor parallelism is not linear), so say so.
		if _, names := o.Runs.GPU(o.RunDir); len(names) > 0 && len(names) != o.GPUs {
			notes = append(notes, fmt.Sprintf("--gpus %d: a replica of %s is priced at %s's capacity, measured on %s, not scaled to %d",
				o.GPUs, printable.Count(o.GPUs, "GPU"), o.RunDir, printable.Count(len(names), "GPU"), o.GPUs))
		}
	}
	return notes, nil
}
