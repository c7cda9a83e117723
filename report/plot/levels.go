package plot

import (
	"cmp"
	"fmt"
	"image/color"
	"iter"
	"math"
	"strings"
	"time"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
)

// Run is one run's per-level metrics, as the level plots need them.
type Run struct {
	// Label names the run in legends (e.g. "a100-80gb").
	Label string
	// Summary holds the run's levels and capacity at SLO.
	Summary *report.Summary
	// GPUs is the number of GPUs that served the run; values below 1 count as 1.
	GPUs int
	// NoGPU is true when the run saw no GPU (a CPU server, or telemetry
	// off): captions say so instead of "1 GPU".
	NoGPU bool
}

// percentileMarks are the latency percentiles drawn against throughput,
// each with its own marker shape (the run is told by colour and dashes).
func percentileMarks() []pctMark {
	return []pctMark{
		{"p50", func(d report.Dist) float64 { return d.P50 }, draw.CircleGlyph{}},
		{"p95", func(d report.Dist) float64 { return d.P95 }, draw.TriangleGlyph{}},
		{"p99", func(d report.Dist) float64 { return d.P99 }, draw.SquareGlyph{}},
	}
}

// pctMark is a percentile and its marker.
type pctMark struct {
	name  string
	of    func(report.Dist) float64
	glyph draw.GlyphDrawer
}

// sloPercentile is the percentile an SLO is judged at.
func sloPercentile(slo report.SLO) float64 {
	return cmp.Or(slo.Percentile, report.DefaultSLOPercentile)
}

// LatencyThroughput draws, for every run, TTFT (left) and TPOT (right)
// p50/p95/p99 against output tokens/s, one point per load level. The SLO
// thresholds are horizontal lines; each run's capacity at SLO is a vertical
// line at its throughput, and a ring marks the capacity level's point at the
// SLO percentile. Latency axes turn logarithmic when values span over 20×.
func LatencyThroughput(runs []Run, slo report.SLO) *Figure {
	pct := sloPercentile(slo)
	left := latencyPanel(runs, pct, "Time to first token", "TTFT", func(l *report.Level) report.Dist { return l.TTFTMS }, slo.TTFT,
		"no request with an output token")
	right := latencyPanel(runs, pct, "Time per output token", "TPOT", func(l *report.Level) report.Dist { return l.TPOTMS }, slo.TPOT,
		"no request with more than one output token")
	sharedLegend(left, runs, slo)

	caption := "TTFT and TPOT percentiles (p50 circle, p95 triangle, p99 square) against output tokens/s, one point per load level"
	if throughputsWide(runs) {
		caption = "TTFT and TPOT percentiles (p50 circle, p95 triangle, p99 square) against output tokens/s (steady state, all GPUs; a log axis: the levels' throughputs are more than two decades apart), one point per load level"
	}
	if !slo.IsZero() {
		caption += fmt.Sprintf("; SLO thresholds dashed-dotted; rings mark each run's capacity at SLO (the level whose p%g met every threshold, with at most %.1f %% of its requests failed, with the best output throughput; a lower bound when it is the highest level run)",
			pct, 100*slo.ErrorBudget())
	}
	return gridFigure("latency-throughput", "Latency against throughput", caption+"."+noSuccessNote(runs),
		11*vg.Inch, 5*vg.Inch, [][]*gplot.Plot{{left, right}})
}

