package render

import (
	"math"
	"testing"
)

// A positive value too small for its decimals keeps two significant
// digits: a fast engine's TPOT of 0.0015 ms read "0.00" in the report's
// tables, and a run with a millionth of another's throughput "serves
// 0.00× [0.00–0.00]". A ratio under 0.1 keeps two as well: the demo's
// per-level TTFT p95 ratio of 0.0437 read "0.04× [0.04–0.05]", 25 times
// faster to a reader where the runs measured 22.9.
func TestSmallValuesKeepDigits(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{msv(0.0015), "0.0015"},
		{msv(0.00015), "0.00015"},
		{msv(0.05), "0.05"},
		{msv(0), "0.00"},
		{msv(2.345), "2.35"},
		{msv(60060), "60060"},
		{times(1.5e-7), "0.00000015×"},
		{times(0.004), "0.004×"},
		{times(0.31), "0.31×"},
		{times(3.24), "3.24×"},
		{times2(0.0123), "0.012"},
		{times(0.0437), "0.044×"},
		{times2(0.0372), "0.037"},
		{times2(0.0999), "0.10"},
		{times2(0.0012), "0.0012"},
		{times2(1.5e-7), "0.00000015"},
		{times2(math.NaN()), "-"},
	} {
		if c.got != c.want {
			t.Errorf("got %q; want %q", c.got, c.want)
		}
	}
}
