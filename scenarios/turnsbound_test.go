package scenarios

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestTurnsDrawnWithinMaxTurns: a turns distribution with no max whose
// draws reach past MaxTurns (lognormal mean 500, stddev 2000: one draw in
// nine was over 1000, the largest 107,005) draws at most MaxTurns, as its
// validation promises; the draws were clamped at MaxLength, the bound of a
// length in tokens, and a session past 1024 turns took the next session's
// seeds (sid·1024+k). Validation now refuses both (the bound moves their
// mean: TestLoadRefusesClampsThatMoveTheMean); the draws are bounded still.
func TestTurnsDrawnWithinMaxTurns(t *testing.T) {
	for _, d := range []Distribution{{Kind: DistLognormal, Mean: 500, Stddev: 2000}, {Kind: DistNormal, Mean: 900, Stddev: 500}} {
		s := d.String()
		hi, atMax := 0, 0
		for i := range 10000 {
			n := d.SampleTurns(rand.New(rand.NewPCG(1, uint64(i))))
			if n < 1 {
				t.Fatalf("%s: drew %d turns", s, n)
			}
			hi = max(hi, n)
			if n == MaxTurns {
				atMax++
			}
		}
		if hi > MaxTurns || atMax == 0 {
			t.Errorf("%s: largest of 10,000 draws %d (%d at the bound); want at most %d, reached", s, hi, atMax, MaxTurns)
		}
	}
}

// TestTurnsBoundsSaid: a turns distribution's bounds are said in turns and
// with MaxTurns, not a length's 16,777,216 tokens.
func TestTurnsBoundsSaid(t *testing.T) {
	for s, want := range map[string]string{
		"{dist: uniform, min: -1, max: 5}":      "min: must be between 1 and 1000 turns, got -1",
		"{dist: uniform, min: 2, max: 2000}":    "max: must be between 1 and 1000 turns, got 2000",
		"{dist: normal, mean: 5000, stddev: 1}": "mean: must be a number between 1 and 1000 turns, got 5000",
		"0":                                     "must be between 1 and 1000 turns, got 0",
	} {
		_, err := ParseTurns(s)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "16777216") {
			t.Errorf("ParseTurns(%s) = %v; want %q", s, err, want)
		}
	}
}
