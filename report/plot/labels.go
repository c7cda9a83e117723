package plot

import (
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// levelLabelRows is how many rows of level labels a timeline panel holds
// under its top edge; a label that finds no free row is left out (its
// dotted line still marks the level).
const levelLabelRows = 2

// levelLabels writes the levels of one run at the top of a timeline panel,
// each right of its dotted line, moved down a row when it would run into
// its left neighbour's ("64", "128", "256" a few pixels apart read
// "64128256").
type levelLabels struct {
	Marks []LevelMark
	Color color.Color
}

// Plot implements gplot.Plotter.
func (l levelLabels) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	ts := labelStyle(8)
	ts.Color, ts.YAlign = l.Color, draw.YTop
	anchors := make([]vg.Length, len(l.Marks))
	widths := make([]vg.Length, len(l.Marks))
	for i, m := range l.Marks {
		anchors[i], widths[i] = trX(m.StartS), ts.Width(m.Label)
	}
	lefts, rows := placeLabels(anchors, widths, c.Max.X, levelLabelRows)
	for i, m := range l.Marks {
		if rows[i] < 0 {
			continue
		}
		pt := vg.Point{X: lefts[i], Y: trY(p.Y.Max) - vg.Points(2) - vg.Length(rows[i])*vg.Points(10)}
		c.FillText(ts, pt, m.Label)
	}
}

// placeLabels places labels of the given widths beside their anchors (x
// positions, in increasing order): right of the anchor by 3 pt, or left
// of it when that would pass maxX, in the first of rows rows where it
// clears the label before it by 2 pt. It returns each label's left edge
// and row, -1 for a label with no room in any row.
func placeLabels(anchors, widths []vg.Length, maxX vg.Length, rows int) (lefts []vg.Length, row []int) {
	gap := vg.Points(2)
	ends := make([]vg.Length, rows)
	for i := range ends {
		ends[i] = -1e9
	}
	lefts, row = make([]vg.Length, len(anchors)), make([]int, len(anchors))
	for i, x := range anchors {
		left := x + vg.Points(3)
		if left+widths[i] > maxX {
			left = x - vg.Points(3) - widths[i]
		}
		lefts[i], row[i] = left, -1
		for r := range ends {
			if ends[r]+gap <= left {
				row[i], ends[r] = r, left+widths[i]
				break
			}
		}
	}
	return lefts, row
}
