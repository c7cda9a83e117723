package history

import (
	"fmt"
	"image/color"
	"io"
	"maps"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/inferbench/inferbench/report/compare"
)

// TrendPlot draws a metric's trend: one line per load level, the run's
// start time on the x axis, its value on the y axis, a point per run
// (readable in grey: each level also has its own marker and dash). points
// come from Store.Trend. subtitle names the selection (scenario, model).
func TrendPlot(metric string, points []Point, subtitle string) (*plot.Plot, error) {
	m, ok := compare.LookupMetric(metric)
	if !ok {
		return nil, fmt.Errorf("trend: unknown metric %q", metric)
	}
	if len(points) == 0 {
		return nil, fmt.Errorf("trend: no %s values in the history", metric)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s over time", m.Title)
	if subtitle != "" {
		p.Title.Text += "\n" + subtitle
	}
	p.X.Label.Text = "run start (UTC)"
	unit := m.Unit
	scale := 1.0
	if m.Points {
		unit, scale = "%", 100
	}
	p.Y.Label.Text = fmt.Sprintf("%s (%s)", m.Title, unit)
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02\n15:04", Time: func(t float64) time.Time { return time.Unix(int64(t), 0).UTC() }}
	p.Add(plotter.NewGrid())
	byLevel := map[float64]plotter.XYs{}
	for _, pt := range points {
		byLevel[pt.Level] = append(byLevel[pt.Level], plotter.XY{X: float64(pt.Started.Unix()), Y: pt.Value * scale})
	}
	shades := []color.Gray{{Y: 0}, {Y: 90}, {Y: 150}}
	dashes := [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}}
	glyphs := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}}
	for i, lv := range slices.Sorted(maps.Keys(byLevel)) {
		line, pts, err := plotter.NewLinePoints(byLevel[lv])
		if err != nil {
			return nil, fmt.Errorf("trend: level %g: %w", lv, err)
		}
		line.Color = shades[i%len(shades)]
		line.Width = vg.Points(1.5)
		line.Dashes = dashes[i%len(dashes)]
		pts.Shape = glyphs[i%len(glyphs)]
		pts.Color = shades[i%len(shades)]
		pts.Radius = vg.Points(3)
		p.Add(line, pts)
		p.Legend.Add(fmt.Sprintf("level %g", lv), line, pts)
	}
	// Headroom for the legend above the lines, and a margin either side so
	// the first and last points are not cut by the frame.
	p.Legend.Top = true
	var maxY float64
	for _, pt := range points {
		maxY = max(maxY, pt.Value*scale)
	}
	p.Y.Min, p.Y.Max = 0, 1.25*maxY
	if p.Y.Max == 0 {
		p.Y.Max = 1
	}
	span := p.X.Max - p.X.Min
	if span == 0 {
		span = 86400 // one run: a day either side
	}
	p.X.Min, p.X.Max = p.X.Min-0.04*span, p.X.Max+0.04*span
	return p, nil
}

// WriteTrendPlot writes p to w as "png" or "svg", 8 × 4.5 inches.
func WriteTrendPlot(w io.Writer, p *plot.Plot, format string) error {
	if format != "png" && format != "svg" {
		return fmt.Errorf("trend plot: format %q: want png or svg", format)
	}
	wt, err := p.WriterTo(8*vg.Inch, 4.5*vg.Inch, format)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}
