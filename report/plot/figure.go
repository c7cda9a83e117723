// Package plot draws the figures of inferbench's reports with gonum/plot:
// latency against throughput across load levels, per-user speed against
// throughput per GPU, TTFT and TPOT CDFs, the ITL histogram, the run
// timeline, cost per 1M tokens and the API-versus-self-hosted crossover.
//
// Every figure is built from plain values handed in by the caller (the
// renderers in report/render read the run directories); this package reads
// no file and computes no metric beyond binning and ordering what it is given.
//
// Figures must stay readable when printed in grey: each series has its own
// dash pattern and marker shape as well as its own colour, and every legend
// entry shows all three. A Figure is written as SVG or PNG with Write.
package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/inferbench/inferbench/cost"
)

// Formats a Figure can be written in.
const (
	SVG = "svg"
	PNG = "png"
)

// PNGDPI is the resolution PNG files are rendered at, in dots per inch: an
// 8 × 5 inch figure is 1152 × 720 pixels, sharp on a laptop screen and in print.
const PNGDPI = 144

// A Figure is a drawing ready to be written as SVG or PNG.
type Figure struct {
	// Name is the file stem (e.g. "latency-throughput").
	Name string
	// Title is the figure's heading in a report.
	Title string
	// Caption says what the figure shows and on which data, in a sentence
	// or two, for the report's text.
	Caption string
	// Width and Height are the figure's size.
	Width, Height vg.Length
	// DPI is the PNG resolution in dots per inch; 0 means PNGDPI.
	DPI float64
	// Mark, when set, is drawn in red in the figure's top-left corner
	// ("SIMULATED"): what the reader must know before reading the data.
	Mark string

	draw func(dc draw.Canvas)
}

// Write renders f in format (SVG or PNG) to w. A failure inside the
// plotting library is returned as an error naming the figure.
func (f *Figure) Write(w io.Writer, format string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("figure %s: drawing failed: %v", f.Name, r)
		}
	}()
	switch format {
	case SVG:
		c := vgsvg.New(f.Width, f.Height)
		f.paint(draw.New(c))
		var b bytes.Buffer
		if _, err = c.WriteTo(&b); err == nil {
			_, err = w.Write(bytes.ReplaceAll(b.Bytes(), []byte(svgFontFamily), []byte(svgFontFallback)))
		}
	case PNG:
		dpi := f.DPI
		if dpi <= 0 {
			dpi = PNGDPI
		}
		c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(int(dpi)))
		f.paint(draw.New(c))
		var b bytes.Buffer
		if _, err = (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err == nil {
			err = writePNGWithPHYs(w, b.Bytes(), dpi)
		}
	default:
		return fmt.Errorf("figure %s: format %q must be svg or png", f.Name, format)
	}
	if err != nil {
		return fmt.Errorf("figure %s: %w", f.Name, err)
	}
	return nil
}

func (f *Figure) paint(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	f.draw(dc)
	if f.Mark != "" {
		dc.FillText(markStyle(), vg.Point{X: dc.Min.X + vg.Points(4), Y: dc.Max.Y - vg.Points(3)}, f.Mark)
	}
}

// markStyle is the style of a figure's Mark, drawn in red from its top left.
func markStyle() draw.TextStyle {
	ts := titleStyle()
	ts.Color, ts.XAlign = color.RGBA{R: 0xc0, A: 0xff}, draw.XLeft
	ts.Font = font.From(sansFont(), 11)
	return ts
}

// titleX is where the centre of a figure's title of width w goes in dc: the
// middle, or, where that would write it over the figure's mark (a long
// title: a trend's model name), right of the mark as far as the figure
// allows.
func (f *Figure) titleX(dc draw.Canvas, w vg.Length) vg.Length {
	x := dc.Center().X
	if f.Mark == "" {
		return x
	}
	clear := dc.Min.X + vg.Points(4) + markStyle().Width(f.Mark) + vg.Points(8)
	if x-w/2 >= clear {
		return x
	}
	return max(min(clear+w/2, dc.Max.X-vg.Points(4)-w/2), x)
}

