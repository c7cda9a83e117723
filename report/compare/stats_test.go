package compare

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/report"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestQuantile7 checks type-7 percentiles against values computed by hand
// (NumPy's default gives the same): for 1..10, p95 sits at rank
// h = 9·0.95 = 8.55, so 9 + 0.55·(10 − 9) = 9.55.
func TestQuantile7(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tt := range []struct{ p, want float64 }{{0, 1}, {50, 5.5}, {90, 9.1}, {95, 9.55}, {99, 9.91}, {100, 10}} {
		if got := report.Quantile7(v, tt.p); !near(got, tt.want, 1e-12) {
			t.Errorf("report.Quantile7(1..10, %g) = %g; want %g", tt.p, got, tt.want)
		}
	}
	if got := report.Quantile7(nil, 50); !math.IsNaN(got) {
		t.Errorf("report.Quantile7(nil) = %g; want NaN", got)
	}
}

// TestWeightedQuantilesMatchExpanded checks the one-pass weighted
// percentiles against sorting the expanded resample, on random data with
// ties and zero counts.
func TestWeightedQuantilesMatchExpanded(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	ps := []float64{0, 50, 90, 95, 99, 100}
	for trial := range 200 {
		nReq := 1 + rng.IntN(30)
		var vals []float64
		var owners []int32
		for i := range nReq {
			for range rng.IntN(4) { // 0–3 values per request (ITL-like)
				vals = append(vals, float64(rng.IntN(20))) // ties
				owners = append(owners, int32(i))
			}
		}
		w := newWeighted(vals, owners)
		counts := make([]int32, nReq)
		resampleCounts(rng, counts)
		var expanded []float64
		for i, v := range vals {
			for range counts[owners[i]] {
				expanded = append(expanded, v)
			}
		}
		slices.Sort(expanded)
		got := make([]float64, len(ps))
		newRankIndex([]weighted{w}, ps, nReq).quantiles(counts, [][]float64{got})
		for k, p := range ps {
			want := report.Quantile7(expanded, p)
			if !(near(got[k], want, 1e-9) || math.IsNaN(got[k]) && math.IsNaN(want)) {
				t.Fatalf("trial %d: weighted p%g = %g; want %g (expanded %v)", trial, p, got[k], want, expanded)
			}
		}
	}
}

// TestResampleCounts: n draws in all, and the same seed gives the same resample.
func TestResampleCounts(t *testing.T) {
	a, b := make([]int32, 50), make([]int32, 50)
	resampleCounts(rand.New(rand.NewPCG(1, 2)), a)
	resampleCounts(rand.New(rand.NewPCG(1, 2)), b)
	var sum int32
	for _, c := range a {
		sum += c
	}
	if sum != 50 || !slices.Equal(a, b) {
		t.Errorf("counts sum %d (want 50), reproducible %v", sum, slices.Equal(a, b))
	}
}

// TestMannWhitneyExactSmall: x = {1,2,3}, y = {4,5,6}. Ranks of x are
// 1,2,3: R₁ = 6, U₁ = 6 − 3·4/2 = 0. Of the C(6,3) = 20 equally likely
// arrangements only one gives U = 0 and one U = 9, so the exact two-sided
// p = 2/20 = 0.1.
func TestMannWhitneyExactSmall(t *testing.T) {
	m := MannWhitneyU([]float64{1, 2, 3}, []float64{4, 5, 6})
	if m.U != 0 || !near(m.P, 0.1, 1e-12) || !m.Exact || m.Effect != 0 {
		t.Errorf("MannWhitneyU({1,2,3},{4,5,6}) = %+v; want U 0, exact p 0.1, effect 0", m)
	}
	// Swapped, U₁ = 9 = n₁n₂ and the same p.
	m = MannWhitneyU([]float64{4, 5, 6}, []float64{1, 2, 3})
	if m.U != 9 || !near(m.P, 0.1, 1e-12) || m.Effect != 1 {
		t.Errorf("swapped = %+v; want U 9, p 0.1, effect 1", m)
	}
}

