package cost

import (
	"strings"
	"testing"
)

// Without a measured capacity the GPU count is the seed's assumption (one
// replica serves any volume), not a sizing: at 1e15 tokens a day the table
// read "GPUs needed  1 (1 replica of 1)" and "cheaper: self-hosted", the
// assumption only in a note below. The row says it is assumed; with a
// capacity it does not.
func TestCrossoverTableSaysAnUnmeasuredGPUCountIsAssumed(t *testing.T) {
	row := func(in CrossoverInput) string {
		t.Helper()
		x, err := ComputeCrossover(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range x.Table().Rows {
			if r[0] == "GPUs needed" {
				return r[1]
			}
		}
		t.Fatal("no GPUs needed row")
		return ""
	}
	if got := row(CrossoverInput{TokensPerDay: 1e15, APIUSDPer1M: 4.375, GPUMonthUSD: 2504.557}); !strings.Contains(got, "assumed") || !strings.Contains(got, "not measured") {
		t.Errorf("no capacity: GPUs needed %q; want it said to be assumed, capacity not measured", got)
	}
	if got := row(CrossoverInput{TokensPerDay: 1e8, APIUSDPer1M: 4.375, GPUMonthUSD: 2504.557, CapacityTokensPerS: 46080}); strings.Contains(got, "assumed") {
		t.Errorf("measured capacity: GPUs needed %q; want no assumption", got)
	}
}
