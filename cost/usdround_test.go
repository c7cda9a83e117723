package cost

import "testing"

// An amount that rounds to $10 is written as $10 is, with cents: 9.9996
// read "$10.000", three decimals beside "$10.00" in the same column (the
// three-decimal style was chosen by the amount before rounding).
func TestUSDRoundsBeforeChoosingItsStyle(t *testing.T) {
	for _, c := range []struct{ v, as float64 }{{9.9996, 10}, {9.99999, 10}} {
		if got, want := USD(c.v), USD(c.as); got != want {
			t.Errorf("USD(%v) = %q; want %q, as USD(%v)", c.v, got, want, c.as)
		}
	}
}
