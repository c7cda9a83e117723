package plot

import (
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestTitleClearsTheMark: a figure's title, centred, that would be written
// over its SIMULATED mark (a trend of a long model name) moves right of the
// mark; a title that clears it stays centred.
func TestTitleClearsTheMark(t *testing.T) {
	dc := draw.New(vgimg.New(8*vg.Inch, 4.5*vg.Inch))
	ts := titleStyle()
	f := &Figure{Mark: SimulatedMark}
	markEnd := dc.Min.X + vg.Points(4) + markStyle().Width(SimulatedMark)
	long := "TTFT p95 over time — model " + strings.Repeat("a-very-long-model-name-", 2)
	if w := ts.Width(long); f.titleX(dc, w)-w/2 <= markEnd {
		t.Errorf("a long title's left edge %v is over the mark, which ends at %v", f.titleX(dc, w)-w/2, markEnd)
	}
	if w := ts.Width("TTFT p95 over time"); f.titleX(dc, w) != dc.Center().X {
		t.Error("a short title moved off the centre")
	}
	if w := ts.Width(long); (&Figure{}).titleX(dc, w) != dc.Center().X {
		t.Error("a title moved on a figure without a mark")
	}
}
