package render

import (
	"math"
	"strconv"
	"strings"
)

// numSig is num, except that a value which prec decimals would write as
// 0 (or ±0.00…) keeps two significant digits, trailing zeros dropped:
// 0.0015 ms, 0.00000015×. A report of a very fast engine read "0.00" for a
// TPOT that was not zero.
func numSig(v float64, prec int) string {
	a := math.Abs(v)
	if a == 0 || a >= math.Pow(10, -float64(prec)) || math.IsNaN(v) || math.IsInf(v, 0) {
		return num(v, prec)
	}
	s := strconv.FormatFloat(v, 'f', int(math.Ceil(-math.Log10(a)))+1, 64)
	return strings.TrimRight(s, "0")
}

// ratioText writes a ratio of two runs' values (2 decimals, two
// significant digits below 0.01).
func ratioText(r float64) string { return numSig(r, 2) }
