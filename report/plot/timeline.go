package plot

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Quantity is one panel of the run timeline.
type Quantity string

// The timeline's quantities, drawn top to bottom in this order.
const (
	InFlight         Quantity = "in_flight"
	OutputTokensPerS Quantity = "output_tokens_per_s"
	// FailedPerS is failed requests per second, its panel drawn only when
	// some failed: a run with 9 % of its requests failed had a timeline of
	// steady load with nothing of the failures on it.
	FailedPerS     Quantity = "failed_per_s"
	GPUUtilization Quantity = "gpu_utilization_pct"
	GPUMemory      Quantity = "gpu_memory_gib"
	GPUPower       Quantity = "gpu_power_w"
	KVCache        Quantity = "kv_cache_pct"
)

// quantities lists the panels in order, with their axis labels.
func quantities() []struct {
	q     Quantity
	label string
	from  string
} {
	return []struct {
		q     Quantity
		label string
		from  string
	}{
		{InFlight, "requests in flight", "requests.jsonl"},
		{OutputTokensPerS, "output tokens/s", "requests.jsonl"},
		{FailedPerS, "failed requests/s", "requests.jsonl"},
		{GPUUtilization, "GPU util. (%)", "gpu.jsonl"},
		{GPUMemory, "GPU memory (GiB)", "gpu.jsonl"},
		{GPUPower, "GPU power (W)", "gpu.jsonl"},
		{KVCache, "KV cache use (%)", "server.jsonl"},
	}
}

// Point is one value of a timeline quantity at T seconds from the run's start.
type Point struct{ T, V float64 }

// LevelMark is where a load level's measured window starts on the timeline.
type LevelMark struct {
	// StartS is the window's start in seconds from the run's start.
	StartS float64
	// Label is written at the line's top (the level).
	Label string
}

// Timeline is one run's quantities over time.
type Timeline struct {
	// Label names the run in the legend.
	Label string
	// Series holds each quantity's points in time order; a quantity the run
	// did not record is absent.
	Series map[Quantity][]Point
	// Levels marks the start of each load level's measured window.
	Levels []LevelMark
	// BinS is the width in seconds of the bins the in-flight and output
	// tokens/s series are averaged over (0: not stated).
	BinS float64
}

// TimelineFigure stacks the quantities the runs recorded on one time axis,
// one panel each, every run overlaid in its own style. Dotted vertical
// lines mark the start of each load level's measured window, labelled with
// the level in the top panel. Quantities no run recorded are left out and
// named in the caption.
func TimelineFigure(runs []Timeline) *Figure {
	var panels []*gplot.Plot
	var missing []string
	legend := gplot.NewLegend()
	legend.TextStyle.Font = font.From(sansFont(), 9)
	legend.ThumbnailWidth = vg.Points(28)
	inLegend := map[int]bool{}
	tMax := 0.0
	for _, r := range runs {
		for _, pts := range r.Series {
			for _, pt := range pts {
				tMax = max(tMax, pt.T)
			}
		}
		// A level that started after the last binned point (every request
		// of it failed within the last bin) is still on the axis.
		for _, m := range r.Levels {
			tMax = max(tMax, m.StartS)
		}
	}
	for _, q := range quantities() {
		has := false
		for _, r := range runs {
			has = has || len(r.Series[q.q]) > 0 && (q.q != FailedPerS || slices.ContainsFunc(r.Series[q.q], func(p Point) bool { return p.V > 0 }))
		}
		if !has {
			if q.q != FailedPerS { // absent: none failed
				missing = append(missing, fmt.Sprintf("%s (no %s)", q.label, q.from))
			}
			continue
		}
		p := newPlot("", "", q.label)
		p.Y.Label.TextStyle.Font.Size = 9
		p.Y.Tick.Marker = compactTicks{}
		for ri, r := range runs {
			s := styleOf(ri)
			pts := r.Series[q.q]
			if len(pts) > 0 {
				xys := make(plotter.XYs, len(pts))
				for i, pt := range pts {
					xys[i] = plotter.XY{X: pt.T, Y: pt.V}
				}
				l, _ := plotter.NewLine(xys)
				l.LineStyle = s.line(1.2)
				var marks plotter.XYs
				every := max(1, len(xys)/10)
				for i := (ri * every / 3) % every; i < len(xys); i += every {
					marks = append(marks, xys[i])
				}
				sc, _ := plotter.NewScatter(marks)
				sc.GlyphStyle = s.glyph(2.6)
				p.Add(l, sc)
				if !inLegend[ri] {
					inLegend[ri] = true
					legend.Add(r.Label, l, sc)
				}
			}
			for _, m := range r.Levels {
				p.Add(vLine{X: m.StartS, Style: draw.LineStyle{Color: s.Color, Width: vg.Points(0.5),
					Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}})
			}
			if len(panels) == ri && len(r.Levels) > 0 {
				p.Add(levelLabels{Marks: r.Levels, Color: s.Color}) // run ri's levels are labelled in panel ri
			}
		}
		p.X.Min, p.X.Max = 0, tMax
		p.X.Tick.Marker = unlabelled{}
		p.Y.Min = 0
		if q.q == GPUUtilization || q.q == KVCache {
			p.Y.Max = max(p.Y.Max, 100)
			p.Y.Tick.Marker = percentTicks{}
		}
		if len(panels) < len(runs) {
			p.Y.Max *= 1.4 // room for two rows of level labels
		}
		p.Legend.Top, p.Legend.Left = true, false
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		p := newPlot("", "time since run start (s)", "")
		p.Add(emptyNote{Text: "no records"})
		panels = append(panels, p)
	}
	panels[len(panels)-1].X.Label.Text = "time since run start (s)"
	panels[len(panels)-1].X.Tick.Marker = plainTicks{}
	rows := make([][]*gplot.Plot, len(panels))
	for i, p := range panels {
		rows[i] = []*gplot.Plot{p}
	}
	caption := timelineCaption(runs, missing)
	h := vg.Length(len(panels))*1.55*vg.Inch + 0.6*vg.Inch
	return gridFigureLegend("timeline", "Run timeline", caption, 10*vg.Inch, h, rows, &legend)
}

