package cost

import (
	"strings"
	"testing"
)

// TestAlwaysCheaperAboveSaysItIsAssumed: crossover --gpu b200 without
// --run printed "self-hosted always cheaper above (tokens per day) 28.4M"
// at 1B tokens a day on one GPU: "always" holds only if one replica serves
// any volume, which nothing measured (the GPUs-needed row said so, this
// row did not). Without a capacity the row says it rests on that.
func TestAlwaysCheaperAboveSaysItIsAssumed(t *testing.T) {
	for _, capacity := range []float64{0, 50000} {
		x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 1e9, APIUSDPer1M: 4.375, GPUMonthUSD: 3723, GPUsPerReplica: 1, CapacityTokensPerS: capacity})
		if err != nil {
			t.Fatal(err)
		}
		var row string
		for _, r := range x.Table().Rows {
			if strings.HasPrefix(r[0], "self-hosted always cheaper above") {
				row = r[1]
			}
		}
		said := strings.Contains(row, "assumed")
		if !strings.HasPrefix(row, Tokens(*x.AlwaysCheaperAboveTokensPerDay)) || said != (capacity == 0) {
			t.Errorf("capacity %v: row %q; want the volume, and 'assumed' exactly when no capacity was measured", capacity, row)
		}
	}
}
