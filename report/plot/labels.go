package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
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

// A pointLabel is a label for a data point, written DX, DY points from it
// (by preference up and to the right).
type pointLabel struct {
	X, Y   float64
	Text   string
	DX, DY float64
	Style  text.Style
	// Ring, in points, makes the entry a ring of that radius around its
	// point (drawn elsewhere) that no label is written across; Text is
	// then empty.
	Ring float64
}

// pointLabels writes labels beside their points where they overlap no
// label written before them: up and right of the point, else down and
// right, up and left, down and left; a label with no free place is left
// out. Two runs' level labels near the same points ("1", "4", "16" of
// three runs) ran into one another ("14", "1610").
type pointLabels []pointLabel

// Plot implements gplot.Plotter.
func (ls pointLabels) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	var rings []vg.Rectangle
	var anchors []vg.Point
	var boxes []vg.Rectangle
	var texts []pointLabel
	for _, l := range ls {
		a := vg.Point{X: trX(l.X), Y: trY(l.Y)}
		if l.Ring > 0 {
			r := vg.Points(l.Ring)
			rings = append(rings, vg.Rectangle{Min: vg.Point{X: a.X - r, Y: a.Y - r}, Max: vg.Point{X: a.X + r, Y: a.Y + r}})
			continue
		}
		w, h := l.Style.Width(l.Text), l.Style.Height(l.Text)
		anchors, texts = append(anchors, a), append(texts, l)
		boxes = append(boxes, vg.Rectangle{Min: vg.Point{X: vg.Points(l.DX), Y: vg.Points(l.DY)}, Max: vg.Point{X: vg.Points(l.DX) + w, Y: vg.Points(l.DY) + h}})
	}
	at, ok := placePointLabels(anchors, boxes, c.Rectangle, rings)
	for i, l := range texts {
		if ok[i] {
			st := l.Style
			st.XAlign, st.YAlign = draw.XLeft, draw.YBottom
			c.FillText(st, at[i], l.Text)
		}
	}
}

// placePointLabels places each label's box (its offset from its anchor
// and size, placed up and right) at the first of four mirror places —
// up-right, down-right, up-left, down-left of the anchor — that lies in
// bounds and overlaps neither a box placed before it nor an obstacle (the
// square around a capacity ring). It returns the bottom-left corner of
// each placed box and whether it was placed.
func placePointLabels(anchors []vg.Point, boxes []vg.Rectangle, bounds vg.Rectangle, obstacles []vg.Rectangle) (at []vg.Point, ok []bool) {
	at, ok = make([]vg.Point, len(anchors)), make([]bool, len(anchors))
	placed := slices.Clone(obstacles)
	for i, a := range anchors {
		b := boxes[i]
		w, h := b.Max.X-b.Min.X, b.Max.Y-b.Min.Y
		for _, corner := range []vg.Point{
			{X: a.X + b.Min.X, Y: a.Y + b.Min.Y},     // up, right
			{X: a.X + b.Min.X, Y: a.Y - b.Min.Y - h}, // down, right
			{X: a.X - b.Min.X - w, Y: a.Y + b.Min.Y}, // up, left
			{X: a.X - b.Min.X - w, Y: a.Y - b.Min.Y - h},
		} {
			r := vg.Rectangle{Min: corner, Max: vg.Point{X: corner.X + w, Y: corner.Y + h}}
			if r.Min.X < bounds.Min.X || r.Max.X > bounds.Max.X || r.Min.Y < bounds.Min.Y || r.Max.Y > bounds.Max.Y || overlapsAny(r, placed) {
				continue
			}
			at[i], ok[i] = corner, true
			placed = append(placed, r)
			break
		}
	}
	return at, ok
}

func overlapsAny(r vg.Rectangle, rs []vg.Rectangle) bool {
	for _, o := range rs {
		if r.Min.X < o.Max.X && o.Min.X < r.Max.X && r.Min.Y < o.Max.Y && o.Min.Y < r.Max.Y {
			return true
		}
	}
	return false
}

// noSuccessNote names the levels of runs where no request succeeded,
// which the level figures cannot draw, as a caption sentence ("" when
// every level had one).
func noSuccessNote(runs []Run) string {
	var names []string
	for r, l := range levelsOf(runs) {
		if l.Requests.Total > 0 && l.Requests.OK == 0 {
			names = append(names, fmt.Sprintf("%s level %g", runs[r].Label, l.Level))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " Not drawn, no successful request: " + strings.Join(names, ", ") + "."
}

// barLabels writes every bar's value label above it: horizontal, or, when
// a label is wider than its bar (seven runs' bars are narrower than
// "$1.529"), every label turned a quarter turn to read upwards, each in its
// bar's column. Horizontal labels wider than their bars ran together
// ("$1.529$1.53").
type barLabels struct{ Bars []barRect }

// Plot implements gplot.Plotter.
func (l barLabels) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	ts := labelStyle(8)
	up := false
	for _, b := range l.Bars {
		up = up || ts.Width(b.Label) > trX(b.X1)-trX(b.X0)
	}
	ts.XAlign = draw.XCenter
	if up {
		ts.Rotation, ts.XAlign, ts.YAlign = math.Pi/2, draw.XLeft, draw.YCenter
	}
	for _, b := range l.Bars {
		c.FillText(ts, vg.Point{X: (trX(b.X0) + trX(b.X1)) / 2, Y: trY(b.Y) + vg.Points(2)}, b.Label)
	}
}

// costLabelsUpright estimates, before drawing, whether CostBars' labels
// will stand upright: the bars of a figure 8 in wide (about 500 pt of
// data) in groups of series bars, 0.8 of a group's width, each 0.92 of its
// slot, against the widest label.
func costLabelsUpright(groups, series int, widest vg.Length) bool {
	slot := vg.Points(500) / vg.Length(float64(groups)+0.2) * 0.8 / vg.Length(series) * 0.92
	return widest > slot
}
