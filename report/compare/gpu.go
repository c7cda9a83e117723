package compare

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/rundir"
)

// GPU is what a run's server ran on, as far as run.json says: telemetry's
// inventory (gpus: the devices' model names, sorted and joined by " + "
// when mixed, and their count) or, without one, the GPU the user stated
// (gpu_stated, --gpu ID[xN]: its catalog ID and count), as a server on
// another machine is stated; zero when run.json says neither. Telemetry
// comes first when there are both: it is what was measured (the run warned
// when the two disagreed).
type GPU struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	// Stated says Name is a catalog ID the user stated, not telemetry's.
	Stated bool `json:"stated,omitempty"`
}

// GPUOf reads a run's GPU off its run.json.
func GPUOf(m *rundir.Manifest) GPU {
	var devs []rundir.GPUDevice
	if len(m.GPUs) > 0 && json.Unmarshal(m.GPUs, &devs) == nil && len(devs) > 0 {
		var names []string
		for _, d := range devs {
			if !slices.Contains(names, d.Name) {
				names = append(names, d.Name)
			}
		}
		slices.Sort(names)
		return GPU{Name: strings.Join(names, " + "), Count: len(devs)}
	}
	if m.GPUStated == "" {
		return GPU{}
	}
	if cat, err := cost.Builtin(); err == nil {
		if g, n, err := cat.ParseGPUSpec(m.GPUStated); err == nil {
			return GPU{Name: g.ID, Count: n, Stated: true}
		}
	}
	// Not in this catalog: as written, one device.
	return GPU{Name: m.GPUStated, Count: 1, Stated: true}
}

// String writes g for people: "NVIDIA H100 80GB HBM3 ×8", "h100-sxm ×8
// (stated)"; "" for none.
func (g GPU) String() string {
	if g.Count == 0 {
		return ""
	}
	s := fmt.Sprintf("%s ×%d", g.Name, g.Count)
	if g.Stated {
		s += " (stated)"
	}
	return s
}

// Same reports whether g and o are the same GPUs: the same name and
// count, or a stated catalog ID and telemetry's name of that GPU (the
// catalog's smi_names) in the same count.
func (g GPU) Same(o GPU) bool {
	if g == o {
		return true
	}
	if g.Count != o.Count || g.Stated == o.Stated {
		return false
	}
	stated, measured := g, o
	if o.Stated {
		stated, measured = o, g
	}
	cat, err := cost.Builtin()
	if err != nil {
		return false
	}
	c := cat.GPUBySMIName(measured.Name) // as the pricing resolves telemetry's name
	return c != nil && c.ID == stated.Name
}