// MarkSimulated marks f as drawn from simulated runs: the mark in the image
// and in its title and caption.
func (f *Figure) MarkSimulated() {
	f.Mark = SimulatedMark
	f.Title += " (" + SimulatedMark + ")"
	f.Caption = SimulatedMark + ": the runs are simulated (the mock target or the mock's GPU telemetry), not measured on the hardware named. " + f.Caption
}

// SimulatedMark is the word that marks simulated results everywhere.
const SimulatedMark = "SIMULATED"

// figureOf wraps one plot as a Figure.
// A margin above the title keeps it off the image's top edge.
func figureOf(name, title, caption string, w, h vg.Length, p *gplot.Plot) *Figure {
	return &Figure{Name: name, Title: title, Caption: caption, Width: w, Height: h, draw: func(dc draw.Canvas) {
		settleRanges(p)
		p.Draw(draw.Crop(dc, 0, 0, 0, -vg.Points(6)))
	}}
}

// legendBelowFigure draws p with its legend in a band below it, the
// figure taller (than h) by the legend's height: for a legend with more
// rows than fit over the plot's data.
func legendBelowFigure(name, title string, w, h vg.Length, p *gplot.Plot) *Figure {
	leg := p.Legend
	p.Legend = gplot.NewLegend()
	r := leg.Rectangle(draw.Canvas{})
	band := r.Max.Y - r.Min.Y + vg.Points(14)
	return &Figure{Name: name, Title: title, Width: w, Height: h + band, draw: func(dc draw.Canvas) {
		dc = draw.Crop(dc, 0, 0, 0, -vg.Points(6))
		plotArea, legArea := dc, dc
		plotArea.Min.Y = dc.Min.Y + band
		legArea.Max.Y = dc.Min.Y + band - vg.Points(8)
		legArea.Min.X += vg.Points(40)
		leg.Top, leg.Left = true, true
		leg.XOffs, leg.YOffs = 0, 0
		settleRanges(p)
		p.Draw(plotArea)
		leg.Draw(legArea)
	}}
}

// gridFigure lays plots out in rows (each row the same number of columns),
// with an overall title above them.
func gridFigure(name, title, caption string, w, h vg.Length, rows [][]*gplot.Plot) *Figure {
	return gridFigureLegend(name, title, caption, w, h, rows, nil)
}

// gridFigureLegend is gridFigure with a legend drawn at the right of the
// title band, above the plots, where it covers no data. The band is as
// high as the legend, and the figure taller by what the band grew beyond
// 34 pt, so the plots keep their height whatever the number of entries.
func gridFigureLegend(name, title, caption string, w, h vg.Length, rows [][]*gplot.Plot, legend *gplot.Legend) *Figure {
	ts := titleStyle()
	band := ts.Font.Size * 1.6
	if legend != nil {
		r := legend.Rectangle(draw.Canvas{})
		need := r.Max.Y - r.Min.Y + vg.Points(6) // 2 pt above, 4 pt below
		band = max(band, vg.Points(34), need)
		h += max(0, need-vg.Points(34))
	}
	f := &Figure{Name: name, Title: title, Caption: caption, Width: w, Height: h}
	f.draw = func(dc draw.Canvas) {
		top := dc.Max.Y - band
		dc.FillText(ts, vg.Point{X: f.titleX(dc, ts.Width(title)), Y: dc.Max.Y - ts.Font.Size*0.3}, title)
		if legend != nil {
			lc := dc
			lc.Min.Y = top
			lc.Max.Y -= vg.Points(2)
			lc.Max.X -= vg.Points(10)
			legend.Top, legend.Left = true, false
			legend.Draw(lc)
		}
		body := dc
		body.Max.Y = top
		tiles := draw.Tiles{Rows: len(rows), Cols: len(rows[0]), PadX: vg.Points(14), PadY: vg.Points(10),
			PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8)}
		for _, row := range rows {
			for _, p := range row {
				if p != nil {
					settleRanges(p)
				}
			}
		}
		canvases := gplot.Align(rows, tiles, body)
		for i, row := range rows {
			// The panels' titles on one line: Align gives a panel with a
			// log y axis a taller canvas (gonum pads its top for the axis
			// label as if drawn at the range's linear midpoint, near the
			// top of a log axis), and its title stood up to 11 pt above
			// its neighbour's. Each is drawn at the lowest canvas top.
			top := vg.Length(math.Inf(1))
			for j, p := range row {
				if p != nil && p.Title.Text != "" {
					top = min(top, canvases[i][j].Max.Y)
				}
			}
			for j, p := range row {
				if p != nil {
					drawTitleAt(p, canvases[i][j], top)
				}
			}
		}
	}
	return f
}

