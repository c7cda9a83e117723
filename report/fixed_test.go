package report

import (
	"strings"
	"testing"
)

// TestFormatFixed: prec decimals, except a value they would write as 0,
// which keeps two significant digits.
func TestFormatFixed(t *testing.T) {
	for _, c := range []struct {
		v    float64
		prec int
		want string
	}{
		{0, 2, "0.00"}, {1.234, 2, "1.23"}, {0.01, 2, "0.01"}, {0.0015, 2, "0.0015"},
		{0.00123456, 2, "0.0012"}, {0.006, 2, "0.006"}, {0.00999, 2, "0.01"}, {-0.0015, 2, "-0.0015"}, {0.00000015, 2, "0.00000015"}, {1234.5, 0, "1234"},
	} {
		if got := FormatFixed(c.v, c.prec); got != c.want {
			t.Errorf("FormatFixed(%g, %d) = %q, want %q", c.v, c.prec, got, c.want)
		}
	}
}

// TestLatencyTableKeepsSmallValues: the terminal's latency table of a fast
// engine writes its TPOT of 1.5 µs as 0.002 ms (latencyText: three
// decimals at most); it wrote "0.00". Under a nanosecond is zero.
func TestLatencyTableKeepsSmallValues(t *testing.T) {
	l := &Level{TPOTMS: distOf([]float64{0.0015, 0.0015, 0.0015})}
	table, _ := latencyTable(l)
	var tpot string
	for line := range strings.Lines(table) {
		if strings.HasPrefix(strings.TrimSpace(line), "TPOT") {
			tpot = line
		}
	}
	// Equal values: a standard deviation of floating-point residue, 0.
	if f := strings.Fields(tpot); len(f) != 9 || strings.TrimSuffix(f[2], "*") != "0.002" || f[7] != "0.002" || f[8] != "0" {
		t.Errorf("TPOT row %q; want p50 and mean 0.002, stddev 0", tpot)
	}
}
