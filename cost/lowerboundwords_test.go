package cost

import (
	"strings"
	"testing"
)

// TestLowerBoundSaysWhatItBounds: a run whose capacity is a lower bound
// (its highest level met the SLO) makes every figure that divides by it an
// upper bound, and each command says which of its own: cost, its costs
// per token; crossover, which prints no cost per token, the GPUs needed,
// the self-hosted monthly cost and the break-even volume and utilization.
// crossover said "so its costs per token are upper bounds", the cost
// table's words, of a table with no cost per token.
func TestLowerBoundSaysWhatItBounds(t *testing.T) {
	const basis = "capacity at SLO (level 128), a lower bound: the highest level run met the SLO and more load was not tried"
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 128, WindowS: 10, Basis: basis, LowerBound: true,
				Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 5000, RequestsPerS: 8}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	var c, x strings.Builder
	if err := RunCost(&c, CostOptions{RunDir: "runs/h100", Runs: runs, Offer: "on-demand", Format: Text}); err != nil {
		t.Fatal(err)
	}
	if err := RunCrossover(&x, CrossoverOptions{RunDir: "runs/h100", Runs: runs, Volume: Volume{TokensPerDay: 1e8, APIModel: "openai/gpt-4o"}, Offer: "on-demand", Format: Text}); err != nil {
		t.Fatal(err)
	}
	if want := basis + ", so its costs per token are upper bounds"; !strings.Contains(c.String(), want) {
		t.Errorf("cost wrote\n%s\nwant %q", c.String(), want)
	}
	want := "note: capacity of runs/h100: " + basis + ", so the GPUs needed, the self-hosted monthly cost and the break-even volume and utilization are upper bounds\n"
	if !strings.Contains(x.String(), want) || strings.Contains(x.String(), "costs per token") {
		t.Errorf("crossover wrote\n%s\nwant a line %q and no word of costs per token", x.String(), want)
	}
}