// drawTitleAt draws p in c as p.Draw does, its title's top at top (at or
// below c's) instead of c's: the data area is where p.Draw puts it.
func drawTitleAt(p *gplot.Plot, c draw.Canvas, top vg.Length) {
	if p.Title.Text == "" || top >= c.Max.Y {
		p.Draw(c)
		return
	}
	if p.BackgroundColor != nil {
		c.SetColor(p.BackgroundColor)
		c.Fill(c.Rectangle.Path())
	}
	ts, title := p.Title.TextStyle, p.Title.Text
	at := vg.Point{X: c.Center().X, Y: top + ts.FontExtents().Descent}
	body := c
	body.Max.Y -= ts.Rectangle(title).Size().Y + p.Title.Padding
	p.Title.Text = ""
	p.Draw(body) // its background first: the title is lower than p.Draw would put it
	p.Title.Text = title
	c.FillText(ts, at, title)
}

// sansFont is Liberation Sans, embedded in gonum/plot.
func sansFont() font.Font { return font.Font{Typeface: "Liberation", Variant: "Sans"} }

// The figures' text is laid out with Liberation Sans's metrics; an SVG
// viewer without that font falls back to its default, often a serif or a
// wider sans, and labels overrun their place. So every SVG names Arial and
// Helvetica next (Liberation Sans is metric-compatible with Arial: same
// advance widths), and the HTML report embeds the font itself (FontFace).
const (
	svgFontFamily   = "font-family:Liberation Sans;"
	svgFontFallback = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"
)

// FontFace is the CSS @font-face rule that gives a page holding the
// figures' inline SVG their font, Liberation Sans Regular (SIL Open Font
// License 1.1), as a data URL: the figures read the same in any browser.
func FontFace() string {
	return `@font-face { font-family: "Liberation Sans"; font-style: normal; font-weight: normal; src: url(data:font/ttf;base64,` +
		base64.StdEncoding.EncodeToString(liberationsansregular.TTF) + `) format("truetype"); }`
}

func titleStyle() text.Style {
	return text.Style{Color: color.Black, Font: font.From(sansFont(), 13), XAlign: draw.XCenter, YAlign: draw.YTop,
		Handler: gplot.DefaultTextHandler}
}

func labelStyle(size vg.Length) text.Style {
	return text.Style{Color: color.Black, Font: font.From(sansFont(), size), XAlign: draw.XLeft, YAlign: draw.YBottom,
		Handler: gplot.DefaultTextHandler}
}

// newPlot returns a plot in the reports' fonts with a light grid.
func newPlot(title, xLabel, yLabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansFont(), 12)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont(), 10)
		a.Tick.Label.Font = font.From(sansFont(), 9)
	}
	p.Legend.TextStyle.Font = font.From(sansFont(), 9)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(28)
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 225}
	g.Horizontal.Color = color.Gray{Y: 225}
	p.Add(g)
	return p
}

// A seriesStyle is how one series (a run, a level, an API) is drawn. The
// i-th style differs from the others in colour, dash pattern and marker,
// so a series can be told apart in grey print.
type seriesStyle struct {
	Color  color.Color
	Dashes []vg.Length
	Glyph  draw.GlyphDrawer
}

