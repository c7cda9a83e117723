package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"sync"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The bins of a LogHist: LogHistPerDecade bins per decade from
// LogHistMin to LogHistMin × 10^LogHistDecades (1 µs to 1,000 s when values
// are in milliseconds).
const (
	LogHistMin       = 1e-3
	LogHistDecades   = 9
	LogHistPerDecade = 200
)

// A LogHist counts positive values in fixed logarithmic bins, so a
// distribution of any number of values (every inter-token gap of a run) is
// held in constant memory (1,800 counters). Bin i covers
// [LogHistMin·10^(i/200), LogHistMin·10^((i+1)/200)): each bin is 1.16 %
// wide, the relative error of a value read back from its bin. Values below
// LogHistMin (zero included) and at or above the top are counted apart.
// The zero value is not usable; call NewLogHist. Not safe for concurrent use.
type LogHist struct {
	counts      []int64
	under, over int64
	bins        *binTable
}

// NewLogHist returns an empty LogHist.
func NewLogHist() *LogHist {
	return &LogHist{counts: make([]int64, LogHistDecades*LogHistPerDecade), bins: binTables()}
}

// binOf returns the bin of v, -1 below the range and len(counts) above it:
// the last bin whose lower edge (binTable.edges) is at or below v. It is
// called for every inter-token gap of a run (a million records of 64
// tokens: 63 million calls), so it takes no logarithm: the float's
// exponent and top mantissa bits pick a slot, which names the bin of the
// slot's lowest value, and a slot is narrower than a bin, so that v lies
// at most one edge above it.
func (h *LogHist) binOf(v float64) int {
	t := h.bins
	if !(v >= LogHistMin) { // also NaN
		return -1
	}
	if v >= t.edges[len(t.edges)-1] { // also +Inf
		return len(h.counts)
	}
	i := int(t.slots[math.Float64bits(v)>>binSlotShift-t.slotBase])
	if v >= t.edges[i+1] {
		i++
	}
	return i
}

// logBin is the bin of v ≥ LogHistMin by its definition, the floor of
// LogHistPerDecade × log10(v/LogHistMin), as binOf computed it before its
// tables: binTable.edges are the values where it steps, so that binOf bins every
// value as it did.
func logBin(v float64) int {
	return int(math.Floor(math.Log10(v/LogHistMin) * LogHistPerDecade))
}

// A binTable is what binOf reads.
type binTable struct {
	// edges[i] is the least float64 that logBin puts in bin i or above,
	// for i from 0 to the number of bins (the top of the range).
	edges []float64
	// slots[s] is the bin of slot slotBase+s's lowest value (the first
	// slot's: LogHistMin's), up to the slot of the top of the range.
	slots []uint16
	// slotBase is the slot of LogHistMin.
	slotBase uint64
}

// binTables returns the one binTable, made the first time (0.4 ms).
var binTables = sync.OnceValue(func() *binTable {
	edges := logBinEdges()
	return &binTable{edges: edges, slots: slotBins(edges), slotBase: math.Float64bits(LogHistMin) >> binSlotShift}
})

// A slot of binOf's table is a float64's sign, exponent and top 8 mantissa
// bits: 256 slots an octave, each at most 1/256 = 0.39 % wide, a third of
// a bin (1.16 %).
const binSlotShift = 52 - 8

// logBinEdges returns the values where logBin steps: from each bin's
// lower edge as binLow computes it (at most 32 ulps from the step, on
// amd64), down while logBin puts it in the bin, then up until it does.
func logBinEdges() []float64 {
	edges := make([]float64, LogHistDecades*LogHistPerDecade+1)
	for i := range edges {
		e := max(binLow(i), LogHistMin)
		for logBin(e) >= i && e > LogHistMin {
			e = math.Nextafter(e, 0)
		}
		for logBin(e) < i {
			e = math.Nextafter(e, math.Inf(1))
		}
		edges[i] = e
	}
	return edges
}

// slotBins returns binTable.slots for edges.
func slotBins(edges []float64) []uint16 {
	base := math.Float64bits(LogHistMin) >> binSlotShift
	top := math.Float64bits(edges[len(edges)-1]) >> binSlotShift
	slots := make([]uint16, top-base+1)
	bin := 0
	for s := range slots {
		low := max(math.Float64frombits((base+uint64(s))<<binSlotShift), LogHistMin)
		for bin+1 < len(edges)-1 && edges[bin+1] <= low { // the top slot's values at the top are over: binOf tests them first
			bin++
		}
		slots[s] = uint16(bin)
	}
	return slots
}

