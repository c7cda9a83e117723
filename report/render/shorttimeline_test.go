package render

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/rundir"
)

// TestTimelineBinsOfAShortRun: a run whose records all end within 0.2 s (20
// requests refused at once by the server) has one point, over its two 0.1 s
// bins: 20 failed / 0.2 s = 100 per second at 0.1 s. The caption said the
// series were "averaged over 0.5 s bins", which would read 40 per second.
// BinS is the width the point was averaged over.
func TestTimelineBinsOfAShortRun(t *testing.T) {
	r := &Run{levels: map[float64]*levelData{}}
	var tl timelineAcc
	for i := range 20 {
		r.addRecord(&rundir.Record{SentNS: int64(i) * 1e7, DoneNS: int64(i)*1e7 + 1e6}, &tl)
	}
	r.finishTimeline(&tl)
	pts := r.timeline.Series[plot.FailedPerS]
	if len(pts) != 1 || pts[0].V != 100 || pts[0].T != 0.1 {
		t.Fatalf("failed/s %+v; want one point, 100 at 0.1 s", pts)
	}
	if r.timeline.BinS != 0.2 {
		t.Errorf("BinS = %g; want 0.2, the width its one point was averaged over", r.timeline.BinS)
	}
	r.timeline.Label = "short"
	if c := plot.TimelineFigure([]plot.Timeline{r.timeline}).Caption; !strings.Contains(c, "averaged over 0.2 s bins") {
		t.Errorf("caption %q; want it to say 0.2 s bins", c)
	}
}
