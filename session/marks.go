package session

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/rundir"
)

// checkGPUStated checks --gpu ID[xN] against the GPU catalog (a
// scenario's cost.gpu is checked where it is written: catalogGPU).
func checkGPUStated(s string) error {
	if s == "" {
		return nil
	}
	if err := catalogGPU(s); err != nil {
		return inputf("--gpu: %v", err)
	}
	return nil
}

// markManifest records what the user stated and what was simulated in
// run.json: the stated GPU (with a warning when telemetry saw another) and
// the simulated mark (mock kind or telemetry, or mockSeen: a response came
// from `inferbench mock` through another kind).
func markManifest(m *rundir.Manifest, o *Options, mockSeen bool, log io.Writer) {
	m.GPUStated = o.GPUStated
	m.Simulated = mockSeen || rundir.SimulatedBy(o.Kind, m.GPUBackend)
	if m.Simulated {
		fmt.Fprintln(log, "inferbench: SIMULATED: the target or the GPU telemetry is the mock; run.json records simulated: true")
	}
	if o.GPUStated == "" || len(m.GPUs) == 0 {
		return
	}
	var devs []struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(m.GPUs, &devs) != nil {
		return
	}
	var names []string
	for _, d := range devs {
		names = append(names, d.Name)
	}
	cat, err := cost.Load("")
	if err != nil {
		return
	}
	if rg, err := cat.ResolveRunGPU(o.GPUStated, names); err == nil && rg != nil && rg.Warning != "" {
		fmt.Fprintln(log, "inferbench: warning: "+rg.Warning)
	}
}
