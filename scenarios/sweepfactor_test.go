package scenarios

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveLevels is the series as its doc says it, one power at a time (the
// implementation before: 41 million powers, 5 s, for a factor of
// 1.0000001; a factor of 1.000000001 did not finish).
func naiveLevels(s Sweep) []int {
	var out []int
	for k := 0; len(out) < maxSweepLevels; k++ {
		x := math.Round(float64(s.Start) * math.Pow(s.Factor, float64(k)))
		if x > float64(s.Max) {
			break
		}
		if l := int(x); len(out) == 0 || l > out[len(out)-1] {
			out = append(out, l)
		}
	}
	if len(out) < maxSweepLevels && (len(out) == 0 || out[len(out)-1] < s.Max) {
		out = append(out, s.Max)
	}
	return out
}

// TestSweepTinyFactor: a factor just above 1 (a typo for 1.5, or a
// generated file) makes the levels start, start+1, … at once: validate
// and run of {start: 1, factor: 1.000000001, max: 100000} ran for ever
// (past 30 s) before refusing it, and {start: 1, factor: 1.0000001,
// max: 3}, a valid sweep, took 4.4 s to be accepted.
func TestSweepTinyFactor(t *testing.T) {
	for _, f := range []float64{1.0000001, 1.000000001, 1 + 1e-15} {
		got := (&Sweep{Start: 1, Factor: f, Max: 100000}).Concurrencies()
		if len(got) != maxSweepLevels || got[0] != 1 || got[63] != 64 {
			t.Errorf("factor %v: %d levels %v…, want 1…64", f, len(got), got[:min(len(got), 4)])
		}
		if got := (&Sweep{Start: 1, Factor: f, Max: 3}).Concurrencies(); !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("factor %v, max 3: %v, want [1 2 3]", f, got)
		}
	}
}

// TestSweepLevelsAsDocumented: the levels are those of the series one
// power at a time, for factors, starts and maxima drawn at random.
func TestSweepLevelsAsDocumented(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		s := Sweep{Start: 1 + rng.IntN(50), Factor: 1.01 + rng.Float64()*rng.Float64()*3}
		if i%100 == 0 {
			s.Factor = 1.001 + rng.Float64()*0.01
		}
		s.Max = s.Start + rng.IntN(5000)
		if got, want := s.Concurrencies(), naiveLevels(s); !slices.Equal(got, want) {
			t.Fatalf("%+v: %v, want %v", s, got, want)
		}
	}
}