// latencyPanel is one panel of LatencyThroughput: metric's p50/p95/p99 of
// every run against output tokens/s, the SLO limit (if > 0) and capacity.
// An empty panel says why: no successful requests, or, when some
// succeeded, short (none had the metric: TPOT needs two output tokens).
func latencyPanel(runs []Run, pct float64, title, metric string, of func(*report.Level) report.Dist, limit time.Duration, short string) *gplot.Plot {
	p := newPlot(title, "output tokens/s (steady state, all GPUs)", metric+" (ms)")
	p.X.Tick.Marker = compactTicks{}
	p.Y.Tick.Marker = compactTicks{}
	var all []float64
	for _, r := range runs {
		for i := range r.Summary.Levels {
			d := of(&r.Summary.Levels[i])
			all = append(all, d.P50, d.P95, d.P99)
		}
	}
	if limit > 0 {
		all = append(all, ms(limit))
	}
	logY := wideRange(all, 20)
	// Throughputs more than two decades apart on a log axis, as Pareto's.
	logX := throughputsWide(runs)
	if logX {
		// A short label, "log scale" on a line of its own: gonum (v0.17)
		// pads for a centred axis label as if it sat at the linear
		// midpoint of the range, near the right end of a log axis, and
		// "output tokens/s (steady state, all GPUs, log scale)" left a
		// third of each panel empty right of the data (the caption says
		// steady state, all GPUs).
		logAxis(&p.X)
		p.X.Label.Text = "output tokens/s\nlog scale"
	}
	if logY {
		// "log scale" on a line of its own: gonum (v0.17) pads the top of
		// a plot for its y label as if the label were centred at the
		// linear midpoint of the range, near the top of a log axis, so a
		// label longer than "TTFT (ms)" lowered the panel's data area
		// below its neighbour's title.
		p.Y.Label.Text = metric + " (ms)\nlog scale"
		logAxis(&p.Y)
	}
	drawn := false
	for ri, r := range runs {
		s := styleOf(ri)
		for _, pm := range percentileMarks() {
			var xys plotter.XYs
			for i := range r.Summary.Levels {
				l := &r.Summary.Levels[i]
				if d := of(l); d.N > 0 && l.OutputTokensPerS > 0 {
					xys = append(xys, plotter.XY{X: l.OutputTokensPerS, Y: pm.of(d)})
				}
			}
			xys = positive(xys, false, logY)
			if len(xys) == 0 {
				continue
			}
			drawn = true
			line, _ := plotter.NewLine(xys)
			line.LineStyle = s.line(1.4)
			sc, _ := plotter.NewScatter(xys)
			sc.GlyphStyle = draw.GlyphStyle{Color: s.Color, Radius: vg.Points(3), Shape: pm.glyph}
			p.Add(line, sc)
		}
		if c := r.Summary.Capacity; c != nil {
			p.Add(vLine{X: c.OutputTokensPerS, Style: draw.LineStyle{Color: s.Color, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}},
				Label: fmt.Sprintf("capacity %s", r.Label), LabelRow: ri, BelowLegend: true})
			for i := range r.Summary.Levels {
				l := &r.Summary.Levels[i]
				if l.Level == c.Level {
					if v := of(l).At(pct); v > 0 || !logY {
						ring, _ := plotter.NewScatter(plotter.XYs{{X: l.OutputTokensPerS, Y: v}})
						ring.GlyphStyle = draw.GlyphStyle{Color: s.Color, Radius: vg.Points(7.5), Shape: draw.RingGlyph{}}
						p.Add(ring)
					}
				}
			}
		}
	}
	if limit > 0 {
		h := hLine{Y: ms(limit), Style: draw.LineStyle{Color: color.Black, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(2), vg.Points(1), vg.Points(2)}}}
		p.Add(h)
		p.Legend.Add(fmt.Sprintf("SLO p%g ≤ %s", pct, limit), h)
		p.Y.Max = max(p.Y.Max, ms(limit)*1.05)
	}
	if !drawn {
		note := short
		if !anySuccess(runs) {
			note = "no successful requests"
		}
		p.Add(emptyNote{Text: note})
	}
	if logX {
		p.X.Min, p.X.Max = logFloor(p.X.Min/1.3), p.X.Max*1.5
	} else {
		p.X.Min = 0
	}
	if !logY {
		p.Y.Min = 0 // before the padding, which is a share of the axis's span
	}
	padLinear(p, !logX, !logY)
	if logY {
		p.Y.Max *= 1.3 // room above the highest marker on a log axis
		// Down to a labelled tick below the lowest marker: TTFTs of
		// 16–17 ms sat at the axis's bottom edge under its lowest label, 20.
		// Past five decades (the legend's headroom raises the top ×3 or
		// more) logTicks labels only powers of ten.
		lo := logFloor(p.Y.Min / 1.1)
		if 3*p.Y.Max/lo >= 1e5 {
			lo = math.Pow(10, math.Floor(math.Log10(lo)))
		}
		p.Y.Min = lo
	}
	return p
}

