package cost

import (
	"io"
	"strings"
	"testing"
)

// cost and crossover's --gpu names a catalog id; run --gpu's ID x N form
// (README: --gpu a100-80gbx2) is answered with the flag the count belongs
// in, and an id with a space around it with the id: "--gpu a100-80gbx2"
// said only 'did you mean a100-80gb?', which priced one GPU where the user
// meant two, and "--gpu 'h100-sxm '" said 'unknown gpu "h100-sxm ", did you
// mean h100-sxm?', the same word as far as the reader can see.
func TestGPUFlagSaysWhereTheCountGoes(t *testing.T) {
	vol := Volume{TokensPerDay: 1e6, APIPricePerM: 1}
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"cost IDxN", RunCost(io.Discard, CostOptions{GPU: "a100-80gbx2", OutputTPS: 100}), []string{`"a100-80gbx2"`, "--gpu a100-80gb --gpus 2"}},
		{"crossover IDxN", RunCrossover(io.Discard, CrossoverOptions{Volume: vol, GPU: "h100-sxmx8", Offer: "on-demand"}), []string{`"h100-sxmx8"`, "--gpu h100-sxm --gpus 8"}},
		{"cost space", RunCost(io.Discard, CostOptions{GPU: "h100-sxm ", OutputTPS: 100}), []string{`"h100-sxm "`, "a space", "--gpu h100-sxm"}},
		{"crossover space", RunCrossover(io.Discard, CrossoverOptions{Volume: vol, GPU: " a100-80gb", Offer: "on-demand"}), []string{`" a100-80gb"`, "a space", "--gpu a100-80gb"}},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(tc.err.Error(), w) {
				t.Errorf("%s: %q; want it to say %q", tc.name, tc.err, w)
			}
		}
	}
}
