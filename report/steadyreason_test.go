package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSteadyLineSaysWhyNone: the table's line for a level without a steady
// state gives the reason that holds. A level whose requests all failed (a
// server answering 500 to each) has no request to place in time; it read
// "no steady state: too few requests beyond the ramp", which sent the user
// to raise -n when no count would do. A level of one request (c=1, n=1)
// has a steady span shorter than a request.
func TestSteadyLineSaysWhyNone(t *testing.T) {
	const ms = int64(1e6)
	failed := NewSummarizer(SLO{})
	for i := range 3 {
		sent := int64(i) * 10 * ms
		failed.Add(&rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, Worker: i, SentNS: sent, EndNS: sent + ms, DoneNS: sent + ms,
			Status: 500, ErrorClass: rundir.ErrorClass("http_5xx")})
	}
	one := NewSummarizer(SLO{})
	one.Add(&rundir.Record{ID: 0, Stage: rundir.StageMeasure, Level: 1, SentNS: ms, FirstTokenNS: 2 * ms, EndNS: 3 * ms, DoneNS: 3 * ms,
		OK: true, OutputTokens: 2, Chunks: [][2]int64{{2 * ms, 1}, {3 * ms, 1}}})
	for _, c := range []struct {
		name      string
		s         *Summarizer
		want, not string
	}{
		{"every request failed", failed, "no steady state: no successful request", "too few requests"},
		{"one request", one, "no steady state: from the ramp's end to the last send is less than one mean request duration", "no successful request"},
	} {
		l := c.s.Close().Levels[0]
		if l.Steady != nil {
			t.Fatalf("%s: steady state %+v; want none", c.name, l.Steady)
		}
		got := steadyLine(&l)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("%s: %q; want %q, not %q", c.name, got, c.want, c.not)
		}
	}
}
