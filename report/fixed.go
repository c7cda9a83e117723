package report

import (
	"math"
	"strconv"
	"strings"
)

// FormatFixed writes v with prec decimals, except that a value under one
// unit of the last decimal (|v| < 10^-prec, which those decimals would
// write as 0 or round up to it) keeps two significant digits,
// trailing zeros dropped: a TPOT of 0.0015 ms is "0.0015", not "0.00". A
// very fast engine's latencies read as zero otherwise. NaN and ±Inf are
// written as strconv writes them; callers that show them otherwise check
// first.
func FormatFixed(v float64, prec int) string {
	a := math.Abs(v)
	if a == 0 || a >= math.Pow(10, -float64(prec)) || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	s := strconv.FormatFloat(v, 'f', int(math.Ceil(-math.Log10(a)))+1, 64)
	return strings.TrimRight(s, "0")
}

// FormatMS writes a latency in milliseconds with prec decimals as
// FormatFixed does, a value under a nanosecond (1e-6 ms, finer than a
// record's timestamps resolve) as zero: the floating-point residue of a
// standard deviation of equal values (2e-19) is no latency.
func FormatMS(v float64, prec int) string {
	if math.Abs(v) < 1e-6 {
		v = 0
	}
	return FormatFixed(v, prec)
}