// binLow returns the lower edge of bin i.
func binLow(i int) float64 { return LogHistMin * math.Pow(10, float64(i)/LogHistPerDecade) }

// Add counts the value v, count times.
func (h *LogHist) Add(v float64, count int64) {
	switch i := h.binOf(v); {
	case i < 0:
		h.under += count
	case i >= len(h.counts):
		h.over += count
	default:
		h.counts[i] += count
	}
}

// N returns the number of values counted, in range or not.
func (h *LogHist) N() int64 {
	n := h.under + h.over
	for _, c := range h.counts {
		n += c
	}
	return n
}

// Quantile returns the lower edge of the bin that holds the q-quantile
// (0 ≤ q ≤ 1) of the counted values: within 1.16 % below the value.
// It returns 0 when the quantile falls below the range or nothing was
// counted, and the top of the range when it falls above.
func (h *LogHist) Quantile(q float64) float64 {
	n := h.N()
	if n == 0 {
		return 0
	}
	rank := max(int64(math.Ceil(q*float64(n))), 1)
	if h.under >= rank {
		return 0
	}
	return binLow(h.binAt(h.under, rank))
}

// binAt returns the bin where the count of values, seen before the first
// bin and then bin by bin, reaches rank; len(counts) where it does not.
func (h *LogHist) binAt(seen, rank int64) int {
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			return i
		}
	}
	return len(h.counts)
}

// inRangeBin returns the bin holding the q-quantile of the values within
// the bins, those counted apart (under LogHistMin, over the top) left out,
// or -1 when there are none: the range of a histogram is set by what it
// can draw (8 % of a level's gaps under 1 µs put its 1 % quantile under
// the bins, and the axis at 0.001 ms).
func (h *LogHist) inRangeBin(q float64) int {
	var n int64
	for _, c := range h.counts {
		n += c
	}
	if n == 0 {
		return -1
	}
	rank := max(int64(math.Ceil(q*float64(n))), 1)
	return min(h.binAt(0, rank), len(h.counts)-1)
}

// histRange returns the bins of the lowest 1 % and highest 99 % quantile
// of the curves' in-bin values (hi < 0: none), and whether any curve
// counted a value at all.
func histRange(curves []HistCurve) (lo, hi int, counted bool) {
	lo, hi = math.MaxInt, -1
	for _, c := range curves {
		if c.Hist == nil || c.Hist.N() == 0 {
			continue
		}
		counted = true
		a, b := c.Hist.inRangeBin(histLowQ), c.Hist.inRangeBin(histHighQ)
		if a < 0 {
			continue // every value under or over the bins
		}
		lo, hi = min(lo, a), max(hi, b)
	}
	return lo, hi, counted
}

// HistCurve is one distribution of a histogram figure.
type HistCurve struct {
	// Label names the curve in the legend; Hist holds its values in ms.
	Label string
	Hist  *LogHist
}

// The quantiles that bound the histogram's range: tokens delivered in one
// read arrive microseconds apart, and a few stalls last seconds; drawn to
// scale, either would squeeze the bulk of the distribution into a few bars.
const (
	histLowQ  = 0.01
	histHighQ = 0.99
)

