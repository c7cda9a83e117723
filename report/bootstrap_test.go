package report

import (
	"math"
	"testing"
)

// TestBootstrapP: (1 + k)/(1 + n) on the smaller side, doubled — all 3
// replicates above null → 2·1/4 = 0.5; 2,000 on one side → 2/2001, never
// 0; balanced → 1 (capped); 10 of 100 at or below null → 2·11/101; the
// same about a ratio's null 1.
func TestBootstrapP(t *testing.T) {
	if p := BootstrapP([]float64{1, 2, 3}, 0); math.Abs(p-0.5) > 1e-12 {
		t.Errorf("BootstrapP(all positive) = %g; want 0.5", p)
	}
	far := make([]float64, 2000)
	for i := range far {
		far[i] = 1 + float64(i)
	}
	if p := BootstrapP(far, 0); math.Abs(p-2.0/2001) > 1e-15 {
		t.Errorf("BootstrapP(2,000 above) = %g; want 2/2001, not 0", p)
	}
	if p := BootstrapP([]float64{-1, 1}, 0); p != 1 {
		t.Errorf("BootstrapP(balanced) = %g; want 1", p)
	}
	reps := make([]float64, 100)
	ratios := make([]float64, 100)
	for i := range reps {
		reps[i] = float64(i - 9) // −9..0 are ten at or below 0
		ratios[i] = 1 + reps[i]/100
	}
	if p := BootstrapP(reps, 0); math.Abs(p-22.0/101) > 1e-12 {
		t.Errorf("BootstrapP = %g; want 22/101", p)
	}
	if p := BootstrapP(ratios, 1); math.Abs(p-22.0/101) > 1e-12 {
		t.Errorf("BootstrapP(ratios, 1) = %g; want 22/101", p)
	}
	if p := BootstrapP([]float64{math.NaN()}, 0); !math.IsNaN(p) {
		t.Errorf("BootstrapP(NaN only) = %g; want NaN", p)
	}
}

// TestBootstrapInterval: replicates 0..100 (and a NaN) → 2.5 and 97.5
// (type 7).
func TestBootstrapInterval(t *testing.T) {
	reps := make([]float64, 101)
	for i := range reps {
		reps[100-i] = float64(i)
	}
	lo, hi := BootstrapInterval(append(reps, math.NaN()), 0.05)
	if lo != 2.5 || hi != 97.5 {
		t.Errorf("BootstrapInterval(0..100) = [%g, %g]; want [2.5, 97.5]", lo, hi)
	}
}
