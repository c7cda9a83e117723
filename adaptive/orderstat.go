package adaptive

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/inferbench/inferbench/report"
)

// A quantile's interval is distribution-free: of n independent values, the
// number B that fall at or below the true p-quantile q is Binomial(n, p)
// whatever the distribution, and X(l) ≤ q ≤ X(u) (the l-th and u-th smallest)
// holds whenever l ≤ B < u. Choosing l and u so that each binomial tail
// outside [l, u) holds at most a/2 gives an interval that covers q with
// probability at least 1 − a, for any continuous latency distribution and
// any n (Conover, Practical Nonparametric Statistics, 3rd ed., 1999, §3.2;
// Hahn & Meeker, Statistical Intervals, 1991, §5.2). It needs only two order
// statistics of the values already held, and the binomial tails at two
// ranks: no resampling, so a look costs microseconds where a bootstrap of
// 2,000 resamples would cost milliseconds. A bootstrap percentile interval
// is also known to undercover for tail quantiles at small n (it cannot
// reach beyond the sample's largest value), which is exactly the p95–p99
// regime an SLO judges.

// binomCDF is P(B ≤ k) for B ~ Binomial(n, p): the upper tail of the other
// outcome's count, P(n − B > n − k − 1) with n − B ~ Binomial(n, 1 − p).
func binomCDF(k, n int, p float64) float64 { return binomSF(n-k-1, n, 1-p) }

// binomSF is P(B > k) for B ~ Binomial(n, p), computed directly (not as
// 1 − CDF) so that small upper tails keep their precision.
func binomSF(k, n int, p float64) float64 {
	switch {
	case k < 0:
		return 1
	case k >= n:
		return 0
	}
	return mathext.RegIncBeta(float64(k+1), float64(n-k), p)
}

// orderRanks are the 1-based ranks l and u of the order statistics that
// bound the p-quantile of n values with tail probability at most a on each
// side: l − 1 is the largest k with P(B ≤ k) ≤ a, and u − 1 the smallest k
// with P(B > k) ≤ a, B ~ Binomial(n, p). l is 0 when even P(B = 0) > a (the
// values cannot bound the quantile below) and u is n + 1 when P(B = n) > a
// (nor above). The search starts at the normal approximation and steps to
// the exact rank, typically one or two evaluations of the incomplete beta
// function per side.
func orderRanks(n int, p, a float64) (l, u int) {
	if n <= 0 {
		return 0, 1
	}
	z := distuv.UnitNormal.Quantile(a) // negative
	sd := math.Sqrt(float64(n) * p * (1 - p))
	mean := float64(n) * p
	// Lower: the largest k in [−1, n] with CDF(k) ≤ a (CDF(−1) = 0).
	k := min(max(int(math.Floor(mean+z*sd)), -1), n)
	if binomCDF(k, n, p) <= a {
		for k < n && binomCDF(k+1, n, p) <= a {
			k++
		}
	} else {
		for k >= 0 && binomCDF(k, n, p) > a {
			k--
		}
	}
	l = k + 1
	// Upper: the smallest k in [0, n] with SF(k) ≤ a (SF(n) = 0).
	k = min(max(int(math.Ceil(mean-z*sd)), 0), n)
	if binomSF(k, n, p) <= a {
		for k > 0 && binomSF(k-1, n, p) <= a {
			k--
		}
	} else {
		for k < n && binomSF(k, n, p) > a {
			k++
		}
	}
	u = k + 1
	return l, u
}

// values holds one metric's values for order statistics. New values go to
// pending (Add is an append); a look sorts the pending ones and merges them
// into sorted, so a look costs O(n) moves plus the sort of what arrived since
// the last one, and Add stays O(1).
type values struct {
	sorted, pending []float64
}

func (v *values) add(x float64) { v.pending = append(v.pending, x) }

// len is the number of values held, pending included.
func (v *values) len() int { return len(v.sorted) + len(v.pending) }

// flush merges the pending values into sorted, from the back, in place.
func (v *values) flush() {
	if len(v.pending) == 0 {
		return
	}
	slices.Sort(v.pending)
	i := len(v.sorted) - 1
	v.sorted = slices.Grow(v.sorted, len(v.pending))[:len(v.sorted)+len(v.pending)]
	j := len(v.pending) - 1
	for k := len(v.sorted) - 1; j >= 0; k-- {
		if i >= 0 && v.sorted[i] > v.pending[j] {
			v.sorted[k] = v.sorted[i]
			i--
		} else {
			v.sorted[k] = v.pending[j]
			j--
		}
	}
	v.pending = v.pending[:0]
}

// quantile is the type-7 percentile p (0–100) of the values (report's
// definition) and its distribution-free interval between the order
// statistics ranks(n) gives (orderRanks); Lo is −Inf and Hi +Inf where the
// values cannot bound it.
func (v *values) quantile(p float64, ranks func(n int) (int, int)) (est, lo, hi float64) {
	v.flush()
	n := len(v.sorted)
	if n == 0 {
		return math.NaN(), math.Inf(-1), math.Inf(1)
	}
	est = report.Quantile7(v.sorted, p)
	l, u := ranks(n)
	lo, hi = math.Inf(-1), math.Inf(1)
	if l >= 1 {
		lo = v.sorted[l-1]
	}
	if u <= n {
		hi = v.sorted[u-1]
	}
	return est, lo, hi
}
