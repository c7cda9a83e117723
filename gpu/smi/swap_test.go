package smi

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// gpuTool is an nvidia-smi that answers any --query-gpu field list from
// the GPU it holds now, one row, as --format=csv,noheader,nounits prints
// it (values as the H100 capture prints them: compute_cap "9.0", uuid
// "GPU-…"). A field it does not hold prints [N/A].
type gpuTool struct{ now map[string]string }

func (g *gpuTool) run(_ context.Context, _ string, args ...string) ([]byte, error) {
	var vals []string
	for _, a := range args {
		if fields, ok := strings.CutPrefix(a, "--query-gpu="); ok {
			for _, f := range strings.Split(fields, ",") {
				v, ok := g.now[f]
				if !ok {
					v = "[N/A]"
				}
				vals = append(vals, v)
			}
		}
	}
	return []byte(strings.Join(vals, ", ") + "\n"), nil
}

// TestNvidiaSMIPowerWindowOfTheGPUNow: another GPU at an index (a
// hot-swap, a driver reload, MIG reconfigured) has its power's span from
// its own compute capability, which the driver gives: an A100 (8.0,
// instantaneous) where an H100 (9.0, 1 s) was read first took the H100's
// 1 s, its capability being kept by index from the first tick. The third
// GPU's name is none the name table knows, so only its capability can say
// its 1 s.
func TestNvidiaSMIPowerWindowOfTheGPUNow(t *testing.T) {
	gpus := []map[string]string{
		{"uuid": "GPU-00000000-0000-0000-0000-000000000000", "name": "NVIDIA H100 80GB HBM3", "compute_cap": "9.0"},
		{"uuid": "GPU-11111111-0000-0000-0000-000000000000", "name": "NVIDIA A100-SXM4-80GB", "compute_cap": "8.0"},
		{"uuid": "GPU-22222222-0000-0000-0000-000000000000", "name": "NVIDIA Graphics Device", "compute_cap": "10.0"},
	}
	tool := &gpuTool{}
	n, _ := NewNvidiaSMI(tool.run)
	var got []int64
	for _, g := range gpus {
		g["index"], g["power.draw"] = "0", "69.85"
		tool.now = g
		for range 2 {
			ss, err := n.Sample(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ss[0].PowerWindowNS)
		}
	}
	if want := []int64{1e9, 1e9, 0, 0, 1e9, 1e9}; !slices.Equal(got, want) {
		t.Errorf("power windows of H100 (9.0), A100 (8.0), a GPU of 10.0, two ticks each, at index 0 = %v; want %v", got, want)
	}
}
