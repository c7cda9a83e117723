package cost

import (
	"io"
	"strings"
	"testing"
)

// --energy-joules prices owned hardware's electricity; on rented offers
// only it was dropped without a word (cost --offer aws-p5-od
// --energy-joules 2.28e6 printed the rent alone), where with
// --usd-per-gpu-hour the same flag is refused. It is refused here too; a
// run's own energy reading, not given by the user, is not.
func TestCostRefusesEnergyNoOfferUses(t *testing.T) {
	energy := CostOptions{GPU: "h100-sxm", OutputTPS: 2500, EnergyJ: 2.28e6, EnergyWindowS: 3600}
	for _, offer := range []string{"aws-p5-od", "on-demand", "spot"} {
		o := energy
		o.Offer = offer
		err := RunCost(io.Discard, o)
		if err == nil || !strings.HasPrefix(err.Error(), "--energy-joules") || strings.Contains(err.Error(), "\n") {
			t.Errorf("--offer %s --energy-joules: %v; want one line refusing --energy-joules", offer, err)
		}
	}
	for _, offer := range []string{"owned", ""} {
		o := energy
		o.Offer = offer
		if err := RunCost(io.Discard, o); err != nil {
			t.Errorf("--offer %q --energy-joules: %v; want it priced", offer, err)
		}
	}
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 16, WindowS: 60, EnergyJ: 36000, Basis: "capacity at SLO (level 16)", Throughput: Throughput{OutputTokensPerS: 2500}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	if err := RunCost(io.Discard, CostOptions{RunDir: "run", Offer: "aws-p5-od", Runs: runs}); err != nil {
		t.Errorf("--run with its energy reading, --offer aws-p5-od: %v; want it priced", err)
	}
}
