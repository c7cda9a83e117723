package adaptive

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestOrderRanksTable pins the order-statistic ranks against binomial
// tables. The median rows are the classic ones (Conover, Practical
// Nonparametric Statistics, 1999, Table A3: n = 20 → X(6), X(15); n = 100 →
// X(40), X(61)); the others were summed exactly in rational arithmetic
// (Python's fractions over math.comb): l − 1 is the largest k with
// P(B ≤ k) ≤ a and u − 1 the smallest with P(B > k) ≤ a.
func TestOrderRanksTable(t *testing.T) {
	for _, c := range []struct {
		n    int
		p, a float64
		l, u int
	}{
		{20, 0.5, 0.025, 6, 15},
		{100, 0.5, 0.025, 40, 61},
		{100, 0.95, 0.025, 90, 100},
		{50, 0.95, 0.025, 44, 51},      // P(B = 50) = 0.077 > a: no upper bound
		{200, 0.99, 0.025, 195, 201},   // nor here
		{1000, 0.95, 0.0025, 930, 969}, // a per-look level
		{120, 0.95, 0.0027, 106, 120},
		{3, 0.5, 0.025, 0, 4}, // too few values either way
	} {
		l, u := orderRanks(c.n, c.p, c.a)
		if l != c.l || u != c.u {
			t.Errorf("orderRanks(%d, %g, %g) = %d, %d; want %d, %d", c.n, c.p, c.a, l, u, c.l, c.u)
		}
	}
}

// TestOrderRanksBruteForce checks the ranks against a direct summation of
// the binomial probabilities (an implementation independent of the
// incomplete beta function) over a grid of n, p and a.
func TestOrderRanksBruteForce(t *testing.T) {
	for _, n := range []int{1, 2, 7, 33, 150, 600} {
		for _, p := range []float64{0.5, 0.9, 0.95, 0.99} {
			for _, a := range []float64{0.025, 0.003} {
				pmf := make([]float64, n+1)
				for k := range pmf {
					lg, _ := math.Lgamma(float64(n + 1))
					lk, _ := math.Lgamma(float64(k + 1))
					lnk, _ := math.Lgamma(float64(n - k + 1))
					pmf[k] = math.Exp(lg - lk - lnk + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
				}
				wantL, cdf := 0, 0.0
				for k := range pmf {
					cdf += pmf[k]
					if cdf <= a*(1+1e-9) {
						wantL = k + 1
					}
				}
				wantU, sf := n+1, 0.0
				for k := n - 1; k >= 0; k-- {
					sf += pmf[k+1] // P(B > k)
					if sf <= a*(1+1e-9) {
						wantU = k + 1
					}
				}
				l, u := orderRanks(n, p, a)
				if l != wantL || u != wantU {
					t.Errorf("orderRanks(%d, %g, %g) = %d, %d; brute force %d, %d", n, p, a, l, u, wantL, wantU)
				}
			}
		}
	}
}

// TestValuesQuantile: the values 1…20 in shuffled order, added in three
// batches between flushes: the median's 95 % interval is X(6), X(15) = 6,
// 15, and the point estimate is report's type-7 median, 10.5.
func TestValuesQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 20)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	var v values
	for i, x := range xs {
		v.add(x)
		if i == 4 || i == 11 {
			v.flush()
		}
	}
	ranks := func(p float64) func(int) (int, int) {
		return func(n int) (int, int) { return orderRanks(n, p/100, 0.025) }
	}
	est, lo, hi := v.quantile(50, ranks(50))
	if est != 10.5 || lo != 6 || hi != 15 {
		t.Errorf("median of 1…20 = %g [%g, %g]; want 10.5 [6, 15]", est, lo, hi)
	}
	if !slices.IsSorted(v.sorted) || len(v.sorted) != 20 {
		t.Errorf("values not merged in order: %v", v.sorted)
	}
	got := report.Quantile7(v.sorted, 95)
	if est95, _, hi95 := v.quantile(95, ranks(95)); est95 != got || !math.IsInf(hi95, 1) {
		t.Errorf("p95 of 1…20 = %g (hi %g); want report's %g, unbounded above", est95, hi95, got)
	}
}

// TestValuesMerge: random batches merge into the same order a full sort
// gives.
func TestValuesMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var v values
	var all []float64
	for range 50 {
		for range r.IntN(40) {
			x := math.Round(r.NormFloat64() * 10) // ties too
			v.add(x)
			all = append(all, x)
		}
		v.flush()
	}
	slices.Sort(all)
	if !slices.Equal(v.sorted, all) {
		t.Fatal("merged values differ from the sorted values")
	}
}

// TestBinomTails checks both tails of Binomial(4, 1/4) against the exact
// probabilities 81, 108, 54, 12 and 1 (÷ 256) of 0…4, the ends included:
// P(B ≤ 1) = 189/256, P(B > 1) = 67/256.
func TestBinomTails(t *testing.T) {
	pmf := []float64{81, 108, 54, 12, 1}
	for k := -1; k <= 4; k++ {
		var cdf float64
		for i := 0; i <= k; i++ {
			cdf += pmf[i] / 256
		}
		if got := binomCDF(k, 4, 0.25); math.Abs(got-cdf) > 1e-12 {
			t.Errorf("binomCDF(%d, 4, 0.25) = %g, want %g", k, got, cdf)
		}
		if got := binomSF(k, 4, 0.25); math.Abs(got-(1-cdf)) > 1e-12 {
			t.Errorf("binomSF(%d, 4, 0.25) = %g, want %g", k, got, 1-cdf)
		}
	}
}