// styleOf returns the i-th series style. Colours are the Okabe–Ito
// colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008).
func styleOf(i int) seriesStyle {
	colors := [...]color.RGBA{
		{0, 0, 0, 255},       // black
		{0, 114, 178, 255},   // blue
		{213, 94, 0, 255},    // vermillion
		{0, 158, 115, 255},   // bluish green
		{204, 121, 167, 255}, // reddish purple
		{230, 159, 0, 255},   // orange
		{86, 180, 233, 255},  // sky blue
		{128, 128, 128, 255}, // grey: eight runs' bars apart (bars have no dash or marker)
		// Past Okabe–Ito, Paul Tol's "muted" scheme (2021): six runs and
		// the crossover's three APIs are nine series, and the ninth took
		// the first run's black.
		{136, 34, 85, 255},   // wine
		{153, 153, 51, 255},  // olive
		{51, 34, 136, 255},   // indigo
		{68, 170, 153, 255},  // teal
		{204, 102, 119, 255}, // rose
	}
	p := vg.Points
	dashes := [...][]vg.Length{
		nil,                                   // solid
		{p(7), p(3)},                          // dashed
		{p(1.5), p(2.5)},                      // dotted
		{p(8), p(3), p(2), p(3)},              // dash-dot
		{p(3), p(3)},                          // short dashes
		{p(10), p(3), p(2), p(3), p(2), p(3)}, // dash-dot-dot
	}
	// No ring: rings mark capacity and break-even points.
	glyphs := [...]draw.GlyphDrawer{
		draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{},
		draw.PyramidGlyph{}, draw.PlusGlyph{}, draw.BoxGlyph{},
	}
	return seriesStyle{
		Color:  colors[i%len(colors)],
		Dashes: dashes[i%len(dashes)],
		Glyph:  glyphs[i%len(glyphs)],
	}
}

func (s seriesStyle) line(width float64) draw.LineStyle {
	return draw.LineStyle{Color: s.Color, Width: vg.Points(width), Dashes: s.Dashes}
}

func (s seriesStyle) glyph(radius float64) draw.GlyphStyle {
	return draw.GlyphStyle{Color: s.Color, Radius: vg.Points(radius), Shape: s.Glyph}
}

// addSeries draws xys as a line in style s with its marker at every point
// (every nth point when markEvery > 1) and adds one legend entry for it.
func addSeries(p *gplot.Plot, label string, xys plotter.XYs, s seriesStyle, markEvery int) error {
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("series %s: %w", label, err)
	}
	l.LineStyle = s.line(1.6)
	var marks plotter.XYs
	for i, xy := range xys {
		if markEvery <= 1 || i%markEvery == 0 || i == len(xys)-1 {
			marks = append(marks, xy)
		}
	}
	sc, err := plotter.NewScatter(marks)
	if err != nil {
		return fmt.Errorf("series %s: %w", label, err)
	}
	sc.GlyphStyle = s.glyph(3)
	p.Add(l, sc)
	if label != "" {
		p.Legend.Add(label, l, sc)
	}
	return nil
}

// hLine draws a horizontal reference line at y across the plot's x range.
type hLine struct {
	Y     float64
	Style draw.LineStyle
}

// Plot implements gplot.Plotter.
func (h hLine) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	y := trY(h.Y)
	c.StrokeLine2(h.Style, trX(p.X.Min), y, trX(p.X.Max), y)
}

// Thumbnail implements gplot.Thumbnailer.
func (h hLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(h.Style, c.Min.X, y, c.Max.X, y)
}

// vLine draws a vertical reference line at x across the plot's y range,
// with an optional label at its top.
type vLine struct {
	X     float64
	Style draw.LineStyle
	Label string
	// LabelRow moves the label down by this many text lines, so labels of
	// neighbouring lines do not overlap.
	LabelRow int
	// BelowLegend stops the line (and hangs its label) below the plot's
	// legend, drawn top left, where the line would cross it.
	BelowLegend bool
}

