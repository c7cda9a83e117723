package report

import (
	"math"
	"slices"
)

// BootstrapInterval returns the (1−alpha) percentile-bootstrap interval of
// the replicates (Efron & Tibshirani, An Introduction to the Bootstrap,
// 1993, ch. 13): their alpha/2 and 1−alpha/2 type-7 quantiles. NaN
// replicates are dropped; NaN bounds when none is left. reps is reordered
// in place. The regression gate (report/compare, on differences) and the
// qualification report (report/render, on ratios) both use it.
func BootstrapInterval(reps []float64, alpha float64) (lo, hi float64) {
	reps = slices.DeleteFunc(reps, math.IsNaN)
	slices.Sort(reps)
	return Quantile7(reps, 100*alpha/2), Quantile7(reps, 100*(1-alpha/2))
}

// BootstrapP is the two-sided bootstrap p-value of "the statistic is null"
// (0 for a difference, 1 for a ratio): twice the smaller share of
// replicates on either side of null (a replicate equal to null counts on
// both sides), each count and the number of replicates taken one more
// ((1 + k)/(1 + n): the observed statistic counted among its replicates,
// Davison & Hinkley, Bootstrap Methods and their Application, 1997, §4.2;
// North, Curtis & Sham, Am. J. Hum. Genet. 71, 2002), capped at 1. NaN
// replicates are dropped; NaN when none is left. A Monte Carlo p-value is
// never 0: with every replicate of 2,000 on one side it is 2/2001, under
// 0.001, where the plain share read p = 0 in compare's JSON.
func BootstrapP(reps []float64, null float64) float64 {
	var below, above, n int
	for _, r := range reps {
		if math.IsNaN(r) {
			continue
		}
		n++
		if r <= null {
			below++
		}
		if r >= null {
			above++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return min(1, 2*float64(1+min(below, above))/float64(1+n))
}
