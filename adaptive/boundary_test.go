package adaptive

import (
	"math"
	"testing"
)

// TestPocockConstantTable pins the boundary against Pocock's published
// constants for K equally spaced looks, two-sided α = 0.05 (Pocock 1977,
// Table 1; reproduced in Jennison & Turnbull, Group Sequential Methods,
// 2000, Table 2.1): the integration must reproduce them to 3 decimals.
func TestPocockConstantTable(t *testing.T) {
	want := map[int]float64{1: 1.960, 2: 2.178, 3: 2.289, 4: 2.361, 5: 2.413, 10: 2.555}
	for k, c := range want {
		times := make([]float64, k)
		for j := range times {
			times[j] = float64(j + 1)
		}
		got := pocockConstant(times, 0.05)
		if math.Abs(got-c) > 0.0015 {
			t.Errorf("K=%d: c = %.4f; want %.3f", k, got, c)
		}
	}
}