// logFloor returns the largest 1, 2 or 5 × 10^k at or below v (> 0), where
// logTicks writes a label; v itself when it is not positive.
func logFloor(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return v
	}
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{5, 2, 1} {
		if m*base <= v*(1+1e-9) {
			return m * base
		}
	}
	return base
}

// Pareto draws per-user decode speed (median output tokens/s a request
// saw) against output tokens/s per GPU, one point per load level, labelled
// with the level: the trade-off between serving many users and serving each
// one fast. Capacity at SLO is ringed.
func Pareto(runs []Run) *Figure {
	p := newPlot("", "output tokens/s per GPU", "per-user output tokens/s (p50)")
	p.X.Tick.Marker, p.Y.Tick.Marker = compactTicks{}, compactTicks{}
	// Speeds more than 20× apart (a level whose tokens were read in one
	// burst: 1.95M tok/s beside 100–130) are drawn on a log axis: on a
	// linear one every other level lay on the zero line.
	var speeds []float64
	for _, l := range levelsOf(runs) {
		if l.UserOutputTokensPerS.N > 0 && l.OutputTokensPerS > 0 {
			speeds = append(speeds, l.UserOutputTokensPerS.P50)
		}
	}
	logY := wideRange(speeds, 20)
	// Throughputs more than two decades apart (a CPU box's 6 tokens/s
	// beside a GPU's thousands) are drawn on a log axis too: on a linear
	// one the slow run's points lay on the y axis, its levels one blot.
	logX := wideRange(paretoThroughputs(runs), 100)
	if logX {
		logAxis(&p.X)
		p.X.Label.Text = "output tokens/s per GPU\nlog scale" // on its own line, as the latency figure's
	}
	if logY {
		logAxis(&p.Y)
		// On a line of its own, as latencyPanel's: gonum pads the top for
		// a long label as if centred at the linear midpoint of the range,
		// and "(p50, log scale)" left an empty band under the title.
		p.Y.Label.Text = "per-user output\ntokens/s (p50)\nlog scale"
	}
	drawn := false
	var levelTexts pointLabels
	var points []plotter.XYs // every run's, for the legend's place
	for ri, r := range runs {
		s := styleOf(ri)
		gpus := float64(max(1, r.GPUs))
		var xys plotter.XYs
		var labels []string
		var capXY *plotter.XY
		for _, l := range r.Summary.Levels {
			if l.UserOutputTokensPerS.N == 0 || l.OutputTokensPerS <= 0 {
				continue
			}
			xy := plotter.XY{X: l.OutputTokensPerS / gpus, Y: l.UserOutputTokensPerS.P50}
			if logY && !(xy.Y > 0) {
				continue // no place on a log axis
			}
			xys = append(xys, xy)
			labels = append(labels, fmt.Sprintf("%g", l.Level))
			if c := r.Summary.Capacity; c != nil && c.Level == l.Level {
				capXY = &xy
			}
		}
		if len(xys) == 0 {
			continue
		}
		drawn = true
		points = append(points, xys)
		_ = addSeries(p, r.Label, xys, s, 1)
		for i, xy := range xys {
			ts := labelStyle(8)
			ts.Color = s.Color
			dx, dy := 4.0, 3.0
			if capXY != nil && xy == *capXY {
				dx, dy = 9, 7 // clear of the ring (radius 7.5 pt)
			}
			levelTexts = append(levelTexts, pointLabel{X: xy.X, Y: xy.Y, Text: labels[i], DX: dx, DY: dy, Style: ts})
		}
		if capXY != nil {
			ring, _ := plotter.NewScatter(plotter.XYs{*capXY})
			ring.GlyphStyle = draw.GlyphStyle{Color: s.Color, Radius: vg.Points(7.5), Shape: draw.RingGlyph{}}
			p.Add(ring)
			// No other point's label is written across the ring.
			levelTexts = append(levelTexts, pointLabel{X: capXY.X, Y: capXY.Y, Ring: 7.5})
		}
	}
	p.Add(levelTexts) // after every run's series: placed clear of one another
	if !drawn {
		note := "no request with more than one output token"
		if !anySuccess(runs) {
			note = "no successful requests" // as the latency figure says
		}
		p.Add(emptyNote{Text: note})
	}
	if anyCapacity(runs) {
		p.Legend.Add("capacity at SLO", glyphThumb{Style: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(5), Shape: draw.RingGlyph{}}})
	}
	if logX {
		p.X.Min, p.X.Max = logFloor(p.X.Min/1.3), p.X.Max*1.5 // room right of the last point and its label
	} else {
		p.X.Min = 0
	}
	if logY {
		padLinear(p, !logX, false)
		p.Y.Min, p.Y.Max = logFloor(p.Y.Min/1.1), p.Y.Max*1.3 // room above the highest point and its label
	} else {
		p.Y.Min = 0
		padLinear(p, !logX, true)
	}
	// The legend goes in the first corner where it covers no point (nor
	// its label): bottom left, where a sweep seldom goes (its first level
	// is slow but fast per user, its last fast but slower per user), then
	// top right; a run far slower than another (a CPU server beside a GPU)
	// lies bottom left, under the legend that was always there. Where
	// every corner has points, the legend goes below the plot.
	corners := []struct{ top, left bool }{{false, true}, {true, false}, {true, true}, {false, false}}
	placed := false
	for _, c := range corners {
		p.Legend.Top, p.Legend.Left = c.top, c.left
		p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), vg.Points(8)
		if !c.left {
			p.Legend.XOffs = -vg.Points(8)
		}
		if c.top {
			p.Legend.YOffs = -vg.Points(8)
		}
		if !legendCovers(p, 8*vg.Inch, 5*vg.Inch, points) {
			placed = true
			break
		}
	}
	var names []string
	for _, r := range runs {
		if r.NoGPU {
			names = append(names, r.Label+" on no GPU seen (a CPU server or telemetry off: per box)")
			continue
		}
		names = append(names, fmt.Sprintf("%s on %s", r.Label, printable.Count(max(1, r.GPUs), "GPU")))
	}
	p.Title.Text = "Per-user speed against throughput per GPU"
	caption := "Median per-request decode speed (output tokens / (E2E − TTFT)) against the run's output tokens/s divided by its GPUs, one point per load level, labelled with the level; up and to the right is better (" + strings.Join(names, "; ") + ")." + noSuccessNote(runs)
	if !placed {
		f := legendBelowFigure("pareto", "Per-user speed against throughput per GPU", 8*vg.Inch, 5*vg.Inch, p)
		f.Caption = caption
		return f
	}
	return figureOf("pareto", "Per-user speed against throughput per GPU", caption, 8*vg.Inch, 5*vg.Inch, p)
}

