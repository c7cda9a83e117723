package plot

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"image/color"
	"image/png"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/inferbench/inferbench/report"
)

// Ticks past 999T are powers of ten, as cost.Tokens writes the volumes
// of its tables: a crossover axis to 10¹⁷ tokens a month read "100000T".
func TestFormatTickHuge(t *testing.T) {
	for v, want := range map[float64]string{1e12: "1T", 5e14: "500T", 1e15: "1e15", 1e17: "1e17", 2.5e16: "2.5e16", -1e18: "-1e18"} {
		if got := formatTick(v); got != want {
			t.Errorf("formatTick(%v) = %q; want %q", v, got, want)
		}
	}
}

// Tick labels under 0.01 keep their significant digits: a TPOT axis of a
// fast engine (0.0003 to 0.015 ms) read "0.001, 0.001, 0.002, 0.005"
// (0.0005 rounded to three decimals), and its lowest tick, 0.0003, read "0".
func TestFormatTickSmall(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0.0005, "0.0005"}, {0.0002, "0.0002"}, {0.0025, "0.0025"}, {1e-6, "0.000001"}, {0.016, "0.016"},
		{0.125, "0.125"}, {0.3 + 1e-17, "0.3"}, {-0.0005, "-0.0005"}, {0, "0"}} {
		if got := formatTick(tt.v); got != tt.want {
			t.Errorf("formatTick(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
	var labels []string
	for _, tk := range (logTicks{}).Ticks(0.0003, 0.015) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"0.0003", "0.0005", "0.001", "0.002", "0.005", "0.01"}; !slices.Equal(labels, want) {
		t.Errorf("log tick labels over 0.0003–0.015 = %q; want %q", labels, want)
	}
}

// A linear latency axis starts at 0 and leaves room above the highest
// marker. With one load level (or a flat metric across a sweep) the
// headroom was computed on the data's own span, zero, before the axis was
// set to start at 0: the TPOT markers sat on the frame's top edge.
func TestLatencyPanelHeadroom(t *testing.T) {
	one := &report.Summary{Levels: []report.Level{{Level: 1, OutputTokensPerS: 300,
		TPOTMS: report.Dist{N: 1, P50: 2.13, P95: 2.13, P99: 2.13}, Requests: report.Requests{Total: 1, OK: 1}}}}
	flat := &report.Summary{}
	for i, lv := range []float64{1, 4, 16} {
		d := report.Dist{N: 40, P50: 3.3, P95: 3.35 + 0.01*float64(i), P99: 3.4}
		flat.Levels = append(flat.Levels, report.Level{Level: lv, OutputTokensPerS: 300 * lv, TPOTMS: d, Requests: report.Requests{Total: 40, OK: 40}})
	}
	for name, s := range map[string]*report.Summary{"one level": one, "flat sweep": flat} {
		p := latencyPanel([]Run{{Label: "x", Summary: s}}, sloPercentile(report.SLO{}), "TPOT", "TPOT", func(l *report.Level) report.Dist { return l.TPOTMS }, 0, "")
		top := 0.0
		for _, l := range s.Levels {
			top = max(top, l.TPOTMS.P99)
		}
		if p.Y.Min != 0 || p.Y.Max < 1.05*top {
			t.Errorf("%s: y axis [%g, %g]; want from 0 to at least %g (5 %% above the highest marker, %g)", name, p.Y.Min, p.Y.Max, 1.05*top, top)
		}
	}
}

// A PNG says its resolution (a pHYs chunk, pixels per metre): without it a
// word processor or LaTeX places the 8-inch figure at 72 or 96 dpi, twice
// its size, and --png-dpi 300 for print changed nothing but the pixels.
func TestPNGStatesDPI(t *testing.T) {
	// Pixels per metre by hand: 144 / 0.0254 = 5669.29, 300 / 0.0254 = 11811.02.
	for _, tt := range []struct {
		dpi  float64
		want uint32
	}{{0, 5669}, {300, 11811}} {
		dpi := tt.dpi
		f := Pareto([]Run{{Label: "a", Summary: &report.Summary{}}})
		f.DPI = dpi
		var b bytes.Buffer
		if err := f.Write(&b, PNG); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b.Bytes())); err != nil {
			t.Fatalf("dpi %g: PNG does not decode: %v", dpi, err)
		}
		want := tt.want
		x, y, unit, ok := pngPHYs(b.Bytes())
		if !ok || x != want || y != want || unit != 1 {
			t.Errorf("dpi %g: pHYs = %d × %d per unit %d (found %v); want %d × %d per metre", dpi, x, y, unit, ok, want, want)
		}
	}
}

// pngPHYs reads the pHYs chunk of a PNG, checking every chunk's CRC.
func pngPHYs(b []byte) (x, y uint32, unit byte, ok bool) {
	b = b[8:]
	for len(b) >= 12 {
		n := binary.BigEndian.Uint32(b)
		kind, data := string(b[4:8]), b[8:8+n]
		if crc32.ChecksumIEEE(b[4:8+n]) != binary.BigEndian.Uint32(b[8+n:]) {
			return 0, 0, 0, false
		}
		if kind == "pHYs" {
			return binary.BigEndian.Uint32(data), binary.BigEndian.Uint32(data[4:]), data[8], true
		}
		b = b[12+n:]
	}
	return 0, 0, 0, false
}

