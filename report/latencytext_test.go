package report

import (
	"math"
	"testing"
)

// TestLatencyText: three significant digits, never more than three
// decimals, a whole number from 100 ms up, a value under half a
// microsecond that is not zero "<0.001", residue under a nanosecond 0.
func TestLatencyText(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {2e-19, "0"}, {-2e-19, "0"}, {1.42, "1.42"}, {1.4, "1.40"}, {24.89, "24.9"}, {0.0123, "0.012"}, {0.012345, "0.012"},
		{0.0999, "0.100"}, {0.00034, "<0.001"}, {0.000088, "<0.001"}, {-0.00034, ">-0.001"}, {0.0006, "0.001"}, {0.0015, "0.002"},
		{9.996, "10.0"}, {99.96, "100"}, {123.4, "123"}, {1234.6, "1235"}, {-3.14159, "-3.14"}, {math.NaN(), "NaN"}, {math.Inf(1), "+Inf"},
	} {
		if got := latencyText(c.v); got != c.want {
			t.Errorf("latencyText(%g) = %q, want %q", c.v, got, c.want)
		}
	}
}