// ITLHistogram draws the distribution of inter-token latency, per token, of
// each curve as a step outline of the share of tokens per bin, on a log
// axis of milliseconds. The bins are groups of LogHist bins, so no value is
// re-binned across an edge; the range covers the 1–99 % quantiles of all
// curves, and the caption gives each curve's share outside it.
func ITLHistogram(curves []HistCurve, title string) *Figure {
	// A short x label: gonum (v0.17) pads for a centred axis label as if it
	// sat at the linear midpoint of the range, near the right end of a log
	// axis; "inter-token latency per token (ms, log scale)" left a band of
	// 60 pt empty right of the data. logAxis adds ", log scale".
	p := newPlot("", "ITL per token (ms)", "share of tokens (%)")
	p.Y.Tick.Marker = compactTicks{}
	lo, hi, counted := histRange(curves)
	var outside []string
	switch {
	case hi < 0 && counted:
		p.Add(emptyNote{Text: "every inter-token gap under 1 µs or over 1,000 s (outside the bins)"})
	case hi < 0:
		p.Add(emptyNote{Text: "no inter-token gaps (no request had two token events)"})
	default:
		lo, hi = max(0, lo-10), min(LogHistDecades*LogHistPerDecade-1, hi+10)
		group := max(1, (hi-lo+1+47)/48)
		lo -= lo % group
		logAxis(&p.X)
		for ci, c := range curves {
			if c.Hist == nil || c.Hist.N() == 0 {
				continue
			}
			s := styleOf(ci)
			n := float64(c.Hist.N())
			var outline, centres plotter.XYs
			in := int64(0)
			for k := lo; k <= hi; k += group {
				var sum int64
				for i := k; i < k+group && i < len(c.Hist.counts); i++ {
					sum += c.Hist.counts[i]
				}
				in += sum
				share := 100 * float64(sum) / n
				left, right := binLow(k), binLow(k+group)
				outline = append(outline, plotter.XY{X: left, Y: share}, plotter.XY{X: right, Y: share})
				centres = append(centres, plotter.XY{X: math.Sqrt(left * right), Y: share})
			}
			l, _ := plotter.NewLine(outline)
			l.LineStyle = s.line(1.5)
			var marks plotter.XYs
			for i, xy := range centres {
				if xy.Y > 0 && i%3 == ci%3 {
					marks = append(marks, xy)
				}
			}
			sc, _ := plotter.NewScatter(marks)
			sc.GlyphStyle = s.glyph(2.8)
			p.Add(l, sc)
			p.Legend.Add(c.Label, l, sc)
			if out := 100 * (n - float64(in)) / n; out > 0 {
				outside = append(outside, fmt.Sprintf("%s %.2f %%", c.Label, out))
			}
		}
		p.Y.Min = 0
		padLinear(p, false, true)
	}
	caption := "Share of output tokens per inter-token-latency bin (an event carrying k tokens spreads its gap over them, as in the ITL metric); bins are 1.16 % × a whole number wide on a log axis."
	if len(outside) > 0 {
		caption += " Tokens outside the plotted range: " + strings.Join(outside, ", ") + "."
	}
	p.Title.Text = title
	// The legend's column is as wide as the legend, as the CDFs' (a fixed
	// 2.2 in column left a third of the figure empty), with a margin above
	// the title.
	fig := fitLegendFigure("itl-histogram", title, 9*vg.Inch, 5*vg.Inch, p)
	fig.Caption = caption
	return fig
}

// Curve is one empirical distribution of a CDF figure: values in
// milliseconds, any order.
type Curve struct {
	// Label names the curve in the legend; Values are in ms.
	Label  string
	Values []float64
}

// maxCDFPoints bounds the vertices of one CDF curve; beyond it the curve
// is drawn through evenly spaced ranks, min and max included.
const maxCDFPoints = 600