// Plot implements gplot.Plotter.
func (v vLine) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	x := trX(v.X)
	top := trY(p.Y.Max)
	ts := labelStyle(8)
	ts.Color = v.Style.Color
	ts.YAlign = draw.YTop
	// The label is written right of the line, or left of it where it
	// would pass the panel's right edge.
	w := ts.Width(v.Label)
	lx := x + vg.Points(3)
	if v.Label != "" && lx+w > c.Max.X {
		ts.XAlign = draw.XRight
		lx = x - vg.Points(3) - w
	}
	if v.BelowLegend {
		lo, hi := x, x
		if v.Label != "" {
			lo, hi = min(lo, lx), max(hi, lx+w)
		}
		top = min(top, legendBottomAt(c, p, lo, hi))
	}
	c.StrokeLine2(v.Style, x, trY(p.Y.Min), x, top)
	if v.Label != "" {
		pt := vg.Point{X: x + vg.Points(3), Y: top - vg.Points(2) - vg.Length(v.LabelRow)*vg.Points(10)}
		if ts.XAlign == draw.XRight {
			pt.X = x - vg.Points(3)
		}
		c.FillText(ts, pt, v.Label)
	}
}

// legendBottomAt returns how high a vertical line and its label, spanning
// lo to hi across, may reach in c without crossing p's legend, drawn in a
// top corner (gonum's Legend.Rectangle places a left legend at the right
// and a right one at the left: only its size is used): 4 pt below the
// legend where lo–hi meets its columns, else c's top. A legend at the top
// right (the TPOT panel's SLO line) was crossed by a capacity label turned
// left of its line at the panel's right edge.
func legendBottomAt(c draw.Canvas, p *gplot.Plot, lo, hi vg.Length) vg.Length {
	l := p.Legend
	r := l.Rectangle(c)
	if !l.Top || r.Max.Y <= r.Min.Y {
		return c.Max.Y
	}
	width := r.Max.X - r.Min.X
	left := c.Min.X + l.XOffs
	if !l.Left {
		left = c.Max.X + l.XOffs - width
	}
	if hi < left-vg.Points(4) || lo > left+width+vg.Points(4) {
		return c.Max.Y
	}
	return c.Max.Y + l.YOffs - (r.Max.Y - r.Min.Y) - vg.Points(4)
}

// Thumbnail implements gplot.Thumbnailer.
func (v vLine) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	c.StrokeLine2(v.Style, x, c.Min.Y, x, c.Max.Y)
}

// glyphThumb is a legend thumbnail showing one marker shape.
type glyphThumb struct{ Style draw.GlyphStyle }

// Thumbnail implements gplot.Thumbnailer.
func (g glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyph(g.Style, c.Center()) }

// logAxis puts a on a log scale with ticks at 1, 2 and 5 × 10^k, and says
// so in its label (logLabel): set the label before.
func logAxis(a *gplot.Axis) {
	a.Scale = gplot.LogScale{}
	a.Tick.Marker = logTicks{}
	a.Label.Text = logLabel(a.Label.Text)
}

// logTicks marks a log axis: labels at 1, 2, 5 × 10^k (every 1–9 × 10^k
// when the range spans less than a decade, only 1 × 10^k when it spans
// five or more), unlabelled minor ticks at the other integers × 10^k.
type logTicks struct{}

// Ticks implements gplot.Ticker.
func (logTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	labelled := map[int]bool{1: true, 2: true, 5: true}
	if hi/lo >= 1e5 { // five decades or more: "0.0010.002" ran together
		labelled = map[int]bool{1: true}
	}
	if hi/lo < 10 {
		labelled = map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true}
	}
	var ticks []gplot.Tick
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		base := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			v := float64(m) * base
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := gplot.Tick{Value: v}
			if labelled[m] {
				t.Label = formatTick(v)
			}
			ticks = append(ticks, t)
		}
	}
	labelLowest(ticks, hi/lo)
	thousandsOneWay(ticks)
	return ticks
}

