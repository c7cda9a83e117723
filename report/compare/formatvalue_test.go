package compare

import (
	"math"
	"testing"
)

// TestFormatValueKeepsSmallLatencies: compare's table and Markdown write a
// latency under 0.01 ms with two significant digits, as report and history
// do, instead of "0.00"; other values are as before.
func TestFormatValueKeepsSmallLatencies(t *testing.T) {
	ms, tps, pts := Row{Unit: "ms"}, Row{Unit: "tok/s"}, Row{Unit: "%", Points: true}
	for _, tc := range []struct {
		r    Row
		v    float64
		want string
	}{
		{ms, 0.0015, "0.0015"},
		{ms, 0.006, "0.006"},
		{ms, 0.012, "0.01"},
		{ms, 12.345, "12.35"},
		{ms, 1234.5, "1234.5"},
		{ms, 0, "0.00"},
		{tps, 0.0015, "0.00"},
		{pts, 0.025, "2.50%"},
		{ms, math.NaN(), "n/a"},
	} {
		if got := formatValue(tc.r, tc.v); got != tc.want {
			t.Errorf("formatValue(%s, %g) = %q, want %q", tc.r.Unit, tc.v, got, tc.want)
		}
	}
}
