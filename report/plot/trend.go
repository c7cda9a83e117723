package plot

import (
	"fmt"
	"maps"
	"slices"
	"time"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// A TrendPoint is one run's value of a metric at one load level, at the
// run's start.
type TrendPoint struct {
	Start time.Time
	Level float64
	Value float64
}

// Trend draws a metric's history: one series per load level, the runs'
// start times (UTC) on the x axis, the value on the y axis (from 0), in the
// reports' fonts and series styles. title names the metric, subtitle the
// selection (scenario, model); yLabel carries the unit.
func Trend(title, subtitle, yLabel string, points []TrendPoint) (*Figure, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("trend: no values")
	}
	p := newPlot("", "run start (UTC)", yLabel)
	p.X.Tick.Marker = gplot.TimeTicks{Format: "2006-01-02\n15:04", Time: func(t float64) time.Time { return time.Unix(int64(t), 0).UTC() }}
	byLevel := map[float64]plotter.XYs{}
	var maxY float64
	for _, pt := range points {
		byLevel[pt.Level] = append(byLevel[pt.Level], plotter.XY{X: float64(pt.Start.Unix()), Y: pt.Value})
		maxY = max(maxY, pt.Value)
	}
	for i, lv := range slices.Sorted(maps.Keys(byLevel)) {
		if err := addSeries(p, fmt.Sprintf("level %g", lv), byLevel[lv], styleOf(i), 1); err != nil {
			return nil, err
		}
	}
	// Headroom for the legend above the lines, and a margin either side so
	// the first and last points are not cut by the frame.
	p.Y.Min, p.Y.Max = 0, 1.25*maxY
	if p.Y.Max == 0 {
		p.Y.Max = 1
	}
	span := p.X.Max - p.X.Min
	if span == 0 {
		span = 86400 // one run: a day either side
	}
	p.X.Min, p.X.Max = p.X.Min-0.04*span, p.X.Max+0.04*span
	heading := title
	if subtitle != "" {
		heading += " — " + subtitle
	}
	return gridFigure("trend", heading, "", 8*vg.Inch, 4.5*vg.Inch, [][]*gplot.Plot{{p}}), nil
}
