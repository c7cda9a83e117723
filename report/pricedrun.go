package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/rundir"
)

// CostRuns reads run directories for the cost commands (cost, crossover):
// the priced level of summary.json and the GPU of run.json.
var CostRuns = cost.RunReader{Level: RunPricedLevel, GPU: RunGPU}

// The bases a run is priced on (Priced.Basis).
const (
	BasisCapacity = "capacity at SLO"
	BasisHighest  = "highest-throughput level"
)

// Priced is the level of a run whose throughput the cost model prices, and
// the basis it was chosen on (BasisCapacity, BasisHighest).
type Priced struct {
	Level Level
	Basis string
	// LowerBound says the capacity is a lower bound (Capacity.LowerBound):
	// its throughput is at least this, its costs per token at most.
	LowerBound bool
}

// PricedLevel is the one definition of a run's priced level: the capacity
// at SLO when the summary has one, else the level with the highest output
// throughput. ok is false when no level served a token. The report, the
// cost commands (RunPricedLevel) and everything else price runs through it.
func PricedLevel(s *Summary) (p Priced, ok bool) {
	if c := s.Capacity; c != nil {
		for _, l := range s.Levels {
			if l.Level == c.Level {
				return Priced{Level: l, Basis: BasisCapacity, LowerBound: c.LowerBound}, true
			}
		}
	}
	best := -1
	for i, l := range s.Levels {
		if l.OutputTokensPerS > 0 && (best < 0 || l.OutputTokensPerS > s.Levels[best].OutputTokensPerS) {
			best = i
		}
	}
	if best < 0 {
		return Priced{}, false
	}
	return Priced{Level: s.Levels[best], Basis: BasisHighest}, true
}

// Throughput is the priced level's throughput as the cost model takes it.
func (p Priced) Throughput() cost.Throughput {
	return cost.Throughput{OutputTokensPerS: p.Level.OutputTokensPerS, TotalTokensPerS: p.Level.TotalTokensPerS,
		RequestsPerS: p.Level.RequestsPerS}
}

// BasisWords says in words which level is priced and why, as the cost
// commands print it.
func (p Priced) BasisWords() string {
	if p.Basis == BasisCapacity && p.LowerBound {
		return fmt.Sprintf("capacity at SLO (level %g), a lower bound: the highest level run met the SLO and more load was not tried", p.Level.Level)
	}
	if p.Basis == BasisCapacity {
		return fmt.Sprintf("capacity at SLO (level %g)", p.Level.Level)
	}
	return fmt.Sprintf("highest-throughput level %g (summary.json has no capacity at SLO)", p.Level.Level)
}

// RunPricedLevel reads DIR/summary.json and returns its priced level
// (PricedLevel) with its basis in words, or an error when the summary has
// no level with output throughput, or is missing or stale beside
// requests.jsonl (readFreshSummary).
func RunPricedLevel(dir string) (cost.RunLevel, error) {
	s, err := readFreshSummary(dir)
	if err != nil {
		return cost.RunLevel{}, err
	}
	p, ok := PricedLevel(s)
	if !ok {
		return cost.RunLevel{}, fmt.Errorf("%s: summary.json has no level with output throughput", dir)
	}
	m, err := pricedManifest(dir)
	if err != nil {
		return cost.RunLevel{}, err
	}
	if why := NotPriced(m); why != "" {
		// A shard, or a merge of some of the shards, measured its part of
		// the load while the server served every shard's: priced alone,
		// each token would cost N/k times what the server's does, and the
		// crossover would size N/k times the GPUs. No part gives the
		// whole's rate exactly (the shards' windows differ), so none is
		// priced; nor shards merged though run apart (their tokens over
		// the joined windows).
		return cost.RunLevel{}, fmt.Errorf("%s is %s", dir, why)
	}
	lv := cost.RunLevel{Level: p.Level.Level, WindowS: p.Level.WindowS, Basis: p.BasisWords(), Throughput: p.Throughput(),
		LowerBound: p.Basis == BasisCapacity && p.LowerBound, Simulated: m.IsSimulated()}
	if m != nil {
		lv.Offer = ManifestOffer(m.Scenario)
		if s := DidNotComplete(dir, m); s != "" {
			lv.Incomplete = s + ": " + IncompleteCaveat
		}
	}
	if g := p.Level.GPU; g != nil && g.EnergyJ != nil {
		lv.EnergyJ = *g.EnergyJ
	}
	return lv, nil
}

// pricedManifest reads DIR/run.json for RunPricedLevel: nil when the
// directory has none (the run is priced from summary.json alone, not known
// to be simulated nor a shard). A run.json that is there but cannot be read
// or parsed is an error naming it: taken as missing, a simulated run would
// be priced without SIMULATED and a shard as if it were the whole run.
func pricedManifest(dir string) (*rundir.Manifest, error) {
	m, err := rundir.ReadManifest(dir)
	if err == nil {
		return m, nil
	}
	if _, newer := errors.AsType[*rundir.FormatError](err); newer {
		return nil, err
	}
	path := filepath.Join(dir, rundir.ManifestFile)
	if _, lerr := os.Lstat(path); errors.Is(err, fs.ErrNotExist) && errors.Is(lerr, fs.ErrNotExist) {
		return nil, nil
	}
	return nil, fmt.Errorf("%w: run.json says whether the run was simulated and whether it is a shard of a larger run, so %s is not priced without it", err, dir)
}

// RunGPU returns what DIR/run.json says of the run's GPU: the GPU the user
// stated (gpu_stated) and the names in telemetry's inventory; nothing when
// the file or the fields are missing: the GPU only picks a default catalog
// entry (cost.Catalog.ResolveRunGPU).
func RunGPU(dir string) (stated string, names []string) {
	m, err := rundir.ReadManifest(dir)
	if err != nil {
		return "", nil
	}
	var gpus []rundir.GPUDevice
	if len(m.GPUs) > 0 && json.Unmarshal(m.GPUs, &gpus) != nil {
		return m.GPUStated, nil
	}
	for _, g := range gpus {
		names = append(names, g.Name)
	}
	return m.GPUStated, names
}
