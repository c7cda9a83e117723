package plot

import (
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
	"time"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A TrendPoint is one run's value of a metric at one load level, at the
// run's start.
type TrendPoint struct {
	Start time.Time
	Level float64
	Value float64
	// NewLevel marks a run accepted as a new level on purpose (history add
	// --new-level): the trend draws a dashed line at its start.
	NewLevel bool
	// Part is the run's part of a sharded run's load ("shard 0/2", "shard
	// 0 of 2 merged (partial)": report.PartOfLoad), "" for a whole run. A
	// part's throughput is not the server's: its points are left out of
	// their level's line and drawn as a series of their own, one per part
	// (runs sharded alike are like for like), in hollow markers on a
	// dotted line, the legend naming the part.
	Part string
}

// Trend draws a metric's history: one series per load level, the runs'
// start times (UTC) on the x axis, the value on the y axis (from 0), in the
// reports' fonts and series styles. title names the metric, subtitle the
// selection (scenario, model); yLabel carries the unit. ceiling, when not
// 0, is the most the metric can be (100 for a percentage): the axis, which
// runs past the values to leave the legend room, labels no tick above it
// (an error rate's axis read 140 %).
func Trend(title, subtitle, yLabel string, ceiling float64, points []TrendPoint) (*Figure, error) {
	p, err := trendPlot(yLabel, points)
	if err != nil {
		return nil, err
	}
	if ceiling > 0 {
		p.Y.Tick.Marker = ceilingTicks{p.Y.Tick.Marker, ceiling}
	}
	heading := title
	if subtitle != "" {
		heading += " — " + subtitle
	}
	return gridFigure("trend", heading, "", 8*vg.Inch, 4.5*vg.Inch, [][]*gplot.Plot{{p}}), nil
}

// ceilingTicks are inner's ticks at or under max.
type ceilingTicks struct {
	inner gplot.Ticker
	max   float64
}

// Ticks implements gplot.Ticker.
func (c ceilingTicks) Ticks(lo, hi float64) []gplot.Tick {
	return slices.DeleteFunc(c.inner.Ticks(lo, hi), func(t gplot.Tick) bool { return t.Value > c.max })
}

// series is one line of a figure: its legend label, points and style.
type series struct {
	label string
	xys   plotter.XYs
	style seriesStyle
}

// trendSeries are the trend's lines: one per level of the whole runs
// ("level 8"), and beside it one per part of the load its shards or
// partial merges measured ("level 8, shard 0/2: part of the load",
// partStyle), left out of the whole runs' line.
func trendSeries(points []TrendPoint) []series {
	byLevel := map[float64]map[string]plotter.XYs{} // by level, by part ("" whole)
	for _, pt := range points {
		if byLevel[pt.Level] == nil {
			byLevel[pt.Level] = map[string]plotter.XYs{}
		}
		byLevel[pt.Level][pt.Part] = append(byLevel[pt.Level][pt.Part], plotter.XY{X: float64(pt.Start.Unix()), Y: pt.Value})
	}
	var out []series
	for i, lv := range slices.Sorted(maps.Keys(byLevel)) {
		// The whole runs' "" first, then each part with a marker of its own.
		j := 0
		for _, part := range slices.Sorted(maps.Keys(byLevel[lv])) {
			s := series{label: fmt.Sprintf("level %g", lv), xys: byLevel[lv][part], style: styleOf(i)}
			if part != "" {
				s.label += ", " + part + ": part of the load"
				s.style = partStyle(s.style, j)
				j++
			}
			out = append(out, s)
		}
	}
	return out
}

// partStyle is the style of a level's series of runs that measured part of
// the load (TrendPoint.Part): the level's colour, a dotted line and a
// hollow marker, the j-th part's own.
func partStyle(level seriesStyle, j int) seriesStyle {
	hollow := [...]draw.GlyphDrawer{draw.RingGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}}
	level.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
	level.Glyph = hollow[j%len(hollow)]
	return level
}

// trendPanelHeight is about the height of the trend's data area (the
// 4.5 in figure less its title and two-line time axis).
const trendPanelHeight = 250 * vg.Length(1)

