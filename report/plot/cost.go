package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/inferbench/inferbench/cost"
)

// CostBar is one bar of the cost figure: what Series (a run, i.e. a GPU)
// costs per 1M output tokens under Group (an offer kind).
type CostBar struct {
	// Group is the bar's group (an offer kind); Series its run.
	Group  string
	Series string
	// USDPer1M is the cost per 1M output tokens in USD.
	USDPer1M float64
	// Run is the index of Series among the report's runs (0 the first):
	// it picks the series' style, so that a run has the same colour, dash
	// and marker here as in every other figure. Bars of one Series share it.
	Run int
}

// CostBars draws cost per 1M output tokens as grouped bars: one group per
// offer kind, one bar per run, each bar labelled with its value, so the
// figure reads without colour. The caller says in title at which throughput
// (capacity at SLO) the costs were computed.
func CostBars(bars []CostBar, title string) *Figure {
	var groups, series []string
	var runOf []int
	for _, b := range bars {
		if !slices.Contains(groups, b.Group) {
			groups = append(groups, b.Group)
		}
		if !slices.Contains(series, b.Series) {
			series = append(series, b.Series)
			runOf = append(runOf, b.Run)
		}
	}
	p := newPlot(title, "offer kind", "$ per 1M output tokens")
	if len(bars) == 0 {
		p.Add(emptyNote{Text: "no priced run (GPU not in the catalog, or no throughput)"})
		return figureOf("cost", title, "", 8*vg.Inch, 5*vg.Inch, p)
	}
	p.NominalX(groups...)
	width := 0.8 / float64(len(series))
	top := 0.0
	var labels barLabels
	for si, name := range series {
		// The run's line colour, as in the other figures (a run was blue
		// here and black beside it).
		bs := &barSet{Fill: styleOf(runOf[si]).Color, Outline: draw.LineStyle{Color: color.Black, Width: vg.Points(0.6)}}
		for gi, g := range groups {
			if !slices.ContainsFunc(bars, func(b CostBar) bool { return b.Series == name && b.Group == g && b.USDPer1M > 0 }) {
				// Say why a bar is missing instead of leaving a gap.
				x0 := float64(gi) - 0.4 + float64(si)*width
				bs.Missing = append(bs.Missing, barRect{X0: x0, X1: x0 + width*0.92, Label: "no " + g + "\nprice in\nthe catalog"})
			}
		}
		for _, b := range bars {
			if b.Series != name || !(b.USDPer1M > 0) {
				continue
			}
			g := slices.Index(groups, b.Group)
			x0 := float64(g) - 0.4 + float64(si)*width
			bs.Rects = append(bs.Rects, barRect{X0: x0, X1: x0 + width*0.92, Y: b.USDPer1M, Label: usdLabel(b.USDPer1M)})
			top = max(top, b.USDPer1M)
		}
		p.Add(bs)
		p.Legend.Add(name, bs)
		labels.Bars = append(labels.Bars, bs.Rects...)
	}
	p.Add(labels) // after every bar
	var widest vg.Length
	for _, b := range labels.Bars {
		widest = max(widest, labelStyle(8).Width(b.Label))
	}
	headroom := 1.15 // above the highest bar: its label
	if costLabelsUpright(len(groups), len(series), widest) {
		headroom = 1.3 // a label standing upright
	}
	p.Y.Min, p.Y.Max = 0, top*headroom
	p.X.Min, p.X.Max = -0.6, float64(len(groups))-0.4
	p.Legend.Left = false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), -vg.Points(6)
	return figureOf("cost", title, "", 8*vg.Inch, 5*vg.Inch, p)
}

// usdLabel writes a dollar amount for a bar (cost.USD).
func usdLabel(v float64) string { return cost.USD(v) }

// barSet draws filled bars in data coordinates (their value labels are
// barLabels').
type barSet struct {
	Rects []barRect
	// Missing are the slots of bars that have no value, labelled why.
	Missing []barRect
	Fill    color.Color
	Outline draw.LineStyle
}

// barRect is one bar from X0 to X1, from 0 up to Y.
type barRect struct {
	X0, X1, Y float64
	Label     string
}

