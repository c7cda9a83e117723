package plot

import (
	"slices"
	"testing"
)

// Tick labels under 0.01 keep their significant digits: a TPOT axis of a
// fast engine (0.0003 to 0.015 ms) read "0.001, 0.001, 0.002, 0.005"
// (0.0005 rounded to three decimals), and its lowest tick, 0.0003, read "0".
func TestFormatTickSmall(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0.0005, "0.0005"}, {0.0002, "0.0002"}, {0.0025, "0.0025"}, {1e-6, "0.000001"}, {0.016, "0.016"},
		{0.125, "0.125"}, {0.3 + 1e-17, "0.3"}, {-0.0005, "-0.0005"}, {0, "0"}} {
		if got := formatTick(tt.v); got != tt.want {
			t.Errorf("formatTick(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
	var labels []string
	for _, tk := range (logTicks{}).Ticks(0.0003, 0.015) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"0.0003", "0.0005", "0.001", "0.002", "0.005", "0.01"}; !slices.Equal(labels, want) {
		t.Errorf("log tick labels over 0.0003–0.015 = %q; want %q", labels, want)
	}
}