// labelLowest labels the lowest tick of a log axis spanning less than
// three decades when the first label is 1.5 times or more above it (TTFT
// from 22 ms: 30 unlabelled, 50 the first label), so the axis's low end
// reads without counting minor ticks; the gap leaves room for both labels.
func labelLowest(ticks []gplot.Tick, span float64) {
	if len(ticks) == 0 || ticks[0].Label != "" || span >= 1000 {
		return
	}
	for _, t := range ticks[1:] {
		if t.Label != "" && t.Value < 1.5*ticks[0].Value {
			return
		}
		if t.Label != "" {
			break
		}
	}
	ticks[0].Label = formatTick(ticks[0].Value)
}

// formatTick writes a tick value compactly: 0.05, 2, 500, 20k, 3M, 1B.
// Past a million the values are token volumes and dollars, which the cost
// tables write with B for a billion (cost.Tokens), so the axes do; from
// 10¹⁵ on, cost.Tokens's power of ten (1e16).
func formatTick(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e15:
		return cost.Tokens(v)
	case a >= 1e12:
		return trimFloat(v/1e12) + "T"
	case a >= 1e9:
		return trimFloat(v/1e9) + "B"
	case a >= 1e6:
		return trimFloat(v/1e6) + "M"
	case a >= 1e4:
		return trimFloat(v/1e3) + "k"
	}
	return trimFloat(v)
}

// trimFloat writes v with three decimals, or under 0.1 with two
// significant digits past its leading zeros (0.0025, 0.0005), trailing
// zeros dropped: ticks under 0.001 otherwise read "0" or as their
// neighbours.
func trimFloat(v float64) string {
	prec := 3
	if a := math.Abs(v); a > 0 && a < 0.1 {
		prec = int(math.Ceil(-math.Log10(a))) + 2
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// padLinear leaves room above and to the right of the data on linear
// axes, so markers and labels at the extremes are not cut.
func padLinear(p *gplot.Plot, x, y bool) {
	if x {
		p.X.Max += 0.06 * (p.X.Max - p.X.Min)
	}
	if y {
		p.Y.Max += 0.08 * (p.Y.Max - p.Y.Min)
	}
}

// fitLegendFigure (for CDFs and the ITL histogram, which have no corner
// that is always empty) draws p with its legend moved to a column beside
// it, as wide as the legend itself, so no empty band is left beside the
// plot, and a margin above the title.
//
// A legend wider than a third of the figure (long run labels) goes in a
// band below the plot instead (legendBelowFigure), so the plot keeps its
// width.
func fitLegendFigure(name, title string, w, h vg.Length, p *gplot.Plot) *Figure {
	if r := p.Legend.Rectangle(draw.Canvas{}); r.Max.X-r.Min.X > w/3 {
		return legendBelowFigure(name, title, w, h, p)
	}
	leg := p.Legend
	p.Legend = gplot.NewLegend()
	return &Figure{Name: name, Title: title, Width: w, Height: h, draw: func(dc draw.Canvas) {
		dc = draw.Crop(dc, 0, 0, 0, -vg.Points(6))
		leg.Top, leg.Left = true, true
		r := leg.Rectangle(dc)
		width := r.Max.X - r.Min.X + vg.Points(16)
		plotArea, legArea := dc, dc
		plotArea.Max.X = dc.Max.X - width
		legArea.Min.X = dc.Max.X - width + vg.Points(8)
		legArea.Max.Y -= vg.Points(30)
		settleRanges(p)
		p.Draw(plotArea)
		leg.Draw(legArea)
	}}
}

// unlabelled is the default linear ticks without labels, for stacked
// panels that share the bottom panel's axis labels.
type unlabelled struct{}

// Ticks implements gplot.Ticker.
func (unlabelled) Ticks(lo, hi float64) []gplot.Tick {
	ticks := linearTicks(lo, hi)
	for i := range ticks {
		ticks[i].Label = ""
	}
	return ticks
}

// compactTicks formats the default linear ticks with formatTick.
type compactTicks struct{}

// Ticks implements gplot.Ticker.
func (compactTicks) Ticks(lo, hi float64) []gplot.Tick {
	ticks := labelledTicks(lo, hi, formatTick)
	thousandsOneWay(ticks)
	return ticks
}

// labelledTicks are linearTicks, each labelled one written by label.
func labelledTicks(lo, hi float64, label func(float64) string) []gplot.Tick {
	ticks := linearTicks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = label(ticks[i].Value)
		}
	}
	return ticks
}

