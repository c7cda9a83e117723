package report

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestIntervalStringWholeUnitsFromAThousand: %.4g wrote an adaptive
// level's 12,030 [12,028, 12,033] tok/s as "1.203e+04 [1.203e+04,
// 1.203e+04]", an interval of no width to the eye, and in an exponent no
// other number of the table uses. From 1,000 up a value is written in
// whole units; below, to four significant digits as before.
func TestIntervalStringWholeUnitsFromAThousand(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		x    rundir.Interval
		want string
	}{
		{rundir.Interval{Name: "output tokens/s", Value: 12030.4, Lo: f(12028.2), Hi: f(12033.1)}, "output tokens/s 12030 [12028, 12033]"},
		{rundir.Interval{Name: "output tokens/s", Value: 999.96, Lo: f(998.5), Hi: nil}, "output tokens/s 1000 [998.5, …]"},
		{rundir.Interval{Name: "TTFT p95", Value: 812.44, Lo: f(760.1), Hi: f(871)}, "TTFT p95 812.4 ms [760.1, 871]"},
		{rundir.Interval{Name: "error rate", Value: 0.0123, Lo: f(0.004), Hi: f(0.031)}, "error rate 0.0123 [0.004, 0.031]"},
	} {
		if got := IntervalString(c.x); got != c.want {
			t.Errorf("IntervalString(%+v) = %q; want %q", c.x, got, c.want)
		}
	}
}