// trendPlot is Trend's plot: a series per level, the legend's rows above
// the lines.
func trendPlot(yLabel string, points []TrendPoint) (*gplot.Plot, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("trend: no values")
	}
	p := newPlot("", "run start (UTC)", yLabel)
	p.X.Tick.Marker, p.Y.Tick.Marker = timeTicks{}, compactTicks{}
	var maxY float64
	for _, pt := range points {
		maxY = max(maxY, pt.Value)
	}
	for _, s := range trendSeries(points) {
		if err := addSeries(p, s.label, s.xys, s.style, 1); err != nil {
			return nil, err
		}
	}
	marked := map[int64]bool{}
	for _, pt := range points {
		if x := pt.Start.Unix(); pt.NewLevel && !marked[x] {
			p.Add(vLine{X: float64(x), Style: draw.LineStyle{Color: color.Gray{Y: 96}, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}},
				Label: "new level", LabelRow: len(marked) % 2, BelowLegend: true})
			marked[x] = true
		}
	}
	// Headroom for the legend above the lines (as many rows as levels), and
	// a margin either side so the first and last points are not cut by the
	// frame.
	p.Y.Min, p.Y.Max = 0, maxY
	if p.Y.Max == 0 {
		p.Y.Max = 1
	}
	legendHeadroom(p, trendPanelHeight)
	span := p.X.Max - p.X.Min
	if span == 0 {
		span = 86400 // one run: a day either side
	}
	p.X.Min, p.X.Max = p.X.Min-0.04*span, p.X.Max+0.04*span
	return p, nil
}

// timeTicks marks a time axis of Unix seconds at round UTC times — every 5
// minutes, 6 hours, day, Monday, first of a month… — the step chosen so
// that at most maxTimeTicks fall in the span, each labelled as precisely as
// the step needs (gonum's TimeTicks puts them at arbitrary instants: a
// nightly trend read "07:13", "15:46").
type timeTicks struct{}

// maxTimeTicks is the most labelled ticks on a time axis.
const maxTimeTicks = 6

// timeSteps are the round steps shorter than a month, in order.
var timeSteps = []time.Duration{
	time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour,
}

// Ticks implements gplot.Ticker.
func (timeTicks) Ticks(lo, hi float64) []gplot.Tick {
	from, to := time.Unix(int64(math.Ceil(lo)), 0).UTC(), time.Unix(int64(math.Floor(hi)), 0).UTC()
	span := to.Sub(from)
	for _, step := range timeSteps {
		if span/step > maxTimeTicks {
			continue
		}
		format := "2006-01-02\n15:04"
		switch {
		case step < time.Minute:
			format = "2006-01-02\n15:04:05"
		case step >= 24*time.Hour:
			format = "2006-01-02"
		}
		t := from.Truncate(step) // whole steps since the epoch: UTC midnights for days
		if step == 7*24*time.Hour || step == 14*24*time.Hour {
			t = from.Truncate(24 * time.Hour)
			t = t.AddDate(0, 0, (8-int(t.Weekday()))%7) // the first Monday
		}
		var ticks []gplot.Tick
		for ; !t.After(to); t = t.Add(step) {
			if !t.Before(from) {
				ticks = append(ticks, gplot.Tick{Value: float64(t.Unix()), Label: t.Format(format)})
			}
		}
		return ticks
	}
	// Months: the first of a month, every 1, 3, 6 or 12 of them.
	for _, n := range []int{1, 3, 6, 12, 24, 60} {
		if span.Hours()/(24*30.4*float64(n)) > maxTimeTicks && n < 60 {
			continue
		}
		var ticks []gplot.Tick
		m := (int(from.Month()) - 1 + n - 1) / n * n // the first multiple of n months from January
		for t := time.Date(from.Year(), time.Month(m+1), 1, 0, 0, 0, 0, time.UTC); !t.After(to); t = t.AddDate(0, n, 0) {
			if !t.Before(from) {
				ticks = append(ticks, gplot.Tick{Value: float64(t.Unix()), Label: t.Format("2006-01")})
			}
		}
		return ticks
	}
	return nil
}
