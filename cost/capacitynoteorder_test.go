package cost

import (
	"strings"
	"testing"
)

// TestCrossoverCapacityNoteNamesTheRunFirst: crossover --run on the demo's
// H100 noted "capacity: capacity at SLO (level 128), a lower bound: … so
// its costs per token are upper bounds of demo/…/h100-sxm": the run's
// directory hung off the end of the basis's last clause. The note names
// the run first, then the basis as the run reader words it.
func TestCrossoverCapacityNoteNamesTheRunFirst(t *testing.T) {
	const basis = "capacity at SLO (level 128), a lower bound: the highest level run met the SLO and more load was not tried"
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 128, WindowS: 10, Basis: basis, Throughput: Throughput{OutputTokensPerS: 1000, TotalTokensPerS: 5000, RequestsPerS: 8}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	var b strings.Builder
	if err := RunCrossover(&b, CrossoverOptions{RunDir: "runs/h100", Runs: runs, Volume: Volume{TokensPerDay: 1e8, APIModel: "openai/gpt-4o"}, Offer: "on-demand", Format: Text}); err != nil {
		t.Fatal(err)
	}
	if want := "note: capacity of runs/h100: " + basis + "\n"; !strings.Contains(b.String(), want) {
		t.Errorf("crossover wrote\n%s\nwant a line %q", b.String(), want)
	}
}
