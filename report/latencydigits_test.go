package report

import (
	"strings"
	"testing"
)

// TestLatencyTableDigits: every latency column of the table (each
// percentile, mean, stddev) has three significant digits and three
// decimals at most (latencyText). A TTFT of 0.0123 ms read 0.01, an ITL
// of 0.00034 ms 0.00034 (two decimals, else two significant digits), an
// E2E of 24.89 ms 24.89, a TPOT of 1234.6 ms 1234.60, the stddev of equal
// values 0.00.
func TestLatencyTableDigits(t *testing.T) {
	l := &Level{
		TTFTMS: distOf([]float64{0.0123, 0.0123, 0.0123}),
		ITLMS:  distOf([]float64{0.00034, 0.00034, 0.00034}),
		E2EMS:  distOf([]float64{24.89, 24.89, 24.89}),
		TPOTMS: distOf([]float64{1234.6, 1234.6, 1234.6}),
	}
	table, _ := latencyTable(l)
	rows := map[string][]string{}
	for line := range strings.Lines(table) {
		f := strings.Fields(line)
		rows[f[0]] = f
	}
	for name, want := range map[string][]string{
		"TTFT": {"0.012", "0.012", "0.012", "0.012", "0.012", "0.012", "0"},
		"ITL":  {"<0.001", "<0.001", "<0.001", "<0.001", "<0.001", "<0.001", "0"},
		"E2E":  {"24.9", "24.9", "24.9", "24.9", "24.9", "24.9", "0"},
		"TPOT": {"1235", "1235", "1235", "1235", "1235", "1235", "0"},
	} {
		f := rows[name]
		if len(f) != 9 {
			t.Errorf("%s row %q: want 9 columns", name, f)
			continue
		}
		for i, w := range want {
			if got := strings.TrimSuffix(f[2+i], "*"); got != w {
				t.Errorf("%s row %q: column %d is %q, want %q", name, f, 2+i, got, w)
			}
		}
	}
}
