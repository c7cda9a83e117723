package adaptive

import (
	"math"
	"testing"
)

// TestReachIsOnTheFartherSide: --precision P stops a level once every interval
// lies within ±P of its value. An open level keeping up has its value and
// its upper end at the target: 25,600 [23,334, 25,600], 8.9 % below and 0
// above, was taken for ±4.4 % (half its width) and stopped as ±5 %
// precise; a percentile's [−3 %, +7 %] likewise passed as ±5 %. The
// precision of an interval is how far it reaches from its value, on the
// farther side.
func TestReachIsOnTheFartherSide(t *testing.T) {
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
		if got := c.e.Reach(); math.Abs(got-c.want) > 1e-12 && got != c.want {
			t.Errorf("%+v: reach %v; want %v", c.e, got, c.want)
		}
	}
}

// TestEstimateStringOfNoValue: an estimate of no value (NaN: a level whose
// sending ended before its fill) is said unknown on the stop line, not
// written as run.json's 0 ("output tokens/s 0 […, …]" read as a level
// that served nothing).
func TestEstimateStringOfNoValue(t *testing.T) {
	e := Estimate{Name: "output tokens/s", Value: math.NaN(), Lo: math.Inf(-1), Hi: math.Inf(1)}
	if got := e.String(); got != "output tokens/s unknown" {
		t.Errorf("String = %q; want %q", got, "output tokens/s unknown")
	}
	if got := (Estimate{Name: "TTFT p95", Value: 812.44, Lo: 760.1, Hi: math.Inf(1)}).String(); got != "TTFT p95 812.4 ms [760.1, …]" {
		t.Errorf("String = %q", got)
	}
}
