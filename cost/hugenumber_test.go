package cost

import (
	"strings"
	"testing"
)

// A number past what a float64 holds (1e400, a typo for 1e4) read "want a
// number, got a string": the decoder keeps it as text. It is said as the
// number it is, at its line.
func TestPricesFileSaysANumberPastRangeIsOne(t *testing.T) {
	for _, c := range []struct{ prices, at, lit string }{
		{offer("aws-p5-od", "        usd_per_gpu_hour: 1e400\n"), "5:27:", "1e400"},
		{offer("owned-8x", "        pue: -1e999\n"), "5:14:", "-1e999"},
		{"models:\n  - id: llama-3-8b\n    layers: 1e400\n", "3:13:", "1e400"},
	} {
		err := refusedAt(t, c.prices, c.at, c.lit)
		if err != nil && (strings.Contains(err.Error(), "string") || !strings.Contains(err.Error(), "a typo?")) {
			t.Errorf("%q: %q; want it said as a number out of range, a typo?", c.prices, err)
		}
	}
}