// Every run of a many-run timeline is named in its legend above the
// panels: the title band was 34 pt high whatever the legend's length, so
// the fifth to seventh runs' names fell on the top panel, whose white
// background then covered them.
func TestTimelineLegendAbovePanels(t *testing.T) {
	var runs []Timeline
	var names []string
	for i := range 7 {
		name := fmt.Sprintf("h100-sxm-vllm-0.11.2-tp2-fp8-maxbatch256-v%d", i+1)
		names = append(names, name)
		tl := Timeline{Label: name, Series: map[Quantity][]Point{}}
		for k := range 20 {
			tl.Series[InFlight] = append(tl.Series[InFlight], Point{T: float64(k), V: float64(i + 1)})
			tl.Series[OutputTokensPerS] = append(tl.Series[OutputTokensPerS], Point{T: float64(k), V: 100 * float64(i+1)})
		}
		runs = append(runs, tl)
	}
	f := TimelineFigure(runs)
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts, panelTop := svgTexts(t, b.Bytes()), svgPanelTop(t, b.Bytes())
	h := float64(f.Height / vg.Points(1))
	for _, name := range names {
		y, ok := texts[name]
		if !ok {
			t.Errorf("legend entry %q not drawn", name)
			continue
		}
		// 2 pt: the 9 pt font's descent below the baseline; 7 pt its ascent.
		if y-2 < panelTop || y+7 > h {
			t.Errorf("legend entry %q has its baseline at %.1f pt: not between the panels' top (%.1f pt) and the figure's (%.1f pt)", name, y, panelTop, h)
		}
	}
}

// svgPanelTop is the top edge of the highest plot background (a white
// rectangle; the first is the whole figure's) of a gonum SVG, in points
// above its bottom edge.
func svgPanelTop(t *testing.T, b []byte) float64 {
	t.Helper()
	top := 0.0
	re := regexp.MustCompile(`<path d="M[^"]*L[\d.]+,([\d.]+)L[^"]*Z" style="fill:#FFFFFF"`)
	for i, m := range re.FindAllSubmatch(b, -1) {
		if i == 0 {
			continue
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		top = max(top, v)
	}
	if top == 0 {
		t.Fatal("no plot background in the SVG")
	}
	return top
}

// svgTexts maps each text of a gonum SVG to its baseline's height above
// the figure's bottom edge, in points (gonum flips the y axis: y="-v").
func svgTexts(t *testing.T, b []byte) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var y float64
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if in = e.Name.Local == "text"; in {
				for _, a := range e.Attr {
					if a.Name.Local == "y" {
						v, _ := strconv.ParseFloat(a.Value, 64)
						y = -v
					}
				}
			}
		case xml.CharData:
			if in {
				out[string(e)] = y
			}
		case xml.EndElement:
			in = false
		}
	}
}

// The timeline's level labels do not overlap: "64", "128" and "256" a few
// points apart, each written right of its line, read "64128256". A label
// that runs into the one before it moves down a row, and with no row free
// it is left out.
func TestPlaceLabelsNoOverlap(t *testing.T) {
	p := vg.Points
	anchors := []vg.Length{p(10), p(300), p(560), p(566), p(596), p(700), p(712)}
	widths := []vg.Length{p(5), p(5), p(9), p(13), p(13), p(13), p(13)}
	lefts, rows := placeLabels(anchors, widths, p(720), 2)
	if want := []int{0, 0, 0, 1, 0, 0, 1}; !slices.Equal(rows, want) {
		t.Errorf("rows = %v; want %v", rows, want)
	}
	for i := range anchors {
		for j := range i {
			if rows[i] < 0 || rows[i] != rows[j] {
				continue
			}
			if lefts[i] < lefts[j]+widths[j] && lefts[j] < lefts[i]+widths[i] {
				t.Errorf("labels %d and %d overlap in row %d: [%v, %v] and [%v, %v]", j, i, rows[i], lefts[j], lefts[j]+widths[j], lefts[i], lefts[i]+widths[i])
			}
		}
		if lefts[i] < 0 || lefts[i]+widths[i] > p(720) {
			t.Errorf("label %d at [%v, %v] leaves the panel", i, lefts[i], lefts[i]+widths[i])
		}
	}
	// Three labels in one spot with two rows: the third is left out.
	if _, rows := placeLabels([]vg.Length{p(100), p(101), p(102)}, []vg.Length{p(10), p(10), p(10)}, p(720), 2); !slices.Equal(rows, []int{0, 1, -1}) {
		t.Errorf("three labels in one spot: rows %v; want [0 1 -1]", rows)
	}
}

// No axis of these figures shows a negative tick: every quantity drawn is
// at least 0. A plot with no data (every request failed) or a panel whose
// values are all 0 (output tokens/s of a run with no success) had gonum
// widen its empty range to [-1, 1]: "-1 ms", "-1 tokens/s".
func TestNoNegativeTicksWhenEmptyOrZero(t *testing.T) {
	_, empty := allFigures()
	zero := Timeline{Label: "failed", Series: map[Quantity][]Point{}, Levels: []LevelMark{{StartS: 0.01, Label: "2"}}}
	for k := range 3 {
		zero.Series[InFlight] = append(zero.Series[InFlight], Point{T: 0.05 * float64(k), V: 0.2})
		zero.Series[OutputTokensPerS] = append(zero.Series[OutputTokensPerS], Point{T: 0.05 * float64(k), V: 0})
		zero.Series[KVCache] = append(zero.Series[KVCache], Point{T: 0.05 * float64(k), V: 0})
	}
	for _, f := range append(empty, TimelineFigure([]Timeline{zero})) {
		var b bytes.Buffer
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		for text := range svgTexts(t, b.Bytes()) {
			if strings.HasPrefix(text, "-") || strings.HasPrefix(text, "−") {
				t.Errorf("%s: negative tick %q on an axis of a quantity ≥ 0", f.Name, text)
			}
		}
	}
}

