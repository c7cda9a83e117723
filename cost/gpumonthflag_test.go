package cost

import (
	"io"
	"strings"
	"testing"
)

// --gpu-month-usd replaces the catalog's GPU month, so --gpu beside it was
// dropped without a word ('crossover --gpu zzz --gpu-month-usd 1000'
// priced $1,000 a month, no unknown GPU said); cost refuses
// --usd-per-gpu-hour with --gpu, and crossover now does too.
func TestCrossoverRefusesCatalogFlagsBesideAGPUMonth(t *testing.T) {
	for _, o := range []CrossoverOptions{
		{GPU: "zzz", GPUMonthUSD: 1000},
		{GPU: "h100-sxm", GPUMonthUSD: 1000},
	} {
		o.Volume = Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}
		err := RunCrossover(io.Discard, o)
		if err == nil || !strings.HasPrefix(err.Error(), "--gpu-month-usd") || strings.Contains(err.Error(), "\n") {
			t.Errorf("--gpu %q --gpu-month-usd 1000: %v; want one line refusing them together", o.GPU, err)
		}
	}
	if err := RunCrossover(io.Discard, CrossoverOptions{Volume: Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}, GPUMonthUSD: 1000, Offer: string(DefaultOfferKind)}); err != nil {
		t.Errorf("--gpu-month-usd 1000 (and --offer's default): %v", err)
	}
}
