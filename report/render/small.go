package render

import (
	"math"

	"github.com/inferbench/inferbench/report"
)

// times writes a ratio of two runs' values followed by ×, times2 without
// it: 2 decimals, except that a ratio under 0.1 keeps two significant
// digits (0.044, and under 0.01 report.FormatFixed: 0.0012, 0.00000015×);
// "-" for NaN (num). A run with a millionth of another's throughput read "serves
// 0.00× [0.00–0.00]".
func times(r float64) string { return times2(r) + "×" }

func times2(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return num(r, 2)
	}
	if a := math.Abs(r); a >= 0.01 && a < 0.1 {
		// Two significant digits, as under 0.01: "0.04" was 0.0437 and
		// 0.0350 alike, 25 or 29 times faster to a reader.
		if r2 := math.Round(r*1000) / 1000; math.Abs(r2) < 0.1 {
			return num(r2, 3)
		}
	}
	return report.FormatFixed(r, 2)
}