// The per-user speed axis of the Pareto figure and a trend's value axis
// write their ticks as every other axis does (formatTick): they read
// "500.00" and "1000000" (gonum's default labels).
func TestParetoAndTrendTickLabels(t *testing.T) {
	level := func(lv, tps, user float64) report.Level {
		return report.Level{Level: lv, OutputTokensPerS: tps, UserOutputTokensPerS: report.Dist{N: 30, P50: user}}
	}
	for _, c := range []struct {
		user      float64
		want, not string
	}{{530, "500", "500.00"}, {950000, "1M", "1000000"}} {
		s := &report.Summary{Levels: []report.Level{level(1, 500, c.user), level(4, 700, c.user/2)}}
		f := Pareto([]Run{{Label: "a", Summary: s}})
		checkTickLabels(t, f, c.want, c.not)
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f, err := Trend("TTFT p95", "", "TTFT p95 (ms)", 0, []TrendPoint{{Start: t0, Level: 1, Value: 42}, {Start: t0.Add(time.Hour), Level: 1, Value: 30}})
	if err != nil {
		t.Fatal(err)
	}
	checkTickLabels(t, f, "0", "0.00")
}

func checkTickLabels(t *testing.T, f *Figure, want, not string) {
	t.Helper()
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, b.Bytes())
	if _, ok := texts[not]; ok {
		t.Errorf("%s: tick %q; want it written %q", f.Name, not, want)
	}
	if _, ok := texts[want]; !ok {
		t.Errorf("%s: no tick %q", f.Name, want)
	}
}

// The latency panel's legend (runs, percentile markers) sits above the
// data: the headroom grows with the legend's rows, and on a log axis with
// the decades spanned. A TTFT of 1.4 ms beside one of 60 s (a log axis of
// five decades) got ×3 of headroom, a tenth of the panel, and the slow
// run's markers were drawn under the legend.
func TestLatencyLegendHeadroom(t *testing.T) {
	lv := func(tps, ttft float64) report.Level {
		return report.Level{Level: 1, OutputTokensPerS: tps, TTFTMS: report.Dist{N: 30, P50: ttft, P95: ttft * 1.5, P99: ttft * 2}}
	}
	cases := map[string][]Run{
		"log, two runs": {{Label: "tiny", Summary: &report.Summary{Levels: []report.Level{lv(5e5, 1.4), lv(6e5, 4.8)}}},
			{Label: "slow", Summary: &report.Summary{Levels: []report.Level{lv(0.1, 60000)}}}},
	}
	var seven []Run
	for i := range 7 {
		seven = append(seven, Run{Label: fmt.Sprintf("h100-sxm-vllm-0.11.2-tp2-fp8-maxbatch256-v%d", i), Summary: &report.Summary{Levels: []report.Level{lv(300, 20+float64(i))}}})
	}
	cases["linear, seven runs"] = seven
	for name, runs := range cases {
		p := latencyPanel(runs, sloPercentile(report.SLO{}), "TTFT", "TTFT", func(l *report.Level) report.Dist { return l.TTFTMS }, 0, "")
		top := 0.0
		for _, r := range runs {
			for _, l := range r.Summary.Levels {
				top = max(top, l.TTFTMS.P99)
			}
		}
		sharedLegend(p, runs, report.SLO{})
		r := p.Legend.Rectangle(draw.Canvas{})
		room := float64((r.Max.Y - r.Min.Y) / latencyPanelHeight)
		share := (top - p.Y.Min) / (p.Y.Max - p.Y.Min)
		if _, isLog := p.Y.Scale.(gplot.LogScale); isLog {
			share = math.Log(top/p.Y.Min) / math.Log(p.Y.Max/p.Y.Min)
		}
		if share > 1-room {
			t.Errorf("%s: the highest marker is %.0f %% up the axis [%g, %g]; the legend takes the top %.0f %%", name, 100*share, p.Y.Min, p.Y.Max, 100*room)
		}
	}
}

// A trend of nine levels keeps its lines under its legend of nine rows:
// the headroom was a fixed ×1.25, a fifth of the axis, and the legend a
// third of it.
func TestTrendLegendAboveLines(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var pts []TrendPoint
	top := 0.0
	for i := range 30 {
		for k, lv := range []float64{1, 2, 4, 8, 16, 32, 64, 128, 256} {
			v := 23 + float64(k) + 2*float64(i%7)
			top = max(top, v)
			pts = append(pts, TrendPoint{Start: t0.Add(time.Duration(i) * 13 * time.Hour), Level: lv, Value: v})
		}
	}
	p, err := trendPlot("TTFT p95 (ms)", pts)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Legend.Rectangle(draw.Canvas{})
	room := float64((r.Max.Y - r.Min.Y) / trendPanelHeight)
	if share := top / p.Y.Max; share > 1-room {
		t.Errorf("the highest point is %.0f %% up the axis [0, %g]; the legend takes the top %.0f %%", 100*share, p.Y.Max, 100*room)
	}
}

