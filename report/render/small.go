package render

import (
	"math"

	"github.com/inferbench/inferbench/report"
)

// times writes a ratio of two runs' values followed by ×, times2 without
// it: 2 decimals, except that a ratio they would write as 0 keeps two
// significant digits (report.FormatFixed): 0.0012, 0.00000015×; "-" for
// NaN (num). A run with a millionth of another's throughput read "serves
// 0.00× [0.00–0.00]".
func times(r float64) string { return times2(r) + "×" }

func times2(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return num(r, 2)
	}
	return report.FormatFixed(r, 2)
}
