package session

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestAdaptiveLevelReadsBoundedCounts: a server saying 1 output token for
// the 5 events it streamed is counted 5 tokens by the run's table
// (rundir.Record.BoundOutputTokens), and an adaptive level judges the
// same records so: its TPOT p95 and output tokens/s are the Summarizer's
// level's, and so is its verdict. It read the raw count: no TPOT (one
// token has none) and a fifth of the output tokens/s.
func TestAdaptiveLevelReadsBoundedCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		u := openAIFinal(1)
		o := adaptiveOptions(t, "http://mock")
		o.Kind = u.kind
		o.SLO = report.SLO{TPOT: 3 * time.Millisecond}
		o.Dial = serveBubble(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", u.contentType)
			for _, l := range u.lines {
				time.Sleep(2 * time.Millisecond)
				fmt.Fprint(w, l)
				w.(http.Flusher).Flush()
			}
		}))
		a, sum, _ := runAdaptive(t, o)
		if len(a.Levels) != 1 || len(sum.Levels) != 1 {
			t.Fatalf("adaptive levels %+v, summary levels %d; want one each", a.Levels, len(sum.Levels))
		}
		d, l := a.Levels[0], sum.Levels[0]
		if l.OutputTokens != 5*int64(l.Requests.OK) || l.OutputTokensSource[rundir.SourceEvents] != l.Requests.OK || l.TPOTMS.N != l.Requests.OK {
			t.Fatalf("summary: %d output tokens (%v) of %d requests, TPOT n=%d; want 5 each, bounded", l.OutputTokens, l.OutputTokensSource, l.Requests.OK, l.TPOTMS.N)
		}
		got := map[string]rundir.Interval{}
		for _, x := range d.Intervals {
			got[x.Name] = x
		}
		// Every request is timed alike: the judged sample's percentile is
		// the level's, and its long-run rate the window's within the ramp.
		if tp, ok := got["TPOT p95"]; !ok || math.Abs(tp.Value-l.TPOTMS.P95) > 1e-9 {
			t.Errorf("adaptive TPOT p95 %+v (intervals %+v); summary's %.4f ms", tp, d.Intervals, l.TPOTMS.P95)
		}
		if tps := got["output tokens/s"]; math.Abs(tps.Value-l.OutputTokensPerS) > 0.05*l.OutputTokensPerS {
			t.Errorf("adaptive output tok/s %.1f; summary's %.1f", tps.Value, l.OutputTokensPerS)
		}
		met, why := report.MeetsSLO(&l, o.SLO)
		if want := map[bool]string{true: "pass", false: "fail"}[met]; d.Verdict != want {
			t.Errorf("adaptive verdict %s; the summary's level %v %v", d.Verdict, met, why)
		}
	})
}