// Point labels do not overlap: the level labels of three runs whose first
// levels lie a few points apart ("1" and "4" of one run over "1" and "4"
// of another read "14") move to another side of their point, or are left
// out when no side is free, and stay inside the plot.
func TestPlacePointLabelsNoOverlap(t *testing.T) {
	p := vg.Points
	box := func(w vg.Length) vg.Rectangle {
		return vg.Rectangle{Min: vg.Point{X: p(4), Y: p(3)}, Max: vg.Point{X: p(4) + w, Y: p(3) + p(8)}}
	}
	anchors := []vg.Point{{X: p(40), Y: p(300)}, {X: p(44), Y: p(301)}, {X: p(48), Y: p(299)}, {X: p(42), Y: p(300)}, {X: p(46), Y: p(300)}, {X: p(41), Y: p(300)}, {X: p(41), Y: p(300)}, {X: p(700), Y: p(355)}}
	boxes := []vg.Rectangle{box(p(5)), box(p(5)), box(p(10)), box(p(5)), box(p(5)), box(p(5)), box(p(5)), box(p(15))}
	bounds := vg.Rectangle{Max: vg.Point{X: p(710), Y: p(360)}}
	at, ok := placePointLabels(anchors, boxes, bounds, nil)
	var placed []vg.Rectangle
	for i := range anchors {
		if !ok[i] {
			continue
		}
		w, h := boxes[i].Max.X-boxes[i].Min.X, boxes[i].Max.Y-boxes[i].Min.Y
		r := vg.Rectangle{Min: at[i], Max: vg.Point{X: at[i].X + w, Y: at[i].Y + h}}
		if overlapsAny(r, placed) {
			t.Errorf("label %d at %v overlaps a label placed before it", i, r)
		}
		if r.Min.X < 0 || r.Max.X > bounds.Max.X || r.Min.Y < 0 || r.Max.Y > bounds.Max.Y {
			t.Errorf("label %d at %v leaves the plot %v", i, r, bounds)
		}
		placed = append(placed, r)
	}
	if want := []bool{true, true, true, true, true, true, false, true}; !slices.Equal(ok, want) {
		t.Errorf("placed = %v; want %v", ok, want)
	}
	// The last one, near the top-right corner, went down and left.
	if at[7].X >= anchors[7].X || at[7].Y >= anchors[7].Y {
		t.Errorf("label near the corner at %v; want below and left of its point %v", at[7], anchors[7])
	}
}

// A level whose every request failed has no point in the level figures;
// their captions name it, so it is not taken for a level never run.
func TestLevelFiguresNameLevelsWithoutSuccess(t *testing.T) {
	s := &report.Summary{Levels: []report.Level{
		{Level: 1, OutputTokensPerS: 300, TTFTMS: report.Dist{N: 20, P50: 21}, TPOTMS: report.Dist{N: 20, P50: 2}, UserOutputTokensPerS: report.Dist{N: 20, P50: 500}, Requests: report.Requests{Total: 20, OK: 20}},
		{Level: 4, Requests: report.Requests{Total: 20, Failed: 20}},
	}}
	runs := []Run{{Label: "zerook", Summary: s}}
	for _, f := range []*Figure{LatencyThroughput(runs, report.SLO{}), Pareto(runs)} {
		if !strings.Contains(f.Caption, "Not drawn, no successful request: zerook level 4.") {
			t.Errorf("%s caption does not name the level without success: %q", f.Name, f.Caption)
		}
	}
}

// The stated volume's dashed line stops below the crossover's legend where
// it would cross it: with one option whose break-even is 30 times the
// stated volume, the legend's last line ("1: gpu8 vs openai/gpt-4o, 306M
// tok/day") ran through the line and into its label.
func TestCrossoverVolumeLineClearsLegend(t *testing.T) {
	ch := CrossoverChart{VolumeTokensPerDay: 10e6,
		APIs:       []APILine{{"openai/gpt-4o", 4.375}, {"openai/gpt-4o-mini", 0.2625}, {"groq/llama-3.1-8b-instant", 0.0575}},
		Options:    []SelfHosted{{Label: "self-hosted gpu8, 8 × aws-p5-od", GPUMonthUSD: 40000, GPUsPerReplica: 1, CapacityTokensPerS: 4649}},
		BreakEvens: []Mark{{Label: "gpu8 vs openai/gpt-4o, 306M tok/day", MonthlyTokens: 40000 / 4.375e-6, MonthlyUSD: 40000}}}
	f := Crossover(ch)
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<path d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)" style="fill:none;stroke:#000000;stroke-dasharray:6,3"`).FindSubmatch(b.Bytes())
	if m == nil {
		t.Fatal("no stated-volume line in the SVG")
	}
	x, _ := strconv.ParseFloat(string(m[1]), 64)
	y0, _ := strconv.ParseFloat(string(m[2]), 64)
	y1, _ := strconv.ParseFloat(string(m[4]), 64)
	top := max(y0, y1)
	ts := labelStyle(9)
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		if !strings.Contains(tx.text, "/1M") && !strings.Contains(tx.text, "tok/day") && !strings.Contains(tx.text, "self-hosted") {
			continue // not a legend entry
		}
		w := float64(ts.Width(tx.text) / vg.Points(1))
		if x >= tx.x && x <= tx.x+w && top > tx.y-2 {
			t.Errorf("the stated-volume line (x %.1f, up to %.1f pt) crosses the legend entry %q (x %.1f–%.1f, baseline %.1f pt)", x, top, tx.text, tx.x, tx.x+w, tx.y)
		}
	}
}

type svgText struct {
	text string
	x, y float64
}

// svgTextBoxes lists the texts of a gonum SVG with their x and their
// baseline's height above the bottom edge, in points.
func svgTextBoxes(t *testing.T, b []byte) []svgText {
	t.Helper()
	re := regexp.MustCompile(`<text x="([-\d.]+)" y="([-\d.]+)"[^>]*\n?[^>]*>([^<]*)</text>`)
	var out []svgText
	for _, m := range re.FindAllSubmatch(b, -1) {
		x, _ := strconv.ParseFloat(string(m[1]), 64)
		y, _ := strconv.ParseFloat(string(m[2]), 64)
		out = append(out, svgText{text: string(m[3]), x: x, y: -y})
	}
	if len(out) == 0 {
		t.Fatal("no text in the SVG")
	}
	return out
}