// throughputsWide says whether the runs' levels' output tokens/s are more
// than two decades apart: the latency figure's x axis is then
// logarithmic, as the per-user speed figure's (paretoThroughputs).
func throughputsWide(runs []Run) bool {
	var xs []float64
	for _, l := range levelsOf(runs) {
		xs = append(xs, l.OutputTokensPerS)
	}
	return wideRange(xs, 100)
}

// paretoThroughputs are the x values of Pareto: each drawn level's output
// tokens/s per GPU.
func paretoThroughputs(runs []Run) []float64 {
	var xs []float64
	for r, l := range levelsOf(runs) {
		if l.UserOutputTokensPerS.N > 0 && l.OutputTokensPerS > 0 {
			xs = append(xs, l.OutputTokensPerS/float64(max(1, runs[r].GPUs)))
		}
	}
	return xs
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// sharedLegend puts the figure's one legend on the left panel: runs by
// line style, percentiles by marker, the capacity ring, and under an SLO
// each run that has none.
func sharedLegend(left *gplot.Plot, runs []Run, slo report.SLO) {
	for ri, r := range runs {
		s := styleOf(ri)
		l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}})
		l.LineStyle = s.line(1.6)
		left.Legend.Add(r.Label, l)
	}
	for _, pm := range percentileMarks() {
		left.Legend.Add(pm.name, glyphThumb{Style: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: pm.glyph}})
	}
	if anyCapacity(runs) {
		left.Legend.Add("capacity at SLO", glyphThumb{Style: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(5), Shape: draw.RingGlyph{}}})
	}
	if !slo.IsZero() {
		// A run without a ring says so in the image, for the PNG read
		// without its caption (which gives the reasons).
		for _, r := range runs {
			if r.Summary != nil && r.Summary.Capacity == nil && len(r.Summary.Levels) > 0 {
				left.Legend.Add(r.Label+": no level met the SLO", noThumb{})
			}
		}
	}
	left.Legend.Left = true
	legendHeadroom(left, latencyPanelHeight)
}