// TestMannWhitneyExactTextbook is an interleaved example counted by hand:
// x = {1.1, 3.3, 5.5, 7.7}, y = {2.2, 4.4, 6.6, 8.8, 9.9}. Pooled ranks of
// x are 1, 3, 5, 7 → R₁ = 16, U₁ = 16 − 4·5/2 = 6. The arrangements with
// U = k, for n₁ = 4 and n₂ = 5, are the partitions of k into at most 4
// parts each at most 5: for k = 0..6 there are 1, 1, 2, 3, 5, 6, 8 — 26 of
// C(9,4) = 126 — so the two-sided p = 52/126 = 0.412698….
func TestMannWhitneyExactTextbook(t *testing.T) {
	m := MannWhitneyU([]float64{1.1, 3.3, 5.5, 7.7}, []float64{2.2, 4.4, 6.6, 8.8, 9.9})
	if m.U != 6 || !near(m.P, 52.0/126, 1e-12) || !m.Exact {
		t.Errorf("MannWhitneyU = %+v; want U 6, exact p %g", m, 52.0/126)
	}
}

// TestMannWhitneyNormalTies uses the normal approximation with ties,
// computed by hand. x = {1,2,2,3} (n₁ 4), y = {2,3,3,4,5} (n₂ 5); pooled,
// sorted: 1 2 2 2 3 3 3 4 5; ranks 1, (2+3+4)/3 = 3 for the three 2s,
// (5+6+7)/3 = 6 for the three 3s, 8, 9. R₁ = 1 + 3 + 3 + 6 = 13,
// U₁ = 13 − 10 = 3. Ties: two groups of 3, Σ(t³−t) = 48.
// σ² = 20/12 · (10 − 48/72) = 1.6667 · 9.3333 = 15.5556, σ = 3.94405.
// z = (|3 − 10| − 0.5) / σ = 6.5 / 3.94405 = 1.64805;
// p = 2(1 − Φ(1.64805)) = 0.099338 (Φ from erfc).
func TestMannWhitneyNormalTies(t *testing.T) {
	m := MannWhitneyU([]float64{1, 2, 2, 3}, []float64{2, 3, 3, 4, 5})
	sigma := math.Sqrt(20.0 / 12 * (10 - 48.0/72))
	z := 6.5 / sigma
	want := math.Erfc(z / math.Sqrt2)
	if m.U != 3 || m.Exact || !near(m.P, want, 1e-12) || !near(want, 0.0993, 5e-4) {
		t.Errorf("MannWhitneyU = %+v; want U 3, normal p %g (≈0.0993)", m, want)
	}
	// All values equal: no evidence of a shift.
	m = MannWhitneyU([]float64{5, 5, 5}, []float64{5, 5})
	if m.P != 1 || m.U != 3 {
		t.Errorf("all ties = %+v; want U 3, p 1", m)
	}
	if m := MannWhitneyU(nil, []float64{1}); !math.IsNaN(m.P) {
		t.Errorf("empty sample p = %g; want NaN", m.P)
	}
}

// TestMannWhitneySeparatedLarge: two large separated fixed-value samples
// (a fixed-timing mock: 50 ms vs 80 ms) give p ≈ 0.
func TestMannWhitneySeparatedLarge(t *testing.T) {
	x, y := make([]float64, 100), make([]float64, 100)
	for i := range x {
		x[i], y[i] = 50, 80
	}
	m := MannWhitneyU(y, x)
	if m.U != 10000 || m.P > 1e-20 || m.Effect != 1 {
		t.Errorf("separated = %+v; want U 10000, p ≈ 0, effect 1", m)
	}
}

// TestPredictionInterval by hand: values 10, 12, 14 → mean 12, s = 2,
// t(0.975; 2) = 4.302653; half-width 4.302653 · 2 · √(4/3) = 9.93655.
func TestPredictionInterval(t *testing.T) {
	lo, hi := predictionInterval([]float64{10, 12, 14}, 0.05)
	half := 4.302652729911275 * 2 * math.Sqrt(4.0/3)
	if !near(lo, 12-half, 1e-6) || !near(hi, 12+half, 1e-6) {
		t.Errorf("predictionInterval = [%g, %g]; want 12 ± %g", lo, hi, half)
	}
	if lo, _ := predictionInterval([]float64{1}, 0.05); !math.IsNaN(lo) {
		t.Errorf("one value: lo = %g; want NaN", lo)
	}
}