// CDF draws the empirical cumulative distribution of each curve: the
// fraction of values at or below x, as a step line. Reference lines mark
// the 50th, 95th and 99th percentiles; limit > 0 draws the SLO threshold as
// a vertical line. The x axis turns logarithmic when values and the limit
// span over 20×.
func CDF(name, title, xLabel string, curves []Curve, limitMS float64, limitLabel string) *Figure {
	p := newPlot(title, xLabel, "fraction of requests ≤ x")
	var all []float64
	for _, c := range curves {
		all = append(all, c.Values...)
	}
	// The SLO line is on the axis too: values of 10–17 ms beside an SLO
	// of 500 ms, on a linear axis, were a vertical stroke at its left end.
	logX := wideRange(append(slices.Clip(all), max(limitMS, 0)), 20)
	if logX {
		logAxis(&p.X)
	} else {
		p.X.Tick.Marker = compactTicks{} // gonum's labels of 24 to 105 ms read "25.00", "50.00"
	}
	drawn := false
	var sorted [][]float64
	for ci, c := range curves {
		v := slices.Clone(c.Values)
		v = slices.DeleteFunc(v, func(x float64) bool { return math.IsNaN(x) || (logX && x <= 0) })
		if len(v) == 0 {
			continue
		}
		slices.Sort(v)
		sorted = append(sorted, v)
		n := len(v)
		var xys plotter.XYs
		step := 1
		if n > maxCDFPoints {
			step = 0 // sampled below
		}
		add := func(i int) { xys = append(xys, plotter.XY{X: v[i], Y: float64(i+1) / float64(n)}) }
		if step == 1 {
			for i := range n {
				add(i)
			}
		} else {
			for k := range maxCDFPoints {
				add(int(math.Round(float64(k) * float64(n-1) / float64(maxCDFPoints-1))))
			}
		}
		// Start the step at fraction 0 at the first value.
		xys = append(plotter.XYs{{X: v[0], Y: 0}}, xys...)
		s := styleOf(ci)
		l, _ := plotter.NewLine(xys)
		l.StepStyle = plotter.PostStep
		l.LineStyle = s.line(1.5)
		var marks plotter.XYs
		for _, q := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
			i := min(n-1, int(q*float64(n)))
			marks = append(marks, plotter.XY{X: v[i], Y: float64(i+1) / float64(n)})
		}
		sc, _ := plotter.NewScatter(marks)
		sc.GlyphStyle = s.glyph(3)
		p.Add(l, sc)
		p.Legend.Add(fmt.Sprintf("%s (n=%d)", c.Label, n), l, sc)
		drawn = true
	}
	if !drawn {
		p.Add(emptyNote{Text: "nothing to draw (the caption says why)"}) // the caller knows: no success, or one token each
	} else {
		ref := draw.LineStyle{Color: color.Gray{Y: 150}, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}
		for _, q := range []float64{0.5, 0.95, 0.99} {
			p.Add(hLine{Y: q, Style: ref})
			ts := labelStyle(7)
			ts.Color = color.Gray{Y: 110}
			p.Add(edgeLabel{Y: q, Text: fmt.Sprintf("p%g", q*100), Style: ts, Curves: sorted})
		}
		if limitMS > 0 {
			v := vLine{X: limitMS, Style: draw.LineStyle{Color: color.Black, Width: vg.Points(1.2),
				Dashes: []vg.Length{vg.Points(5), vg.Points(2), vg.Points(1), vg.Points(2)}}}
			p.Add(v)
			p.Legend.Add(limitLabel, v)
			p.X.Max = max(p.X.Max, limitMS*1.05)
		}
	}
	p.Y.Min, p.Y.Max = 0, 1.0
	if drawn {
		if logX {
			p.X.Min, p.X.Max = p.X.Min/1.05, p.X.Max*1.05
		} else {
			pad := 0.03 * (p.X.Max - p.X.Min)
			p.X.Min, p.X.Max = max(0, p.X.Min-pad), p.X.Max+pad
		}
	}
	return fitLegendFigure(name, title, 9*vg.Inch, 5*vg.Inch, p)
}

// edgeLabel writes a label just above height Y at the left edge of the
// data area, or at its right edge where a curve runs through the label at
// the left and none at the right (a CDF that rises steeply at its first
// values crossed "p50" at the left edge; at the right every curve is
// near 1).
type edgeLabel struct {
	Y     float64
	Text  string
	Style text.Style
	// Curves are the values of the CDFs drawn, each sorted.
	Curves [][]float64
}

// Plot implements gplot.Plotter.
func (e edgeLabel) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	gap := vg.Points(2)
	w, h := e.Style.Width(e.Text), e.Style.Height(e.Text)
	y := trY(e.Y) + vg.Points(1)
	// The fractions the label covers, from the line to its top.
	f0, f1 := e.Y, e.Y+float64(h+vg.Points(1))/float64(trY(1)-trY(0))
	blocked := func(left vg.Length) bool {
		for _, v := range e.Curves {
			// A curve is between f0 and f1 from the value at which it
			// reaches f0 to the one at which it reaches f1 (its last).
			if trX(cdfReach(v, f0)) < left+w+gap && trX(cdfReach(v, f1)) > left-gap {
				return true
			}
		}
		return false
	}
	x := c.Min.X + gap
	if right := c.Max.X - gap - w; blocked(x) && !blocked(right) {
		x = right
	}
	c.FillText(e.Style, vg.Point{X: x, Y: y}, e.Text)
}

// cdfReach returns the value at which the empirical CDF of v (sorted, not
// empty) reaches fraction f: v's last value when it never does.
func cdfReach(v []float64, f float64) float64 {
	i := int(math.Ceil(f*float64(len(v)))) - 1
	return v[min(max(i, 0), len(v)-1)]
}
