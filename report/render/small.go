package render

import (
	"math"

	"github.com/inferbench/inferbench/report"
)

// numSig is num, except that a value which prec decimals would write as
// 0 keeps two significant digits (report.FormatFixed): 0.0015 ms,
// 0.00000015×. A report of a very fast engine read "0.00" for a TPOT that
// was not zero.
func numSig(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return num(v, prec)
	}
	return report.FormatFixed(v, prec)
}
