package cost

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// Under a cent, an amount keeps two significant digits: three decimals
// wrote $0.0005 as "$0.001" (twice the amount) beside "$0.00050" for
// $0.0004999, and a 577,000-tokens/s run's $/1M output tokens on three
// offers, $0.00142, $0.00119 and $0.00078, all as "$0.001" in the cost
// table and on the cost figure's bars.
func TestUSDKeepsTwoDigitsUnderACent(t *testing.T) {
	for _, v := range []float64{0.0005, 0.00078, 0.00119, 0.00142, 0.0025, 0.0049, 0.0075, 0.0099} {
		s := USD(v)
		got, err := strconv.ParseFloat(strings.TrimPrefix(s, "$"), 64)
		if err != nil || math.Abs(got/v-1) > 0.05 {
			t.Errorf("USD(%v) = %q; want it to two significant digits", v, s)
		}
	}
	// An amount that rounds to a cent is written as a cent is.
	if got, want := USD(0.0099996), USD(0.01); got != want {
		t.Errorf("USD(0.0099996) = %q; want %q, as USD(0.01)", got, want)
	}
}