// linearTicks are the ticks of a linear axis from lo to hi: labelled ones
// a step apart, the step the 1, 2, 2.5 or 5 × 10^k nearest a quarter of
// the range (5 to 7 labels: 0, 5k … 25k), with unlabelled minor ticks
// between (a fifth of the step, a quarter of a 2's). gonum's DefaultTicks
// aim at 3 labels: a timeline panel of 0 to 26,000 tokens/s read "0" and
// "25k" alone, and a value between could not be read off it.
func linearTicks(lo, hi float64) []gplot.Tick {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		if math.IsNaN(lo) || math.IsInf(lo, 0) {
			return nil
		}
		return []gplot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', -1, 64)}}
	}
	target := span / 4
	pow := math.Pow(10, math.Floor(math.Log10(target)))
	step, minors := pow, 5.0
	best := math.Inf(1)
	for _, c := range []struct{ m, minors float64 }{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}, {10, 5}} {
		if d := math.Abs(c.m*pow - target); d <= best*(1+1e-9) {
			best, step, minors = d, c.m*pow, c.minors
		}
	}
	minor := step / minors
	var ticks []gplot.Tick
	for i := math.Ceil(lo / minor); ; i++ {
		v := i * minor
		if v > hi+minor*1e-9 {
			break
		}
		if math.Abs(v) < minor*1e-9 {
			v = 0
		}
		t := gplot.Tick{Value: v}
		if k := v / step; math.Abs(k-math.Round(k)) < 1e-6 {
			t.Label = strconv.FormatFloat(math.Round(k)*step, 'g', -1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// thousandsOneWay writes an axis's labels from 1,000 to 9,999 in k when
// another of its labels reaches 10,000 (formatTick's first k), so that
// one axis does not read "5000" beside "10k".
func thousandsOneWay(ticks []gplot.Tick) {
	if !slices.ContainsFunc(ticks, func(t gplot.Tick) bool { return t.Label != "" && math.Abs(t.Value) >= 1e4 }) {
		return
	}
	for i, t := range ticks {
		if a := math.Abs(t.Value); t.Label != "" && a >= 1e3 && a < 1e4 {
			ticks[i].Label = trimFloat(t.Value/1e3) + "k"
		}
	}
}

// positive keeps the points whose x and y are both finite and > 0: what a
// log-log plot can show.
func positive(xys plotter.XYs, logX, logY bool) plotter.XYs {
	var out plotter.XYs
	for _, xy := range xys {
		if math.IsNaN(xy.X) || math.IsInf(xy.X, 0) || math.IsNaN(xy.Y) || math.IsInf(xy.Y, 0) {
			continue
		}
		if (logX && xy.X <= 0) || (logY && xy.Y <= 0) {
			continue
		}
		out = append(out, xy)
	}
	return out
}

// wideRange reports whether positive values span more than ratio, which is
// when a log axis shows them better than a linear one.
func wideRange(values []float64, ratio float64) bool {
	lo, hi := math.Inf(1), 0.0
	for _, v := range values {
		if v > 0 && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return hi > 0 && hi/lo > ratio
}

// emptyNote is drawn on a plot with no data.
type emptyNote struct{ Text string }

// Plot implements gplot.Plotter.
func (e emptyNote) Plot(c draw.Canvas, _ *gplot.Plot) {
	ts := labelStyle(10)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	ts.Color = color.Gray{Y: 90}
	c.FillText(ts, c.Center(), e.Text)
}

// logLabel says in an axis label that its axis is logarithmic: "TTFT (ms)"
// reads "TTFT (ms, log scale)", "share" "share (log scale)"; a label that
// says so already, or none, is left as it is.
func logLabel(label string) string {
	switch {
	case label == "" || strings.Contains(label, "log scale"):
		return label
	case strings.HasSuffix(label, ")"):
		return strings.TrimSuffix(label, ")") + ", log scale)"
	}
	return label + " (log scale)"
}

// legendCovers says whether p's legend, drawn inside its plot as figureOf
// lays out a w × h figure, lies over any of lines (polylines in data
// coordinates, each segment drawn straight on the canvas, as gonum's
// lines are) or within 10 pt of one (a marker's radius, and the data
// canvas's padding: the legend is drawn on the plot's area before it is
// padded for the glyphs at its edges, so it errs towards saying covered).
// It places the legend as gonum's Legend.Draw does (Legend.Rectangle puts
// a left legend at the right).
func legendCovers(p *gplot.Plot, w, h vg.Length, lines []plotter.XYs) bool {
	l := p.Legend
	size := l.Rectangle(draw.Canvas{})
	lw, lh := size.Max.X-size.Min.X, size.Max.Y-size.Min.Y
	if lw <= 0 || lh <= 0 {
		return false
	}
	dc := draw.Crop(draw.New(vgsvg.New(w, h)), 0, 0, 0, -vg.Points(6))
	settleRanges(p)
	c := p.DataCanvas(dc)
	var r vg.Rectangle
	if l.Left {
		r.Min.X = c.Min.X + l.XOffs
		r.Max.X = r.Min.X + lw
	} else {
		r.Max.X = c.Max.X + l.XOffs
		r.Min.X = r.Max.X - lw
	}
	if l.Top {
		r.Max.Y = c.Max.Y + l.YOffs
		r.Min.Y = r.Max.Y - lh
	} else {
		r.Min.Y = c.Min.Y + l.YOffs
		r.Max.Y = r.Min.Y + lh
	}
	margin := vg.Points(10)
	r.Min.X, r.Min.Y = r.Min.X-margin, r.Min.Y-margin
	r.Max.X, r.Max.Y = r.Max.X+margin, r.Max.Y+margin
	trX, trY := p.Transforms(&c)
	_, logX := p.X.Scale.(gplot.LogScale)
	_, logY := p.Y.Scale.(gplot.LogScale)
	at := func(xy plotter.XY) (vg.Point, bool) {
		if (logX && !(xy.X > 0)) || (logY && !(xy.Y > 0)) || math.IsNaN(xy.X) || math.IsNaN(xy.Y) {
			return vg.Point{}, false
		}
		return vg.Point{X: trX(xy.X), Y: trY(xy.Y)}, true
	}
	in := func(pt vg.Point) bool {
		return pt.X >= r.Min.X && pt.X <= r.Max.X && pt.Y >= r.Min.Y && pt.Y <= r.Max.Y
	}
	for _, xys := range lines {
		var prev vg.Point
		havePrev := false
		for _, xy := range xys {
			pt, ok := at(xy)
			if !ok {
				havePrev = false
				continue
			}
			if in(pt) {
				return true
			}
			if havePrev {
				d := max(math.Abs(float64(pt.X-prev.X)), math.Abs(float64(pt.Y-prev.Y)))
				n := int(min(d, 1e4)) + 1 // a sample every point along the segment
				for k := 1; k < n; k++ {
					f := vg.Length(k) / vg.Length(n)
					if in(vg.Point{X: prev.X + f*(pt.X-prev.X), Y: prev.Y + f*(pt.Y-prev.Y)}) {
						return true
					}
				}
			}
			prev, havePrev = pt, true
		}
	}
	return false
}
