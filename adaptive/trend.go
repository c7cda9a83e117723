package adaptive

import (
	"math"
	"slices"
)

// Trends over a level's time buckets decide open-loop saturation: a queue
// that grows shows as in-flight requests and TTFT that rise from bucket to
// bucket. Both tests here are rank-based, so one slow bucket (a GC pause,
// a long prompt) can neither make nor hide a trend.

// theilSen is the Theil–Sen slope of y on x: the median of the slopes of
// all pairs of points with distinct x (Sen, "Estimates of the regression
// coefficient based on Kendall's tau", JASA 63(324), 1968). It tolerates up
// to 29 % wild points. buf is scratch space, returned for reuse. NaN for
// fewer than two points.
func theilSen(x, y, buf []float64) (float64, []float64) {
	buf = buf[:0]
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			if dx := x[j] - x[i]; dx != 0 {
				buf = append(buf, (y[j]-y[i])/dx)
			}
		}
	}
	if len(buf) == 0 {
		return math.NaN(), buf
	}
	slices.Sort(buf)
	n := len(buf)
	if n%2 == 1 {
		return buf[n/2], buf
	}
	return (buf[n/2-1] + buf[n/2]) / 2, buf
}

// mannKendallZ is the Mann–Kendall trend statistic of the series y in time
// order: S = Σ_{i<j} sign(y_j − y_i), standardized with the continuity
// correction by its null variance n(n−1)(2n+5)/18 (Kendall, Rank
// Correlation Methods, 1975; Hipel & McLeod, Time Series Modelling of Water
// Resources and Environmental Systems, 1994, §23.3). Under no trend it is
// approximately standard normal for n ≥ 8; large positive values mean a
// rising series. Ties count 0 and the variance is not corrected for them:
// bucket means are continuous, and a tie only makes the test conservative.
func mannKendallZ(y []float64) float64 {
	n := len(y)
	if n < 2 {
		return 0
	}
	s := 0
	for i := range y {
		for j := i + 1; j < n; j++ {
			switch {
			case y[j] > y[i]:
				s++
			case y[j] < y[i]:
				s--
			}
		}
	}
	v := float64(n*(n-1)*(2*n+5)) / 18
	switch {
	case s > 0:
		return float64(s-1) / math.Sqrt(v)
	case s < 0:
		return float64(s+1) / math.Sqrt(v)
	}
	return 0
}