// timelineBins names the runs' bin widths ("0.5 s"; "0.5 s (a), 1 s (b)"
// when they differ), "" when none is stated.
func timelineBins(runs []Timeline) string {
	var widths []string
	var first float64
	same := true
	for _, r := range runs {
		if r.BinS > 0 {
			first = cmp.Or(first, r.BinS)
			same = same && r.BinS == first
			widths = append(widths, fmt.Sprintf("%g s (%s)", r.BinS, r.Label))
		}
	}
	switch {
	case len(widths) == 0:
		return ""
	case same:
		return fmt.Sprintf("%g s", first)
	}
	return strings.Join(widths, ", ")
}

// timelineCaption says what the timeline's panels show, the bins of the
// request series and the quantities not recorded (missing).
func timelineCaption(runs []Timeline, missing []string) string {
	caption := "In-flight requests, output tokens/s and failed requests/s (every failed attempt at its end; drawn when any failed) from the request records (all stages), GPU utilization (mean over GPUs), memory and power (summed over GPUs) from gpu.jsonl, KV-cache use from server.jsonl; dotted lines in each run's colour mark where each level's measured window starts (the first run's levels labelled in the first panel, the second run's in the second, and so on)."
	if bins := timelineBins(runs); bins != "" {
		caption += " The request series are averaged over " + bins + " bins: a level shorter than a bin shows less than its rate in the tables."
	}
	if len(missing) > 0 {
		caption += " Not recorded: " + strings.Join(missing, ", ") + "."
	}
	return caption
}

// percentTicks are compactTicks up to 100: a percentage axis raised above
// 100 for the level labels read "120".
type percentTicks struct{}

// Ticks implements gplot.Ticker.
func (percentTicks) Ticks(lo, hi float64) []gplot.Tick {
	ticks := compactTicks{}.Ticks(lo, hi)
	return slices.DeleteFunc(ticks, func(t gplot.Tick) bool { return t.Value > 100 })
}

// plainTicks are gonum's default linear ticks written without trailing
// zeros (trimFloat) and without k or M, for a time axis in seconds: the
// default labels of a 51-second run read "0.00", "25.00", "50.00".
type plainTicks struct{}

// Ticks implements gplot.Ticker.
func (plainTicks) Ticks(lo, hi float64) []gplot.Tick { return labelledTicks(lo, hi, trimFloat) }
