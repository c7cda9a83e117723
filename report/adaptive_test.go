package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestWriteTableAdaptive: an adaptive run's table says how each level
// stopped and on what interval, the capacity with its bracket, and the
// spend against the fixed sweep, from summary.json's adaptive section.
func TestWriteTableAdaptive(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	sum := &Summary{Levels: []Level{{Level: 32}}, Adaptive: &rundir.Adaptive{Precision: 0.05, Confidence: 0.95,
		Levels: []rundir.AdaptiveLevel{
			{Level: 32, Reason: "max duration", Verdict: "pass", N: 97, Judged: 97, WallS: 11.66,
				Intervals: []rundir.Interval{{Name: "TTFT p95", Value: 114.7, Lo: f(103)}, {Name: "error rate", Value: 0, Lo: f(0), Hi: f(0.1)}}},
			{Level: 64, Reason: "verdict certain", Verdict: "fail", Certain: true, N: 68, Judged: 54, WallS: 11.6,
				Intervals: []rundir.Interval{{Name: "TTFT p95", Value: 1877, Lo: f(1792)}}, Saturated: true, Saturation: "served 90% of the rate"},
		},
		Capacity: &rundir.AdaptiveCapacity{Found: true, Level: 48, OutputTokensPerS: rundir.Interval{Name: "output tokens/s", Value: 1766, Lo: f(1416), Hi: f(2115)},
			CertainFail: 56, Pass: 48, Fail: 56},
		Spend: &rundir.Spend{Requests: 530, FixedRequests: 1023, WallS: 58, FixedWallS: 100, SkippedFixedWallS: 50, Saved: 0.42}}}
	var b strings.Builder
	if err := WriteTable(&b, sum, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"adaptive levels: precision ±5%, 95% intervals with the repeated looks accounted for; output tokens/s is the level's long-run rate\n",
		"level  stopped          verdict         completed at stop  judged  wall s  intervals\n",
		"32     max duration     pass            97                 97      11.7    TTFT p95 114.7 ms [103, …]\n",
		"64     verdict certain  FAIL (certain)  68                 54      11.6    TTFT p95 1877 ms [1792, …]; SATURATED: served 90% of the rate\n",
		"capacity search: level 48, output tokens/s 1766 [1416, 2115]; knee between 48 (passes) and 56 (fails); certainly passes at none, certainly fails at 56\n",
		"spend: 530 requests, 58.0 s; a fixed sweep: 1023 requests, 100.0 s (42% saved; 50.0 s of the fixed sweep estimated for levels not run)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "error rate") {
		t.Errorf("the error rate's interval is not a column of the table:\n%s", out)
	}
	b.Reset()
	sum.Adaptive = nil
	WriteTable(&b, sum, nil)
	if strings.Contains(b.String(), "adaptive") || strings.Contains(b.String(), "spend") {
		t.Errorf("a fixed run shows adaptive lines:\n%s", b.String())
	}
}

// TestAdaptiveCells: a certain pass with two intervals and an error rate
// (left out), and a saturated level, whose saturation comes last under the
// caller's word.
func TestAdaptiveCells(t *testing.T) {
	lo, hi := 760.1, 871.0
	l := rundir.AdaptiveLevel{Verdict: "pass", Certain: true, Intervals: []rundir.Interval{
		{Name: "TTFT p95", Value: 812.4, Lo: &lo, Hi: &hi},
		{Name: "error rate", Value: 0},
		{Name: "TPOT p95", Value: 20, Lo: &lo},
	}}
	v, iv := AdaptiveCells(&l, "SATURATED")
	if v != "pass (certain)" || iv != "TTFT p95 812.4 ms [760.1, 871]; TPOT p95 20 ms [760.1, …]" {
		t.Errorf("AdaptiveCells = %q, %q", v, iv)
	}
	l = rundir.AdaptiveLevel{Verdict: "fail", Saturated: true, Saturation: "queue grows"}
	if v, iv := AdaptiveCells(&l, "saturated"); v != "FAIL" || iv != "saturated: queue grows" {
		t.Errorf("AdaptiveCells of a saturated level = %q, %q", v, iv)
	}
}