// Plot implements gplot.Plotter.
func (b *barSet) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range b.Rects {
		x0, x1, y0, y1 := trX(r.X0), trX(r.X1), trY(0), trY(r.Y)
		path := vg.Path{}
		path.Move(vg.Point{X: x0, Y: y0})
		path.Line(vg.Point{X: x1, Y: y0})
		path.Line(vg.Point{X: x1, Y: y1})
		path.Line(vg.Point{X: x0, Y: y1})
		path.Close()
		c.SetColor(b.Fill)
		c.Fill(path)
		c.SetLineStyle(b.Outline)
		c.Stroke(path)
	}
	for _, r := range b.Missing {
		ts := labelStyle(8)
		ts.XAlign, ts.Color = draw.XCenter, color.Gray{Y: 0x55}
		label := r.Label
		if ts.Width(label) > trX(r.X1)-trX(r.X0) {
			// Wider than its slot (six runs' slots are narrower than
			// "no reserved-1y"): one line reading upwards in the slot, as
			// the value labels stand, not lines over the neighbours' bars.
			label = strings.ReplaceAll(label, "\n", " ")
			ts.Rotation, ts.XAlign, ts.YAlign = math.Pi/2, draw.XLeft, draw.YCenter
		}
		c.FillText(ts, vg.Point{X: (trX(r.X0) + trX(r.X1)) / 2, Y: trY(0) + vg.Points(4)}, label)
	}
}

// DataRange implements gplot.DataRanger.
func (b *barSet) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, r := range b.Rects {
		xmin, xmax, ymax = min(xmin, r.X0), max(xmax, r.X1), max(ymax, r.Y)
	}
	if len(b.Rects) == 0 {
		return 0, 0, 0, 0
	}
	return xmin, xmax, 0, ymax
}

// Thumbnail implements gplot.Thumbnailer.
func (b *barSet) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	poly := c.ClipPolygonY(pts)
	c.FillPolygon(b.Fill, poly)
	c.StrokeLines(b.Outline, append(poly, poly[0]))
}

// APILine is a pay-per-token API in the crossover figure.
type APILine struct {
	// Label names the API in the legend.
	Label string
	// USDPer1M is its price per 1M tokens of the volume (blended).
	USDPer1M float64
}

// SelfHosted is a self-hosted option in the crossover figure: replicas of
// GPUsPerReplica GPUs, each serving CapacityTokensPerS (total tokens/s at
// its SLO; 0 = one replica serves any volume).
type SelfHosted struct {
	// Label names the option in the legend.
	Label string
	// GPUMonthUSD is one GPU always on for a month (730 h), in USD.
	GPUMonthUSD float64
	// GPUsPerReplica is the GPUs in one replica (values below 1 count as 1).
	GPUsPerReplica int
	// OpsMonthUSD is the fixed monthly cost of running GPUs, in USD.
	OpsMonthUSD float64
	// CapacityTokensPerS is one replica's measured capacity in total tokens/s.
	CapacityTokensPerS float64
	// Run is the index of the option's run among the report's runs (0 the
	// first): its step line is drawn in that run's style, as in every other
	// figure; the APIs take the styles after the highest Run.
	Run int
}

// monthlyUSD is what the option costs for a month of monthlyTokens, by the
// cost package's formulas (ReplicasNeeded, SelfHostedMonthlyUSD).
func (s SelfHosted) monthlyUSD(monthlyTokens float64) float64 {
	replicas := cost.ReplicasNeeded(monthlyTokens/cost.DaysPerMonth, s.CapacityTokensPerS)
	return cost.SelfHostedMonthlyUSD(replicas*max(1, s.GPUsPerReplica), s.GPUMonthUSD, s.OpsMonthUSD)
}

// Mark is a labelled point of the crossover figure (a break-even).
type Mark struct {
	// Label is written beside the ring.
	Label string
	// MonthlyTokens and MonthlyUSD place it.
	MonthlyTokens float64
	MonthlyUSD    float64
}

// CrossoverChart is what the crossover figure shows.
type CrossoverChart struct {
	// VolumeTokensPerDay is the stated volume, drawn as a vertical line; 0
	// leaves it out. VolumeDefault says no one stated it (a default), and
	// the line's label says so.
	VolumeTokensPerDay float64
	VolumeDefault      bool
	// APIs are drawn as straight lines, Options as step lines.
	APIs    []APILine
	Options []SelfHosted
	// BreakEvens are ringed and labelled.
	BreakEvens []Mark
}

// maxStepVertices bounds the vertices of one self-hosted step line.
const maxStepVertices = 800