// The ITL histogram's range covers the 1–99 % quantiles of the gaps it can
// draw: with 8 % of a level's tokens delivered in the same read as the one
// before (gaps under 1 µs, counted apart), its 1 % quantile fell under
// the bins and the axis began at 0.001 ms, 3 decades of empty bars left of
// the bulk at 1–3 ms.
func TestITLHistogramRangeIgnoresUnderflow(t *testing.T) {
	h := NewLogHist()
	h.Add(0, 80)
	h.Add(0.0004, 20)
	for i := range 900 {
		h.Add(1+2*float64(i)/900, 1)
	}
	f := ITLHistogram([]HistCurve{{"level 64", h}}, "Inter-token latency")
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, b.Bytes())
	for _, tick := range []string{"0.001", "0.01", "0.1"} {
		if _, ok := texts[tick]; ok {
			t.Errorf("x axis has a tick %q: it starts far below the gaps drawn (1–3 ms)", tick)
		}
	}
	if !strings.Contains(f.Caption, "level 64 10.00 %") {
		t.Errorf("caption does not give the 10 %% of tokens outside the range: %q", f.Caption)
	}
	// Every gap under the bins: not "no request had two token events".
	under := NewLogHist()
	under.Add(0.0002, 50)
	b.Reset()
	if err := ITLHistogram([]HistCurve{{"level 1", under}}, "Inter-token latency").Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "every inter-token gap under 1 µs") {
		t.Errorf("a histogram of gaps all under 1 µs does not say so")
	}
}

// Eight runs' bars have eight different fills: the seventh run's bars were
// filled like the first's, and the cost legend could not tell them apart.
// A bar is filled with its run's colour (TestRunHasOneColourInEveryFigure).
func TestBarFillsDistinctForEightRuns(t *testing.T) {
	seen := map[color.Color]int{}
	for i := range 8 {
		f := styleOf(i).Color
		if j, ok := seen[f]; ok {
			t.Errorf("runs %d and %d have the same bar fill %v", j, i, f)
		}
		seen[f] = i
	}
}

// The cost figure's value labels do not overlap: with seven runs the bars
// are narrower than "$1.529", and neighbouring labels of bars of about the
// same height ran together ("$1.529$1.53"); such labels now stand upright,
// each in its bar's column, and labels that fit stay level and apart.
func TestCostBarLabelsDoNotOverlap(t *testing.T) {
	figure := func(runs int) ([]byte, int) {
		var bars []CostBar
		for i, v := range []float64{0.12, 0.41, 1.529, 1.53, 6.173, 0.45, 6.145}[:runs] {
			for k, g := range []string{"on-demand", "reserved-1y", "owned"} {
				bars = append(bars, CostBar{Group: g, Series: fmt.Sprintf("h100-sxm-vllm-0.11.2-tp2-fp8-maxbatch256-v%d", i+1), USDPer1M: v / float64(k+1)})
			}
		}
		var b bytes.Buffer
		if err := CostBars(bars, "Cost per 1M output tokens at the priced level").Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		return b.Bytes(), len(bars)
	}
	svg, n := figure(7)
	uprightRe := regexp.MustCompile(`<g transform="rotate\(90\)">\n<text[^>]*\n?[^>]*>\$[\d.]+</text>`)
	if upright := uprightRe.FindAll(svg, -1); len(upright) != n {
		t.Errorf("seven runs: %d of the %d bar labels stand upright; want all", len(upright), n)
	}
	svg, n = figure(2)
	ts := labelStyle(8)
	var boxes []vg.Rectangle
	var names []string
	for _, tx := range svgTextBoxes(t, svg) {
		if !strings.HasPrefix(tx.text, "$") || strings.Contains(tx.text, "per 1M") {
			continue
		}
		x, y := vg.Length(tx.x)*vg.Points(1), vg.Length(tx.y)*vg.Points(1) // x: the left edge
		r := vg.Rectangle{Min: vg.Point{X: x, Y: y - vg.Points(2)}, Max: vg.Point{X: x + ts.Width(tx.text), Y: y + vg.Points(6)}}
		for i, o := range boxes {
			if overlapsAny(r, []vg.Rectangle{o}) {
				t.Errorf("two runs: bar labels %q and %q overlap", names[i], tx.text)
			}
		}
		boxes, names = append(boxes, r), append(names, tx.text)
	}
	if up := len(uprightRe.FindAll(svg, -1)); len(boxes) != n || up > 0 {
		t.Errorf("two runs: %d level bar labels (want %d), %d upright (want none)", len(boxes), n, up)
	}
}