// TestBootstrapCoverage: the percentile-bootstrap interval of the median
// covers the true median of a known distribution about 95 % of the time
// (seeded; 200 samples of 200 exponential values, true median ln 2).
func TestBootstrapCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	covered := 0
	const trials = 200
	for range trials {
		vals := make([]float64, 200)
		owners := make([]int32, 200)
		for i := range vals {
			vals[i], owners[i] = rng.ExpFloat64(), int32(i)
		}
		w := newRankIndex([]weighted{newWeighted(vals, owners)}, []float64{50}, 200)
		counts := make([]int32, 200)
		reps := make([]float64, 500)
		var out [1]float64
		for k := range reps {
			resampleCounts(rng, counts)
			w.quantiles(counts, [][]float64{out[:]})
			reps[k] = out[0]
		}
		lo, hi := report.BootstrapInterval(reps, 0.05)
		if lo <= math.Ln2 && math.Ln2 <= hi {
			covered++
		}
	}
	if frac := float64(covered) / trials; frac < 0.89 || frac > 0.99 {
		t.Errorf("coverage %.3f of the true median; want about 0.95", frac)
	}
}

// TestWithoutOutliers, by hand: of 100, 101, 99, 100.5, 99.5, 100 and 117
// the median is 100 and the MAD 0.5 (deviations 0, 1, 1, 0.5, 0.5, 0, 17);
// 117's modified z-score is 0.6745·17/0.5 = 22.9 > 3.5, 101's 0.6745·1/0.5
// = 1.35; with 83 for 100 both far ones go (the MAD 1, both at 11.5).
// A value within 1 % of the median stays, whatever its score. Nothing is
// judged when
// fewer than three would remain (101 is the median of 100, 101, 150, the
// MAD 1, and 150 at 33 would leave two).
func TestWithoutOutliers(t *testing.T) {
	for _, tt := range []struct {
		values, kept, out []float64
	}{
		{[]float64{100, 101, 99, 100.5, 99.5, 100, 117}, []float64{100, 101, 99, 100.5, 99.5, 100}, []float64{117}},
		{[]float64{83, 101, 99, 100.5, 99.5, 100, 117}, []float64{101, 99, 100.5, 99.5, 100}, []float64{83, 117}},
		{[]float64{100, 100, 100, 100, 101}, []float64{100, 100, 100, 100, 101}, nil},
		{[]float64{100, 101, 150}, []float64{100, 101, 150}, nil},
		{[]float64{10, 12, 14}, []float64{10, 12, 14}, nil},
		// 10.2 scores 0.6745·0.19/0.001 = 128 but is 1.9 % off the median,
		// 10.05 scores 27 and is 0.4 % off: only 10.2 goes.
		{[]float64{10.01, 10.009, 10.01, 10.011, 10.05, 10.2, 10.01}, []float64{10.01, 10.009, 10.01, 10.011, 10.05, 10.01}, []float64{10.2}},
		// The MAD is 0 where half the values or more are equal (an error
		// rate of 0 on most nights): the score is taken with the mean
		// absolute deviation from the median instead, (x − x̃)/(1.253314 ·
		// MeanAD). One night of 30 % errors among six of none: MeanAD
		// 0.3/7, score 5.58, left out; before, nothing was, and its
		// interval let 21 % errors pass. Two such nights of seven score
		// 2.79 and stay; 101 among four 100s scores 3.99 but is not over
		// 1 % off the median, and stays (above).
		{[]float64{0, 0, 0, 0, 0, 0, 0.3}, []float64{0, 0, 0, 0, 0, 0}, []float64{0.3}},
		{[]float64{0, 0, 0.3, 0, 0, 0, 0.3}, []float64{0, 0, 0.3, 0, 0, 0, 0.3}, nil},
		{[]float64{10, 10, 10, 10, 10, 10.001, 10.5}, []float64{10, 10, 10, 10, 10, 10.001}, []float64{10.5}},
	} {
		kept, out, _ := withoutOutliers(tt.values, minHistoryRuns)
		if !slices.Equal(kept, tt.kept) || !slices.Equal(out, tt.out) {
			t.Errorf("withoutOutliers(%v) = %v, %v; want %v, %v", tt.values, kept, out, tt.kept, tt.out)
		}
	}
}
