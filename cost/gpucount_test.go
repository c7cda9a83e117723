package cost

import (
	"math"
	"strings"
	"testing"
)

// A volume that needs more replicas than an int holds once multiplied by
// the GPUs in each (1e18 tokens a day at 0.001 tokens/s a replica is
// 1.16e16 replicas; of 4,096 GPUs, 4.7e19 GPUs) wrapped around to a
// negative GPU count and a negative self-hosted month, which the table
// called the cheaper path. It is refused, by the volume it cannot serve.
func TestCrossoverRefusesAGPUCountPastAnyDeployment(t *testing.T) {
	for _, in := range []CrossoverInput{
		{TokensPerDay: 1e18, APIUSDPer1M: 1e6, GPUMonthUSD: 5022.4, CapacityTokensPerS: 0.001, GPUsPerReplica: 4096},
		{TokensPerDay: 1e18, APIUSDPer1M: 1e6, GPUMonthUSD: 5022.4, CapacityTokensPerS: 1e-6, GPUsPerReplica: 1},
	} {
		x, err := ComputeCrossover(in)
		if err == nil {
			t.Errorf("%+v: %d GPUs at $%v a month, %s cheaper; want an error", in, x.GPUsNeeded, x.SelfHostedMonthlyUSD, x.Cheaper)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "GPUs") || strings.Contains(msg, "\n") {
			t.Errorf("%+v: error %q; want one line about the GPUs needed", in, msg)
		}
	}
	// A large volume a deployment could serve is still answered.
	x, err := ComputeCrossover(CrossoverInput{TokensPerDay: 1e15, APIUSDPer1M: 3.333, GPUMonthUSD: 5022.4, CapacityTokensPerS: 46080, GPUsPerReplica: 8})
	if err != nil {
		t.Fatal(err)
	}
	perDay, capacity := 1e15, 46080.0
	if want := 8 * int(math.Ceil(perDay/(capacity*86400))); x.GPUsNeeded != want || !(x.SelfHostedMonthlyUSD > 0) {
		t.Errorf("1e15 tokens/day: %d GPUs, $%v; want %d GPUs, a positive amount", x.GPUsNeeded, x.SelfHostedMonthlyUSD, want)
	}
}

// ReplicasNeeded past what an int holds wrapped to one replica (1e18
// tokens a day at 1e-6 tokens/s: 1.16e19 replicas read 1); it holds at
// 2^53, the largest count a float64 keeps exact, and never goes down as
// the volume goes up.
func TestReplicasNeededNeverWrapsRound(t *testing.T) {
	prev := 0
	for _, perDay := range []float64{1e6, 1e12, 1e15, 1e18} {
		n := ReplicasNeeded(perDay, 1e-6)
		if want := math.Min(math.Ceil(perDay/(1e-6*86400)), 1<<53); float64(n) != want || n < prev {
			t.Errorf("ReplicasNeeded(%v, 1e-6) = %d; want %v", perDay, n, want)
		}
		prev = n
	}
}