// A crossover of seven runs: its legend of 22 rows goes below the plot
// instead of over its lines, and break-evens at one point (runs of the same
// GPU and price) share one ring and one label ("1, 4, 6") instead of
// numbers drawn over one another ("81").
func TestCrossoverManyRuns(t *testing.T) {
	ch := CrossoverChart{VolumeTokensPerDay: 10e6, APIs: []APILine{{"openai/gpt-4o", 4.375}, {"openai/gpt-4o-mini", 0.2625}, {"groq/llama-3.1-8b-instant", 0.0575}}}
	for i := range 7 {
		name := fmt.Sprintf("h100-sxm-vllm-0.11.2-tp2-fp8-maxbatch256-v%d", i+1)
		ch.Options = append(ch.Options, SelfHosted{Label: "self-hosted " + name + ", aws-p5-od", GPUMonthUSD: 5000, GPUsPerReplica: 1, CapacityTokensPerS: 300 * float64(1+i%3)})
		ch.BreakEvens = append(ch.BreakEvens, Mark{Label: name + " vs openai/gpt-4o, 38.3M tok/day", MonthlyTokens: 5000 / 4.375e-6, MonthlyUSD: 5000})
		if i < 2 {
			ch.BreakEvens = append(ch.BreakEvens, Mark{Label: name + " vs openai/gpt-4o-mini, 638M tok/day", MonthlyTokens: 5000 / 0.2625e-6, MonthlyUSD: 5000})
		}
	}
	f := Crossover(ch)
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	plotBottom := svgPlotBottom(t, b.Bytes())
	texts := svgTextBoxes(t, b.Bytes())
	ts := labelStyle(9)
	var numbers []vg.Rectangle
	var numTexts []string
	for _, tx := range texts {
		if strings.HasPrefix(tx.text, "self-hosted") || strings.HasPrefix(tx.text, "API ") || strings.Contains(tx.text, " vs ") {
			if tx.y+7 > plotBottom {
				t.Errorf("legend entry %q (baseline %.1f pt) is inside the plot (from %.1f pt up)", tx.text, tx.y, plotBottom)
			}
			continue
		}
		if regexp.MustCompile(`^\d+(, \d+)*$`).MatchString(tx.text) && tx.x > 60 { // not a y tick
			x, y := vg.Length(tx.x)*vg.Points(1), vg.Length(tx.y)*vg.Points(1)
			r := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + ts.Width(tx.text), Y: y + vg.Points(7)}}
			for i, o := range numbers {
				if overlapsAny(r, []vg.Rectangle{o}) {
					t.Errorf("break-even labels %q and %q overlap", numTexts[i], tx.text)
				}
			}
			numbers, numTexts = append(numbers, r), append(numTexts, tx.text)
		}
	}
	slices.Sort(numTexts)
	if want := []string{"1, 3, 5, 6, 7, 8, 9", "2, 4"}; !slices.Equal(numTexts, want) {
		t.Errorf("break-even labels %q; want the nine break-evens at two points under one label each, %q", numTexts, want)
	}
}

// svgPlotBottom is the bottom edge of the first plot background (a white
// rectangle after the whole figure's) of a gonum SVG, in points above the
// figure's bottom edge.
func svgPlotBottom(t *testing.T, b []byte) float64 {
	t.Helper()
	m := regexp.MustCompile(`<path d="M[\d.]+,([\d.]+)L[^"]*Z" style="fill:#FFFFFF"`).FindAllSubmatch(b, 2)
	if len(m) < 2 {
		t.Fatal("no plot background in the SVG")
	}
	v, _ := strconv.ParseFloat(string(m[1][1]), 64)
	return v
}

// The timeline's caption gives the width of the bins its request series
// are averaged over: a level shorter than a bin (0.6 s of level 16 in a
// 0.5 s bin shared with level 4) read 2,000 tokens/s on the timeline and
// 4,649 in the tables, with nothing to say why.
func TestTimelineCaptionGivesBinWidth(t *testing.T) {
	tl := Timeline{Label: "gpu8", BinS: 0.5, Series: map[Quantity][]Point{OutputTokensPerS: {{T: 0.25, V: 300}, {T: 0.75, V: 2000}}}}
	if c := TimelineFigure([]Timeline{tl}).Caption; !strings.Contains(c, "averaged over 0.5 s bins") {
		t.Errorf("timeline caption does not give the bin width: %q", c)
	}
}

// A CDF of seven runs with long labels keeps its plot wide: the legend
// column beside it was as wide as the longest label, nearly half the
// figure, and the curves were squeezed into the rest; such a legend goes
// below the plot.
func TestCDFLongLegendBelow(t *testing.T) {
	var curves []Curve
	for i := range 7 {
		var v []float64
		for k := range 40 {
			v = append(v, 20+float64(i)+float64(k)/10)
		}
		curves = append(curves, Curve{Label: fmt.Sprintf("h100-sxm-vllm-0.11.2-tp2-fp8-maxbatch256-v%d, level 256", i+1), Values: v})
	}
	f := CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", curves, 0, "")
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<path d="M([\d.]+),[\d.]+L([\d.]+),[\d.]+L[^"]*Z" style="fill:#FFFFFF"`).FindAllSubmatch(b.Bytes(), 2)
	if len(m) < 2 {
		t.Fatal("no plot background in the SVG")
	}
	x0, _ := strconv.ParseFloat(string(m[1][1]), 64)
	x1, _ := strconv.ParseFloat(string(m[1][2]), 64)
	if w := float64(f.Width / vg.Points(1)); x1-x0 < 0.8*w {
		t.Errorf("the plot is %.0f pt of the figure's %.0f pt width; want at least 80 %%", x1-x0, w)
	}
}

