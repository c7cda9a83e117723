package report

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/rundir"
)

// writeAdaptive adds an adaptive run's stops, capacity bracket and spend
// to the terminal table (nothing for fixed levels).
func writeAdaptive(b *strings.Builder, a *rundir.Adaptive) {
	if a == nil {
		return
	}
	fmt.Fprintf(b, "\nadaptive levels: precision ±%g%%, %.0f%% intervals with the repeated looks accounted for; output tokens/s is the level's long-run rate\n",
		100*a.Precision, 100*a.Confidence)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	// The count is the stop's (rundir.AdaptiveLevel.N): the requests then
	// in flight completed too and are in the level's table, and the spend.
	fmt.Fprintln(tw, "level\tstopped\tverdict\tcompleted at stop\tjudged\twall s\tintervals")
	for _, l := range a.Levels {
		verdict, intervals := AdaptiveCells(&l, "SATURATED")
		fmt.Fprintf(tw, "%g\t%s\t%s\t%d\t%d\t%.1f\t%s\n", l.Level, l.Reason, verdict, l.N, l.Judged, l.WallS, intervals)
	}
	tw.Flush()
	if a.Ended != "" {
		fmt.Fprintf(b, "levels ended: %s\n", a.Ended)
	}
	if c := a.Capacity; c != nil {
		b.WriteString(CapacityLine(c) + "\n")
	}
	if s := a.Spend; s != nil {
		b.WriteString(SpendLine(s) + "\n")
	}
}

// AdaptiveCells are an adaptive level's verdict ("pass (certain)") and its
// intervals ("TTFT p95 812.4 ms [760.1, 871.0]; …", the error rate's left
// out), a saturation last, led by saturated ("SATURATED: …"), as the
// terminal table and the report print them.
func AdaptiveCells(l *rundir.AdaptiveLevel, saturated string) (verdict, intervals string) {
	verdict = VerdictWord(l.Verdict)
	if l.Certain {
		verdict += " (certain)"
	}
	var iv []string
	for _, x := range l.Intervals {
		if x.Name != "error rate" {
			iv = append(iv, IntervalString(x))
		}
	}
	if l.Saturated {
		iv = append(iv, saturated+": "+l.Saturation)
	}
	return verdict, strings.Join(iv, "; ")
}

// VerdictWord is an SLO verdict as people read it, in every table and
// line: "FAIL" for "fail" (as run.json and summary.json store it), so that
// it stands out; any other as it is ("pass", "unjudged").
func VerdictWord(v string) string {
	if v == "fail" {
		return "FAIL"
	}
	return v
}

// IntervalString is "TTFT p95 812.4 ms [760.1, 871.0]", with "…" for an
// end the data could not bound. Four significant digits, a value of 1,000
// or more in whole units: %.4g wrote 12,030 [12,028, 12,033] tok/s as
// "1.203e+04 [1.203e+04, 1.203e+04]", an interval of no width to the eye.
func IntervalString(x rundir.Interval) string {
	end := func(p *float64) string {
		if p == nil {
			return "…"
		}
		return intervalNumber(*p)
	}
	return fmt.Sprintf("%s %s%s [%s, %s]", x.Name, intervalNumber(x.Value), IntervalUnit(x.Name), end(x.Lo), end(x.Hi))
}

// intervalNumber is v to four significant digits, in whole units from
// 1,000 up (never an exponent there).
func intervalNumber(v float64) string {
	if math.Abs(v) >= 1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// IntervalUnit is what follows an adaptive interval's value: " ms" for a
// latency percentile ("TTFT p95"), as the level tables give latencies in
// ms; nothing for output tokens/s, whose name says its unit, or the error
// rate, a fraction. Without it "TTFT p95 1474 [1373, 1576]" left the
// reader to guess.
func IntervalUnit(name string) string {
	for _, m := range []string{"TTFT ", "TPOT ", "ITL ", "E2E "} {
		if strings.HasPrefix(name, m) {
			return " ms"
		}
	}
	return ""
}

// CapacityLine is the capacity search's answer in words, with its bracket.
func CapacityLine(c *rundir.AdaptiveCapacity) string {
	if !c.Found {
		return "capacity search: no level passed"
	}
	s := fmt.Sprintf("capacity search: level %g, %s", c.Level, IntervalString(c.OutputTokensPerS))
	switch {
	case c.LowerBound:
		s += " (a lower bound: no level failed)"
	case c.Fail > 0:
		s += fmt.Sprintf("; knee between %g (passes) and %g (fails)", c.Pass, c.Fail)
	}
	if c.CertainPass > 0 || c.CertainFail > 0 {
		s += fmt.Sprintf("; certainly passes at %s, certainly fails at %s", levelOrNone(c.CertainPass), levelOrNone(c.CertainFail))
	}
	return s
}

func levelOrNone(x float64) string {
	if x == 0 {
		return "none"
	}
	return fmt.Sprintf("%g", x)
}

// SavedWords is the share of a fixed sweep's time an adaptive run saved,
// "48% saved", or, when it spent more (--max-requests above --requests),
// "16% more": never a negative saving for the reader to decode.
func SavedWords(saved float64) string {
	if math.Round(100*saved) < 0 {
		return fmt.Sprintf("%.0f%% more", -100*saved)
	}
	return fmt.Sprintf("%.0f%% saved", 100*saved)
}

// SpendLine is the run's spend against a fixed sweep of the same levels.
func SpendLine(s *rundir.Spend) string {
	line := fmt.Sprintf("spend: %d requests, %.1f s; a fixed sweep: %d requests, %.1f s", s.Requests, s.WallS, s.FixedRequests, s.FixedWallS)
	if s.FixedWallS > 0 {
		line += " (" + SavedWords(s.Saved)
		if s.SkippedFixedWallS > 0 {
			line += fmt.Sprintf("; %.1f s of the fixed sweep estimated for levels not run", s.SkippedFixedWallS)
		}
		line += ")"
	}
	return line
}