// noThumb is a legend entry's empty thumbnail: a line of text.
type noThumb struct{}

// Thumbnail implements gplot.Thumbnailer.
func (noThumb) Thumbnail(*draw.Canvas) {}

// latencyPanelHeight is about the height of a latency panel's data area
// (the 5 in figure less its titles and x axis).
const latencyPanelHeight = 280 * vg.Length(1)

// legendHeadroom raises p's y axis so that the top part of a data area of
// height h, as high as p's legend and 10 pt more (a third at least), is
// above the data and the SLO line: on a log axis by as many decades as
// that share of the axis's span (×3 was a tenth of a five-decade axis).
func legendHeadroom(p *gplot.Plot, h vg.Length) {
	r := p.Legend.Rectangle(draw.Canvas{})
	share := min(0.6, max(0.31, float64((r.Max.Y-r.Min.Y+vg.Points(10))/h)))
	if _, isLog := p.Y.Scale.(gplot.LogScale); isLog {
		if p.Y.Min > 0 && p.Y.Max > p.Y.Min {
			p.Y.Max *= max(3, math.Pow(p.Y.Max/p.Y.Min, share/(1-share)))
		}
		return
	}
	p.Y.Max = p.Y.Min + (p.Y.Max-p.Y.Min)/(1-share)
}

// anyCapacity reports whether a run has a capacity at SLO: without one
// (no SLO set, or none met) no ring is drawn, and the legend shows none.
func anyCapacity(runs []Run) bool {
	for _, r := range runs {
		if r.Summary != nil && r.Summary.Capacity != nil {
			return true
		}
	}
	return false
}

// anySuccess reports whether a level of any run had a successful request.
func anySuccess(runs []Run) bool {
	for _, l := range levelsOf(runs) {
		if l.Requests.OK > 0 {
			return true
		}
	}
	return false
}

// levelsOf yields every level of the runs' summaries, in order, with the
// index of its run (a run without a summary has none).
func levelsOf(runs []Run) iter.Seq2[int, *report.Level] {
	return func(yield func(int, *report.Level) bool) {
		for i, r := range runs {
			if r.Summary == nil {
				continue
			}
			for j := range r.Summary.Levels {
				if !yield(i, &r.Summary.Levels[j]) {
					return
				}
			}
		}
	}
}