// A percentage panel of the timeline (GPU utilization, KV-cache use) has
// no tick above 100 %: the headroom for the level labels took the axis to
// 140 and its ticks read "120".
func TestTimelinePercentTicksStopAt100(t *testing.T) {
	var runs []Timeline
	for i := range 3 {
		tl := Timeline{Label: fmt.Sprintf("run%d", i), Series: map[Quantity][]Point{}, Levels: []LevelMark{{StartS: 1, Label: "1"}}}
		for k := range 10 {
			tl.Series[InFlight] = append(tl.Series[InFlight], Point{T: float64(k), V: 1})
			tl.Series[GPUUtilization] = append(tl.Series[GPUUtilization], Point{T: float64(k), V: 99})
			tl.Series[KVCache] = append(tl.Series[KVCache], Point{T: float64(k), V: 5})
		}
		runs = append(runs, tl)
	}
	var b bytes.Buffer
	if err := TimelineFigure(runs).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	for text := range svgTexts(t, b.Bytes()) {
		if v, err := strconv.ParseFloat(text, 64); err == nil && v > 100 {
			t.Errorf("tick %q above 100 on a timeline whose panels are requests in flight and percentages", text)
		}
	}
}

// timelineBins names one width when the runs agree and each run's when
// they differ; runs that state none are left out.
func TestTimelineBins(t *testing.T) {
	for _, tt := range []struct {
		runs []Timeline
		want string
	}{
		{nil, ""},
		{[]Timeline{{Label: "a"}}, ""},
		{[]Timeline{{Label: "a", BinS: 0.5}, {Label: "b", BinS: 0.5}, {Label: "c"}}, "0.5 s"},
		{[]Timeline{{Label: "a", BinS: 0.5}, {Label: "b", BinS: 5}}, "0.5 s (a), 5 s (b)"},
		{[]Timeline{{Label: "a"}, {Label: "b (x)", BinS: 1}, {Label: "c", BinS: 2}}, "1 s (b (x)), 2 s (c)"},
	} {
		if got := timelineBins(tt.runs); got != tt.want {
			t.Errorf("timelineBins(%v) = %q; want %q", tt.runs, got, tt.want)
		}
	}
}

// At 72 dpi the chunk is the common one image editors write, byte for
// byte: length 9, "pHYs", 2835 pixels per metre both ways (72 / 0.0254 =
// 2834.6), unit 1 (the metre), CRC 0x009a9c18; right after the IHDR chunk,
// the rest untouched.
func TestWritePNGWithPHYsBytes(t *testing.T) {
	head := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 13+4)...)
	rest := []byte("\x00\x00\x00\x00IEND\xaeB`\x82")
	var b bytes.Buffer
	if err := writePNGWithPHYs(&b, append(slices.Clone(head), rest...), 72); err != nil {
		t.Fatal(err)
	}
	want := string(head) + "\x00\x00\x00\x09pHYs\x00\x00\x0b\x13\x00\x00\x0b\x13\x01\x00\x9a\x9c\x18" + string(rest)
	if b.String() != want {
		t.Errorf("72 dpi:\n got % x\nwant % x", b.Bytes(), want)
	}
	if err := writePNGWithPHYs(&b, []byte("\x89PNG\r\n\x1a\n"), 72); err == nil {
		t.Error("a PNG without IHDR: no error")
	}
}

// CostBars sets its headroom before drawing by costLabelsUpright's estimate
// of the bars' width (500 pt of data); the labels stand upright or not at
// draw time by the bars' real width. The two agree for one to nine runs of
// three groups ("$1.529" stands from five runs), so upright labels get
// their 30 % and level ones 15 %.
func TestCostLabelsUprightEstimate(t *testing.T) {
	uprightRe := regexp.MustCompile(`<g transform="rotate\(90\)">\n<text[^>]*\n?[^>]*>\$[\d.]+</text>`)
	for runs := 1; runs <= 9; runs++ {
		var bars []CostBar
		widest := vg.Length(0)
		for i := range runs {
			for k, g := range []string{"on-demand", "reserved-1y", "owned"} {
				v := 1.529 / float64(k+1)
				bars = append(bars, CostBar{Group: g, Series: fmt.Sprintf("run-%d", i+1), USDPer1M: v})
				widest = max(widest, labelStyle(8).Width(usdLabel(v)))
			}
		}
		var b bytes.Buffer
		if err := CostBars(bars, "cost").Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		drawn := len(uprightRe.FindAll(b.Bytes(), -1)) > 0
		if est := costLabelsUpright(3, runs, widest); est != drawn {
			t.Errorf("%d runs: labels upright %v when drawn, estimated %v", runs, drawn, est)
		}
	}
}

// inRangeBin by hand: bin i starts at 0.001 ms · 10^(i/200), so 0.01 ms is
// bin 200 and 1 ms bin 600. Values under the bins (8 gaps under 1 µs) do
// not move the 1 % quantile of those within them; none within: -1.
func TestInRangeBinByHand(t *testing.T) {
	h := NewLogHist()
	h.Add(1e-4, 8)
	h.Add(0.01, 1)
	h.Add(1, 99)
	h.Add(1e7, 3) // over the top
	if lo, hi := h.inRangeBin(0.01), h.inRangeBin(0.99); lo != 200 || hi != 600 {
		t.Errorf("inRangeBin(0.01), (0.99) = %d, %d; want 200, 600", lo, hi)
	}
	under := NewLogHist()
	under.Add(1e-4, 5)
	if b := under.inRangeBin(0.5); b != -1 {
		t.Errorf("every value under the bins: inRangeBin = %d; want -1", b)
	}
}

