package cost

import (
	"io"
	"strings"
	"testing"
)

// --run's throughput is the run's: --total-tokens-per-s or
// --requests-per-s beside it were dropped without a word ('cost --run DIR
// --total-tokens-per-s 100' priced the run's 46,080 total tokens/s), where
// --output-tokens-per-s beside it is refused. They are refused alike.
func TestCostRefusesAThroughputBesideARun(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 64, WindowS: 60, Basis: "capacity at SLO (level 64)", Throughput: Throughput{OutputTokensPerS: 5120, TotalTokensPerS: 46080, RequestsPerS: 40}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	for _, o := range []CostOptions{{TotalTPS: 100}, {RPS: 5}} {
		o.RunDir, o.Runs, o.Offer = "run", runs, "aws-p5-od"
		err := RunCost(io.Discard, o)
		if err == nil || !strings.Contains(err.Error(), "--run") || strings.Contains(err.Error(), "\n") {
			t.Errorf("--run with %+v: %v; want one line refusing the throughput beside --run", o, err)
		}
	}
	if err := RunCost(io.Discard, CostOptions{RunDir: "run", Runs: runs, Offer: "aws-p5-od"}); err != nil {
		t.Errorf("--run alone: %v", err)
	}
}
