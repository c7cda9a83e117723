package cost

import (
	"strings"
	"testing"
)

// Measured energy far above what the GPUs can draw is said beside the
// price it makes: --energy-joules 1e6 over --energy-window-s 1 (a
// megajoule in a second, a kJ-for-J or ms-for-s slip) priced one H100 at a
// megawatt, $202.56 an hour of electricity and $56.68 per 1M tokens, with
// nothing to say that 1,000,000 W is 1,429 times its 700 W board power.
func TestEnergyFarAboveTheBoardPowerIsSaid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		joules float64
		window float64
		gpus   int
		warned bool
	}{
		{"a megawatt on one H100", 1e6, 1, 1, true},
		{"700 W on one H100", 7000, 10, 1, false},
		{"5,000 W on eight H100s", 50000, 10, 8, false},
		{"5,000 W on one H100", 50000, 10, 1, true},
	} {
		var b strings.Builder
		err := RunCost(&b, CostOptions{GPU: "h100-sxm", GPUs: tc.gpus, Offer: "owned", OutputTPS: 1000, EnergyJ: tc.joules, EnergyWindowS: tc.window})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := strings.Contains(b.String(), "board power")
		if got != tc.warned {
			t.Errorf("%s: warned %v; want %v:\n%s", tc.name, got, tc.warned, b.String())
		}
	}
}
