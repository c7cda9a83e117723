package adaptive

import (
	"math"
	"testing"
)

// TestHalfWidthIsTheReach: --precision P stops a level once every interval
// lies within ±P of its value. An open level keeping up has its value and
// its upper end at the target: 25,600 [23,334, 25,600], 8.9 % below and 0
// above, was taken for ±4.4 % (half its width) and stopped as ±5 %
// precise; a percentile's [−3 %, +7 %] likewise passed as ±5 %. The
// precision of an interval is how far it reaches from its value, on the
// farther side.
func TestHalfWidthIsTheReach(t *testing.T) {
	for _, c := range []struct {
		e    Estimate
		want float64
	}{
		{Estimate{Value: 25600, Lo: 23334, Hi: 25600}, (25600 - 23334) / 25600.0},
		{Estimate{Value: 100, Lo: 97, Hi: 107}, 0.07},
		{Estimate{Value: 100, Lo: 95, Hi: 105}, 0.05},
		{Estimate{Value: -100, Lo: -104, Hi: -98}, 0.04},
		{Estimate{Value: 100, Lo: math.Inf(-1), Hi: 101}, math.Inf(1)},
	} {
		if got := c.e.HalfWidth(); math.Abs(got-c.want) > 1e-12 && got != c.want {
			t.Errorf("%+v: half-width %v; want %v", c.e, got, c.want)
		}
	}
}
