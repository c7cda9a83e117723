package cost

import (
	"strings"
	"testing"
)

// crossover without --run has no measured capacity, so it cannot size
// the replicas: at 1e18 tokens a day an outside QA pass read "GPUs needed
// 1 (assumed …)", self-hosted $2,505 a month and "cheaper at this volume:
// self-hosted", the verdict bare. The verdict line itself says it rests on
// one unsized replica serving the volume, and nothing claims a replica
// serves any volume; with a capacity the verdict is the bare word.
func TestUnsizedCrossoverVerdictSaysItIsAssumed(t *testing.T) {
	for _, capacity := range []float64{0, 50000} {
		x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 1e10, APIUSDPer1M: 4.375, GPUMonthUSD: 2505, GPUsPerReplica: 1, CapacityTokensPerS: capacity})
		if err != nil {
			t.Fatal(err)
		}
		tb := x.Table()
		var verdict string
		all := strings.Join(tb.Notes, "\n")
		for _, r := range tb.Rows {
			all += "\n" + strings.Join(r, " ")
			if r[0] == "cheaper at this volume" {
				verdict = r[1]
			}
		}
		if capacity > 0 {
			if verdict != x.Cheaper {
				t.Errorf("capacity %v: verdict %q; want %q alone", capacity, verdict, x.Cheaper)
			}
			continue
		}
		if !strings.HasPrefix(verdict, x.Cheaper) || !strings.Contains(verdict, "not measured") || !strings.Contains(verdict, "--run") || !strings.Contains(verdict, "1 replica") {
			t.Errorf("no capacity: verdict %q; want %q said to rest on 1 replica serving the volume, not measured (pass --run)", verdict, x.Cheaper)
		}
		if strings.Contains(all, "any volume") {
			t.Errorf("no capacity: the table claims a replica serves any volume:\n%s", all)
		}
	}
}
