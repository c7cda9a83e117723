package session

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/adaptive"
	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/report"
)

// lookRecorder is a recorder that is also told the adaptive looks.
type lookRecorder struct{ *recorder }

func (r lookRecorder) AdaptiveLook(d adaptive.Decision) {
	e := fmt.Sprintf("look %d of %g: %d judged", d.Look, d.Level, d.Judged)
	if d.Stop {
		e += ", stopped: " + d.Reason.String()
	}
	r.add(e)
}

// TestAdaptiveLooksObserved: an adaptive level tells its observers each
// look as it is taken and, before the level's end, the decision it stopped
// on; the live view shows the stop on the level's result line. A TTFT p95
// threshold of 1 ms against the fixed 5 ms settles a fail at the first
// look (50 judged or a few more: the 4 streams complete together).
func TestAdaptiveLooksObserved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 8)
		o.SLO = report.SLO{TTFT: time.Millisecond}
		rec := lookRecorder{newRecorder()}
		st := live.New(live.Options{Run: "t", SLO: o.SLO})
		o.Observers = []Observer{rec, Live(st)}
		a, _, _ := runAdaptive(t, o)
		j := a.Levels[0].Judged
		stop := fmt.Sprintf("look 1 of 4: %d judged, stopped: verdict certain", j)
		want := []string{"started", "level 4", stop, stop, "done 4", "end complete"}
		if got := rec.events; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("events %q;\nwant %q", got, want)
		}
		if len(rec.plans) != 1 || rec.plans[0].Requests != 0 {
			t.Errorf("level plans %+v; want one without a request count (the runner's is only a backstop)", rec.plans)
		}
		snap := st.Snapshot()
		if len(snap.Levels) != 1 || snap.Levels[0].Look == nil || len(snap.Levels[0].Look.Intervals) != 2 {
			t.Fatalf("live levels %+v; want one with its look's two intervals", snap.Levels)
		}
		f := live.Render(&snap, 200, false)
		if n := fmt.Sprintf("(stopped: verdict certain, %d judged)", j); len(f.Results) != 2 || !strings.HasSuffix(f.Results[1], n) {
			t.Errorf("result lines %q; want the level's ending in %q", f.Results, n)
		}
	})
}
