package cost

import (
	"io"
	"strings"
	"testing"
)

// --api-price-per-m is a whole price per 1M tokens; --input-share and
// --cached-input-share mix a catalog API's input, cached and output
// prices. Beside the whole price they were dropped without a word
// ('crossover --api-price-per-m 4 --cached-input-share 0.5' priced $4.000
// per 1M, nothing cached). They are refused together; a run's measured
// mix, not given by the user, is not.
func TestWholeAPIPriceRefusesAMixGiven(t *testing.T) {
	for _, v := range []Volume{
		{TokensPerDay: 1e8, APIPricePerM: 4, InputShare: 0.2},
		{TokensPerDay: 1e8, APIPricePerM: 4, CachedInputShare: 0.5},
	} {
		v.APIModel = DefaultAPIModel
		for name, err := range map[string]error{
			"crossover": RunCrossover(io.Discard, CrossoverOptions{Volume: v, Offer: string(DefaultOfferKind)}),
			"advise":    RunAdvise(io.Discard, AdviseOptions{Volume: v}),
		} {
			if err == nil || !strings.HasPrefix(err.Error(), "--api-price-per-m") || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s %+v: %v; want one line refusing --api-price-per-m with the mix", name, v, err)
			}
		}
	}
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 64, WindowS: 60, Basis: "capacity at SLO (level 64)", Throughput: Throughput{OutputTokensPerS: 5120, TotalTokensPerS: 46080}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	if err := RunCrossover(io.Discard, CrossoverOptions{Volume: Volume{TokensPerDay: 1e8, APIPricePerM: 4, APIModel: DefaultAPIModel}, RunDir: "run", Runs: runs, Offer: string(DefaultOfferKind)}); err != nil {
		t.Errorf("--run with --api-price-per-m: %v; want it priced", err)
	}
}