// legendHeadroom by hand: with no legend rows the top 31 % of the axis is
// left above the data (linear 0–10: to 10 / 0.69 = 14.49; log 1–100: to
// 10^(2/0.69) = 791.7, the data's two decades 69 % of the axis's 2.90);
// with rows, the share above the data is the legend's height and 10 pt
// over the panel's, between 31 % and 60 %.
func TestLegendHeadroomByHand(t *testing.T) {
	lin := newPlot("", "x", "y")
	lin.Y.Min, lin.Y.Max = 0, 10
	legendHeadroom(lin, latencyPanelHeight)
	logp := newPlot("", "x", "y")
	logAxis(&logp.Y)
	logp.Y.Min, logp.Y.Max = 1, 100
	legendHeadroom(logp, latencyPanelHeight)
	if math.Abs(lin.Y.Max-14.4928) > 1e-3 || math.Abs(logp.Y.Max-791.7) > 0.1 {
		t.Errorf("no legend: linear top %g (want 14.4928), log top %g (want 791.7)", lin.Y.Max, logp.Y.Max)
	}
	rows := newPlot("", "x", "y")
	logAxis(&rows.Y)
	rows.Y.Min, rows.Y.Max = 1, 100
	for i := range 14 {
		rows.Legend.Add(fmt.Sprintf("row %d", i), hLine{})
	}
	r := rows.Legend.Rectangle(draw.Canvas{})
	want := min(0.6, max(0.31, float64((r.Max.Y-r.Min.Y+vg.Points(10))/latencyPanelHeight)))
	legendHeadroom(rows, latencyPanelHeight)
	if got := 1 - 2/math.Log10(rows.Y.Max); math.Abs(got-want) > 1e-9 || want <= 0.31 {
		t.Errorf("14 rows: %.3f of the log axis above the data; want %.3f (over 0.31)", got, want)
	}
}

// A capacity line near the left edge stops below the shared legend of the
// latency figure, and so does its label: in the demo under load the A100's
// capacity sat at 625 of 5,300 tok/s, and "capacity a100-80gb" was written
// across "SLO p95 ≤ 1s" at the top of the legend.
func TestCapacityLabelClearsTheLegend(t *testing.T) {
	levels := func(scale float64) []report.Level {
		var ls []report.Level
		for i, lv := range []float64{16, 32, 48} {
			f := float64(i + 1)
			ls = append(ls, report.Level{Level: lv, OutputTokensPerS: scale * 200 * f, Requests: report.Requests{Total: 200, OK: 200},
				TTFTMS: report.Dist{N: 200, P50: 80 * f, P95: 600 * f, P99: 900 * f}, TPOTMS: report.Dist{N: 200, P50: 30, P95: 60, P99: 80}})
		}
		return ls
	}
	slow := &report.Summary{Levels: levels(1), Capacity: &report.Capacity{Level: 16, OutputTokensPerS: 200}}
	fast := &report.Summary{Levels: levels(9), Capacity: &report.Capacity{Level: 48, OutputTokensPerS: 5400}}
	runs := []Run{{Label: "a100-80gb", Summary: slow, GPUs: 1}, {Label: "h100-sxm", Summary: fast, GPUs: 1}}
	var b bytes.Buffer
	if err := LatencyThroughput(runs, report.SLO{TTFT: time.Second}).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	ts := labelStyle(9)
	var label *svgText
	var legend []svgText
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		switch {
		case tx.text == "capacity a100-80gb" && (label == nil || tx.x < label.x):
			label = &tx // the left panel's (the right one has no legend)
		case tx.text == "SLO p95 ≤ 1s" || tx.text == "a100-80gb" || tx.text == "h100-sxm" || tx.text == "p50" || tx.text == "p95" || tx.text == "p99" || tx.text == "capacity at SLO":
			legend = append(legend, tx)
		}
	}
	if label == nil || len(legend) != 7 {
		t.Fatalf("capacity label %v, %d legend entries; want one and 7", label, len(legend))
	}
	box := func(tx svgText) vg.Rectangle {
		x, y := vg.Length(tx.x)*vg.Points(1), vg.Length(tx.y)*vg.Points(1)
		return vg.Rectangle{Min: vg.Point{X: x, Y: y - vg.Points(2)}, Max: vg.Point{X: x + ts.Width(tx.text), Y: y + vg.Points(7)}}
	}
	for _, e := range legend {
		if overlapsAny(box(*label), []vg.Rectangle{box(e)}) {
			t.Errorf("%q (x %.1f, baseline %.1f pt) is written across the legend entry %q (x %.1f, baseline %.1f pt)", label.text, label.x, label.y, e.text, e.x, e.y)
		}
	}
}

// An axis writes its thousands one way: once a label reads "10k", a tick
// of 5,000 beside it reads "5k", not "5000" (the cost plots' token axes
// read "1000, 10k, 100k"; a linear axis to 15,000 read "5000, 10k, 15k").
// Below 10,000 an axis keeps its digits ("2500", a milliseconds axis).
func TestAxisWritesThousandsOneWay(t *testing.T) {
	labels := func(ticks []gplot.Tick) []string {
		var out []string
		for _, tk := range ticks {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		ticks []gplot.Tick
		want  []string
	}{
		{"log, decades", (logTicks{}).Ticks(100, 1e6), []string{"100", "200", "500", "1k", "2k", "5k", "10k", "20k", "50k", "100k", "200k", "500k", "1M"}},
		{"log, 2 and 5", (logTicks{}).Ticks(1000, 20000), []string{"1k", "2k", "5k", "10k", "20k"}},
		{"linear to 15,000", (compactTicks{}).Ticks(0, 15000), []string{"0", "5k", "10k", "15k"}},
		{"linear to 17,500", (compactTicks{}).Ticks(0, 17500), []string{"0", "5k", "10k", "15k"}},
		{"linear below 10,000", (compactTicks{}).Ticks(0, 7500), []string{"0", "2000", "4000", "6000"}},
	} {
		if got := labels(tt.ticks); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: labels %v; want %v", tt.name, got, tt.want)
		}
	}
}