// Crossover draws monthly cost against tokens per day (the unit of the
// stated volume and of every break-even; a month is cost.DaysPerMonth days)
// on log–log axes: each
// API a straight line (price × volume), each self-hosted option a step line
// (GPUs needed steps up each time the volume passes a multiple of one
// replica's monthly capacity), break-even points ringed, the stated volume
// a vertical line.
func Crossover(ch CrossoverChart) *Figure {
	// A short x label: gonum (v0.17) pads for a centred axis label as if it
	// sat at the linear midpoint of the range, near the right end of a log
	// axis, and a long one left an empty band right of the data (the
	// caption says a month is 30 days).
	p := newPlot("Monthly cost: APIs against self-hosting", "tokens per day (log scale)", "$ per month (log scale)")
	logAxis(&p.X)
	logAxis(&p.Y)
	var xs []float64
	if ch.VolumeTokensPerDay > 0 {
		xs = append(xs, cost.MonthlyTokens(ch.VolumeTokensPerDay))
	}
	for _, m := range ch.BreakEvens {
		if m.MonthlyTokens > 0 {
			xs = append(xs, m.MonthlyTokens)
		}
	}
	if len(xs) == 0 || (len(ch.APIs) == 0 && len(ch.Options) == 0) {
		p.Add(emptyNote{Text: "no volume or no option to compare"})
		p.X.Scale, p.Y.Scale = gplot.LinearScale{}, gplot.LinearScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = gplot.DefaultTicks{}, gplot.DefaultTicks{}
		return figureOf("crossover", "Crossover", "", 8*vg.Inch, 5.5*vg.Inch, p)
	}
	xmin, xmax := slices.Min(xs)/30, slices.Max(xs)*30
	xmin = max(xmin, 1e5)
	xmax = max(xmax, xmin*100)
	logSpace := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = xmin * math.Pow(xmax/xmin, float64(i)/float64(n-1))
		}
		return out
	}
	// The options are the runs, in their runs' styles; the APIs follow.
	i := 0
	for _, o := range ch.Options {
		i = max(i, o.Run+1)
	}
	var drawn []plotter.XYs // every series, for the legend's place
	for _, a := range ch.APIs {
		s := styleOf(i)
		i++
		var xys plotter.XYs
		for _, x := range logSpace(12) {
			xys = append(xys, plotter.XY{X: x, Y: cost.APIMonthlyUSD(x, a.USDPer1M)})
		}
		xys = positive(perDay(xys), true, true)
		drawn = append(drawn, xys)
		_ = addSeries(p, fmt.Sprintf("API %s, %s/1M", a.Label, cost.USDPrice(a.USDPer1M)), xys, s, 1)
	}
	for _, o := range ch.Options {
		s := styleOf(o.Run)
		xys := positive(perDay(stepLine(o, xmin, xmax)), true, true)
		l, _ := plotter.NewLine(xys)
		l.LineStyle = s.line(2.2)
		var marks plotter.XYs
		for _, x := range logSpace(9) {
			marks = append(marks, plotter.XY{X: x, Y: o.monthlyUSD(x)})
		}
		marks = positive(perDay(marks), true, true)
		drawn = append(drawn, xys, marks)
		sc, _ := plotter.NewScatter(marks)
		sc.GlyphStyle = s.glyph(3.2)
		p.Add(l, sc)
		p.Legend.Add(o.Label, l, sc)
	}
	addBreakEvens(p, ch.BreakEvens)
	for _, m := range ch.BreakEvens {
		drawn = append(drawn, positive(plotter.XYs{{X: m.MonthlyTokens / cost.DaysPerMonth, Y: m.MonthlyUSD}}, true, true)) // its ring
	}
	if ch.VolumeTokensPerDay > 0 {
		v := vLine{X: ch.VolumeTokensPerDay, Style: draw.LineStyle{Color: color.Black, Width: vg.Points(1),
			Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}, Label: volumeLabel(ch), BelowLegend: true}
		p.Add(v)
	}
	p.X.Min, p.X.Max = xmin/cost.DaysPerMonth, xmax/cost.DaysPerMonth
	// The legend sits inside, top left, where the APIs' lines start low
	// (cost grows with volume) and it takes no width; but a self-hosted
	// line is flat there at its GPU month, and six runs' legend of 13 rows
	// was written across six lines at $5,022. Where it would cover a line,
	// and where it has more rows than the corner holds (a third of the
	// plot), it goes below the plot, the figure taller by as much.
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(6)
	if r := p.Legend.Rectangle(draw.Canvas{}); r.Max.Y-r.Min.Y > vg.Points(130) || legendCovers(p, 9*vg.Inch, 6*vg.Inch, drawn) {
		return legendBelowFigure("crossover", "Crossover: APIs against self-hosting", 9*vg.Inch, 6*vg.Inch, p)
	}
	return figureOf("crossover", "Crossover: APIs against self-hosting", "", 9*vg.Inch, 6*vg.Inch, p)
}

