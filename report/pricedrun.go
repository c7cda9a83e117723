package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/rundir"
)

// CostRuns reads run directories for the cost commands (cost, crossover):
// the priced level of summary.json and the GPU of run.json.
var CostRuns = cost.RunReader{Level: RunPricedLevel, GPU: RunGPU}

// RunPricedLevel reads DIR/summary.json and returns its priced level
// (PricedLevel) with its basis in words, or an error when the summary has
// no level with output throughput.
func RunPricedLevel(dir string) (cost.RunLevel, error) {
	s, err := ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		return cost.RunLevel{}, err
	}
	l, basis, ok := PricedLevel(s)
	if !ok {
		return cost.RunLevel{}, fmt.Errorf("%s: summary.json has no level with output throughput", dir)
	}
	words := fmt.Sprintf("highest-throughput level %g (summary.json has no capacity at SLO)", l.Level)
	if basis == BasisCapacity {
		words = fmt.Sprintf("capacity at SLO (level %g)", l.Level)
	}
	return cost.RunLevel{Level: l.Level, WindowS: l.WindowS, Basis: words,
		Throughput: cost.Throughput{OutputTokensPerS: l.OutputTokensPerS, TotalTokensPerS: l.TotalTokensPerS, RequestsPerS: l.RequestsPerS}}, nil
}

// RunGPU returns what DIR/run.json says of the run's GPU: the GPU the user
// stated (gpu_stated) and the names in telemetry's inventory; nothing when
// the file or the fields are missing: the GPU only picks a default catalog
// entry (cost.Catalog.ResolveRunGPU).
func RunGPU(dir string) (stated string, names []string) {
	b, err := os.ReadFile(filepath.Join(dir, rundir.ManifestFile))
	if err != nil {
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
