package plot

import (
	"bytes"
	"testing"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A level label is not written across a capacity ring: in a qualification
// of the demo's A100 (levels 48, 56 and 64 within 140 tok/s of one
// another) against a two-GPU box, level 56's label was placed up and to
// the right of its point, inside the ring around level 48 just above it,
// and read as part of the ring.
func TestPointLabelsClearRings(t *testing.T) {
	cv := vgsvg.New(200, 200)
	c := draw.New(cv)
	p := gplot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 100, 0, 100
	ring := pointLabel{X: 50, Y: 50, Ring: 7.5}
	label := pointLabel{X: 49, Y: 46, Text: "56", DX: 4, DY: 3, Style: labelStyle(8)}
	pointLabels{ring, label}.Plot(c, p)
	var b bytes.Buffer
	if _, err := cv.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	trX, trY := p.Transforms(&c)
	r := vg.Points(ring.Ring)
	ringBox := vg.Rectangle{Min: vg.Point{X: trX(ring.X) - r, Y: trY(ring.Y) - r}, Max: vg.Point{X: trX(ring.X) + r, Y: trY(ring.Y) + r}}
	found := false
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		if tx.text != "56" {
			continue
		}
		found = true
		x, y := vg.Length(tx.x), vg.Length(tx.y)
		box := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + label.Style.Width("56"), Y: y + label.Style.Height("56")}}
		if overlapsAny(box, []vg.Rectangle{ringBox}) {
			t.Errorf("label %q at (%.1f, %.1f) pt is written across the ring around (%.1f, %.1f) pt", tx.text, tx.x, tx.y, trX(ring.X), trY(ring.Y))
		}
	}
	if !found {
		t.Error(`label "56" not drawn`)
	}
}