// volumeLabel names the crossover's volume line: stated, or the default
// no one stated.
func volumeLabel(ch CrossoverChart) string {
	if ch.VolumeDefault {
		return fmt.Sprintf("default volume: %s tokens/day (none stated)", cost.Tokens(ch.VolumeTokensPerDay))
	}
	return fmt.Sprintf("stated volume: %s tokens/day", cost.Tokens(ch.VolumeTokensPerDay))
}

// stepLine returns the vertices of o's monthly cost from xmin to xmax
// monthly tokens: exact steps at every multiple of a replica's monthly
// capacity, or, with more steps than maxStepVertices allows, the cost at
// evenly spaced log volumes.
func stepLine(o SelfHosted, xmin, xmax float64) plotter.XYs {
	if !(o.CapacityTokensPerS > 0) {
		return plotter.XYs{{X: xmin, Y: o.monthlyUSD(xmin)}, {X: xmax, Y: o.monthlyUSD(xmax)}}
	}
	perReplica := o.CapacityTokensPerS * 86400 * cost.DaysPerMonth
	k0 := cost.ReplicasNeeded(xmin/cost.DaysPerMonth, o.CapacityTokensPerS)
	k1 := cost.ReplicasNeeded(xmax/cost.DaysPerMonth, o.CapacityTokensPerS)
	if 2*(k1-k0) > maxStepVertices {
		var xys plotter.XYs
		for i := range maxStepVertices {
			x := xmin * math.Pow(xmax/xmin, float64(i)/float64(maxStepVertices-1))
			xys = append(xys, plotter.XY{X: x, Y: o.monthlyUSD(x)})
		}
		return xys
	}
	xys := plotter.XYs{{X: xmin, Y: o.monthlyUSD(xmin)}}
	for k := k0; k < k1; k++ {
		edge := float64(k) * perReplica
		xys = append(xys, plotter.XY{X: edge, Y: o.monthlyUSD(edge * (1 - 1e-9))}, plotter.XY{X: edge, Y: o.monthlyUSD(edge * (1 + 1e-9))})
	}
	return append(xys, plotter.XY{X: xmax, Y: o.monthlyUSD(xmax)})
}

// perDay maps x from tokens per month (the cost formulas' unit) to tokens
// per day (the crossover axis), in place.
func perDay(xys plotter.XYs) plotter.XYs {
	for i := range xys {
		xys[i].X /= cost.DaysPerMonth
	}
	return xys
}

// addBreakEvens rings the break-even points: numbered on the chart and
// explained in the legend, since labels written beside them would cross
// the lines.
//
// Break-evens at one point (runs of the same GPU box and price) share one
// ring and one label ("1, 4, 6"), and the labels are placed clear of one
// another (pointLabels): seven runs' numbers were drawn over one another.
func addBreakEvens(p *gplot.Plot, marks []Mark) {
	n := 0
	ringThumb := glyphThumb{Style: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(5), Shape: draw.RingGlyph{}}}
	type spot struct{ x, y float64 }
	var spots []spot
	numbers := map[spot][]string{}
	for _, m := range marks {
		if !(m.MonthlyTokens > 0) || !(m.MonthlyUSD > 0) {
			continue
		}
		n++
		at := spot{m.MonthlyTokens / cost.DaysPerMonth, m.MonthlyUSD}
		if i := slices.IndexFunc(spots, func(s spot) bool {
			return math.Abs(math.Log(s.x/at.x)) < 1e-3 && math.Abs(math.Log(s.y/at.y)) < 1e-3
		}); i >= 0 {
			at = spots[i]
		} else {
			spots = append(spots, at)
		}
		numbers[at] = append(numbers[at], fmt.Sprint(n))
		if n == 1 {
			p.Legend.Add("break-even volumes:", ringThumb)
		}
		p.Legend.Add(fmt.Sprintf("%d: %s", n, m.Label))
	}
	var labels pointLabels
	for _, s := range spots {
		ring, _ := plotter.NewScatter(plotter.XYs{{X: s.x, Y: s.y}})
		ring.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(6), Shape: draw.RingGlyph{}}
		p.Add(ring)
		labels = append(labels, pointLabel{X: s.x, Y: s.y, Text: strings.Join(numbers[s], ", "), DX: 6, DY: 5, Style: labelStyle(9)})
	}
	p.Add(labels)
}
