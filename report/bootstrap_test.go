package report

import (
	"math"
	"testing"
)

// TestBootstrapP: replicates all above null → 0; balanced → 1; 10 of 100
// at or below null → 0.2; the same about a ratio's null 1.
func TestBootstrapP(t *testing.T) {
	if p := BootstrapP([]float64{1, 2, 3}, 0); p != 0 {
		t.Errorf("BootstrapP(all positive) = %g; want 0", p)
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
	if p := BootstrapP(reps, 0); math.Abs(p-0.2) > 1e-12 {
		t.Errorf("BootstrapP = %g; want 0.2", p)
	}
	if p := BootstrapP(ratios, 1); math.Abs(p-0.2) > 1e-12 {
		t.Errorf("BootstrapP(ratios, 1) = %g; want 0.2", p)
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
