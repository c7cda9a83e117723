package plot

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
)

func TestLogHistBins(t *testing.T) {
	h := NewLogHist()
	// 10 ms = 1e-3 × 10^4: exactly the lower edge of bin 4 × 200 = 800.
	if got := h.binOf(10); got != 800 {
		t.Errorf("binOf(10) = %d; want 800", got)
	}
	if got := binLow(800); math.Abs(got-10) > 1e-9 {
		t.Errorf("binLow(800) = %v; want 10", got)
	}
	// One bin is 10^(1/200) = 1.0116 wide: 10.1 ms is still in bin 800, 10.2 in 801.
	if got := h.binOf(10.1); got != 800 {
		t.Errorf("binOf(10.1) = %d; want 800", got)
	}
	if got := h.binOf(10.2); got != 801 {
		t.Errorf("binOf(10.2) = %d; want 801", got)
	}
	h.Add(0, 2)    // below the range
	h.Add(5e-4, 1) // below the range
	h.Add(2e6, 1)  // above the range (1,000 s)
	h.Add(10, 3)   // bin 800
	h.Add(20, 2)   // bin 860 (log10(2e4) × 200 = 860.2)
	h.Add(math.NaN(), 1)
	if h.under != 4 || h.over != 1 {
		t.Errorf("under, over = %d, %d; want 4 (0 twice, 5e-4, NaN), 1", h.under, h.over)
	}
	if got := h.N(); got != 10 {
		t.Errorf("N() = %d; want 10", got)
	}
	// Ranks: 1–4 under, 5–7 at 10 ms, 8–9 at 20 ms, 10 over.
	for _, tt := range []struct{ q, want float64 }{
		{0.1, 0}, {0.4, 0}, {0.5, 10}, {0.7, 10}, {0.8, binLow(860)}, {0.9, binLow(860)}, {1, binLow(LogHistDecades * LogHistPerDecade)},
	} {
		if got := h.Quantile(tt.q); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Quantile(%v) = %v; want %v", tt.q, got, tt.want)
		}
	}
	// A read-back value is at most one bin (1.16 %) below the true value.
	for _, v := range []float64{0.0123, 1, 7.77, 49.9, 1234.5} {
		low := binLow(h.binOf(v))
		if !(low <= v && v/low < math.Pow(10, 1.0/LogHistPerDecade)) {
			t.Errorf("binLow(binOf(%v)) = %v; want within one bin below", v, low)
		}
	}
	if got := NewLogHist().Quantile(0.5); got != 0 {
		t.Errorf("empty Quantile = %v; want 0", got)
	}
}

func TestLogTicks(t *testing.T) {
	labels := func(lo, hi float64) []string {
		var out []string
		for _, tk := range (logTicks{}).Ticks(lo, hi) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	if got, want := labels(1, 1000), []string{"1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels(1, 1000) = %v; want %v", got, want)
	}
	// Under a decade every integer multiple is labelled.
	if got, want := labels(10, 40), []string{"10", "20", "30", "40"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels(10, 40) = %v; want %v", got, want)
	}
	if got, want := labels(1e7, 1e9), []string{"10M", "20M", "50M", "100M", "200M", "500M", "1B"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels(1e7, 1e9) = %v; want %v", got, want)
	}
	// The lowest tick is labelled when the first label is far above it
	// (issue #20 item 17: a TTFT axis from 22 ms read "50" first).
	if got, want := labels(22, 1000), []string{"30", "50", "100", "200", "500", "1000"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels(22, 1000) = %v; want %v", got, want)
	}
	if got, want := labels(45, 1000), []string{"50", "100", "200", "500", "1000"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels(45, 1000) = %v; want %v (the lowest tick, 50, has its label)", got, want)
	}
	// Five decades or more: powers of ten only (the ITL histogram's
	// "0.001" and "0.002" ran together).
	if got, want := labels(0.001, 250), []string{"0.001", "0.01", "0.1", "1", "10", "100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels(0.001, 250) = %v; want %v", got, want)
	}
	if got := (logTicks{}).Ticks(0, 10); got != nil {
		t.Errorf("Ticks(0, 10) = %v; want none (a log axis cannot hold 0)", got)
	}
}

func TestFormatTick(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0.05, "0.05"}, {2, "2"}, {500, "500"}, {2500, "2500"}, {20000, "20k"}, {3e6, "3M"}, {1.5e9, "1.5B"}, {2e12, "2T"}} {
		if got := formatTick(tt.v); got != tt.want {
			t.Errorf("formatTick(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
}

// Series styles must differ in dash pattern and marker, not colour alone,
// so a grey print tells them apart.
func TestStylesDistinctWithoutColour(t *testing.T) {
	const n = 6
	for i := range n {
		for j := range i {
			a, b := styleOf(i), styleOf(j)
			if reflect.DeepEqual(a.Dashes, b.Dashes) {
				t.Errorf("styles %d and %d share a dash pattern %v", i, j, a.Dashes)
			}
			if reflect.TypeOf(a.Glyph) == reflect.TypeOf(b.Glyph) {
				t.Errorf("styles %d and %d share a marker %T", i, j, a.Glyph)
			}
			if lum(a.Color) == lum(b.Color) {
				t.Errorf("bar fills %d and %d have the same grey level", i, j)
			}
		}
	}
}

func lum(c interface{ RGBA() (r, g, b, a uint32) }) int {
	r, g, b, _ := c.RGBA()
	return int(0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b))
}

// The step line's cost at every volume is the cost package's:
// ceil(V / monthly capacity) replicas × GPUs × $/GPU-month + ops.
func TestStepLineFollowsReplicasNeeded(t *testing.T) {
	o := SelfHosted{GPUMonthUSD: 2000, GPUsPerReplica: 2, OpsMonthUSD: 500, CapacityTokensPerS: 100}
	perReplica := 100.0 * 86400 * 30 // 259.2M tokens a month
	xys := stepLine(o, 1e8, 1e9)
	// From 100M (1 replica) to 1G (4 replicas): 3 edges, 2 vertices each, plus both ends.
	if len(xys) != 8 {
		t.Fatalf("stepLine gave %d vertices; want 8: %v", len(xys), xys)
	}
	want := []struct{ x, y float64 }{
		{1e8, 4500}, {perReplica, 4500}, {perReplica, 8500}, {2 * perReplica, 8500}, {2 * perReplica, 12500},
		{3 * perReplica, 12500}, {3 * perReplica, 16500}, {1e9, 16500},
	}
	for i, w := range want {
		if math.Abs(xys[i].X-w.x) > 1 || xys[i].Y != w.y {
			t.Errorf("vertex %d = (%v, %v); want (%v, %v)", i, xys[i].X, xys[i].Y, w.x, w.y)
		}
	}
	// Cross-check with the cost package directly, mid-step.
	v := 2.5 * perReplica
	replicas := cost.ReplicasNeeded(v/30, 100)
	if got, want := o.monthlyUSD(v), cost.SelfHostedMonthlyUSD(replicas*2, 2000, 500); replicas != 3 || got != want {
		t.Errorf("monthlyUSD(2.5 replicas' volume) = %v with %d replicas; want %v with 3", got, replicas, want)
	}
	// No measured capacity: one replica serves any volume (flat line).
	flat := stepLine(SelfHosted{GPUMonthUSD: 2000}, 1e6, 1e12)
	if len(flat) != 2 || flat[0].Y != 2000 || flat[1].Y != 2000 {
		t.Errorf("stepLine without capacity = %v; want a flat line at 2000", flat)
	}
}

// sampleSummary is a small two-level summary for figure tests.
func sampleSummary(scale float64) *report.Summary {
	d := func(p50 float64) report.Dist {
		return report.Dist{N: 50, P50: p50, P90: p50 * 1.3, P95: p50 * 1.5, P99: p50 * 2, P999: p50 * 2.2, Mean: p50 * 1.1, Min: p50 / 2, Max: p50 * 2.3}
	}
	s := &report.Summary{}
	for i, lv := range []float64{1, 4, 16} {
		f := math.Pow(2, float64(i))
		s.Levels = append(s.Levels, report.Level{Level: lv, TTFTMS: d(50 * f / scale), TPOTMS: d(10 * f / scale), ITLMS: d(10 * f / scale),
			UserOutputTokensPerS: d(100 / f * scale), OutputTokensPerS: 100 * lv / f * scale, Requests: report.Requests{Total: 50, OK: 50}})
	}
	s.Capacity = &report.Capacity{Level: 4, OutputTokensPerS: s.Levels[1].OutputTokensPerS}
	return s
}

// allFigures builds every figure from synthetic data, and every figure
// from empty data.
func allFigures() (full, empty []*Figure) {
	runs := []Run{{Label: "a100", Summary: sampleSummary(1), GPUs: 1}, {Label: "h100", Summary: sampleSummary(1.8), GPUs: 1}}
	slo := report.SLO{TTFT: 200 * time.Millisecond, TPOT: 50 * time.Millisecond}
	var ttft, tpot []float64
	h1, h2 := NewLogHist(), NewLogHist()
	for i := range 400 {
		x := float64(i%97) / 97
		ttft = append(ttft, 40+100*x*x)
		tpot = append(tpot, 8+4*x)
		h1.Add(10+5*x, 1)
		h2.Add(6+3*x, 2)
	}
	tl := Timeline{Label: "a100", Series: map[Quantity][]Point{}, Levels: []LevelMark{{StartS: 0, Label: "1"}, {StartS: 30, Label: "4"}}}
	for i := range 120 {
		ts := float64(i) / 2
		tl.Series[InFlight] = append(tl.Series[InFlight], Point{ts, float64(1 + i/60*3)})
		tl.Series[OutputTokensPerS] = append(tl.Series[OutputTokensPerS], Point{ts, 100 + 50*float64(i/60)})
		tl.Series[GPUUtilization] = append(tl.Series[GPUUtilization], Point{ts, 30 + 50*float64(i/60)})
		tl.Series[GPUPower] = append(tl.Series[GPUPower], Point{ts, 150 + 200*float64(i/60)})
		tl.Series[KVCache] = append(tl.Series[KVCache], Point{ts, 5 + 20*float64(i/60)})
	}
	full = []*Figure{
		LatencyThroughput(runs, slo),
		Pareto(runs),
		CDF("ttft-cdf", "TTFT", "TTFT (ms)", []Curve{{"a100", ttft}, {"h100", tpot}}, 200, "SLO"),
		ITLHistogram([]HistCurve{{"a100", h1}, {"h100", h2}}, "ITL"),
		TimelineFigure([]Timeline{tl}),
		CostBars([]CostBar{{"on-demand", "a100", 0.55, 0}, {"on-demand", "h100", 0.41, 1}, {"reserved-1y", "a100", 0.35, 0}}, "Cost"),
		Crossover(CrossoverChart{VolumeTokensPerDay: 10e6, APIs: []APILine{{"gpt-4o", 4.375}},
			Options:    []SelfHosted{{Label: "a100", GPUMonthUSD: 2000, GPUsPerReplica: 1, CapacityTokensPerS: 500}},
			BreakEvens: []Mark{{Label: "a100 vs gpt-4o", MonthlyTokens: 2000 / 4.375e-6, MonthlyUSD: 2000}}}),
	}
	none := []Run{{Label: "empty", Summary: &report.Summary{}}}
	empty = []*Figure{
		LatencyThroughput(none, report.SLO{}),
		Pareto(none),
		CDF("empty-cdf", "TTFT", "TTFT (ms)", []Curve{{"x", nil}}, 0, ""),
		ITLHistogram([]HistCurve{{"x", NewLogHist()}}, "ITL"),
		TimelineFigure([]Timeline{{Label: "x"}}),
		CostBars(nil, "Cost"),
		Crossover(CrossoverChart{}),
	}
	return full, empty
}

// Every figure is written as SVG and PNG, and neither is trivial: the SVG
// is well-formed XML with many drawn paths and text, the PNG decodes at
// the figure's size and much of it is not white.
func TestFiguresWriteNonTrivialFiles(t *testing.T) {
	full, empty := allFigures()
	dir := t.TempDir()
	svgs := map[*Figure][]byte{}
	for i, f := range append(full, empty...) {
		// A third of the reports' resolution: the same drawing, rasterized
		// faster (the race detector slows rasterizing tenfold); the reports'
		// own PNGs are checked in report/render.
		f.DPI = PNGDPI / 3
		minInk := 0.01
		if i >= len(full) {
			minInk = 0.003 // axes and a note only
		}
		t.Run(f.Name, func(t *testing.T) {
			var svg, pngBuf bytes.Buffer
			if err := f.Write(&svg, SVG); err != nil {
				t.Fatal(err)
			}
			if err := f.Write(&pngBuf, PNG); err != nil {
				t.Fatal(err)
			}
			svgs[f] = svg.Bytes()
			paths, texts := svgCounts(t, svg.Bytes())
			img, err := png.Decode(bytes.NewReader(pngBuf.Bytes()))
			if err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
			wantW := int(math.Round(float64(f.Width/vg.Inch) * f.DPI))
			if b := img.Bounds(); b.Dx() != wantW {
				t.Errorf("PNG width = %d px; want %d (%.1f in at %v dpi)", b.Dx(), wantW, float64(f.Width/vg.Inch), f.DPI)
			}
			ink := inkShare(img)
			t.Logf("%s: svg %d bytes, %d paths, %d texts; png %d bytes, %.1f %% ink", f.Name, svg.Len(), paths, texts, pngBuf.Len(), 100*ink)
			if paths < 10 || texts < 5 {
				t.Errorf("SVG has %d paths and %d texts; want at least 10 and 5 (axes, ticks, data)", paths, texts)
			}
			if ink < minInk {
				t.Errorf("PNG is %.2f %% non-white; want at least %.1f %%", 100*ink, 100*minInk)
			}
			os.WriteFile(filepath.Join(dir, f.Name+".png"), pngBuf.Bytes(), 0o644)
		})
	}
	// The full figures carry more than the empty ones: data was drawn.
	for i := range full {
		a, b := bytes.NewBuffer(svgs[full[i]]), bytes.NewBuffer(svgs[empty[i]])
		if full[i].Name == "cost" {
			// Nominal x ticks make the bar chart's frame smaller than the
			// empty plot's; its bars carry their values as labels.
			for _, label := range []string{"$0.550", "$0.410", "$0.350", "on-demand", "reserved-1y"} {
				if !bytes.Contains(a.Bytes(), []byte(label)) {
					t.Errorf("cost figure lacks the label %q", label)
				}
			}
			continue
		}
		pa, _ := svgCounts(t, a.Bytes())
		pb, _ := svgCounts(t, b.Bytes())
		if pa <= pb {
			t.Errorf("%s: SVG with data has %d paths, no more than without (%d)", full[i].Name, pa, pb)
		}
	}
	if err := full[0].Write(io.Discard, "gif"); err == nil || !strings.Contains(err.Error(), "svg or png") {
		t.Errorf("Write(gif) = %v; want a format error", err)
	}
}

// gonum's SVG output is byte-stable for equal input, so figures can be
// compared across runs.
func TestSVGDeterministic(t *testing.T) {
	a, _ := allFigures()
	b, _ := allFigures()
	for i := range a {
		var x, y bytes.Buffer
		if err := a[i].Write(&x, SVG); err != nil {
			t.Fatal(err)
		}
		if err := b[i].Write(&y, SVG); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Errorf("%s: two renderings of the same data differ", a[i].Name)
		}
	}
}

// TestSVGFontFallback: every figure's text names Liberation Sans, whose
// metrics laid it out, then the metric-compatible Arial and Helvetica, so a
// viewer without Liberation keeps the labels in place; FontFace embeds the
// font for the HTML report.
func TestSVGFontFallback(t *testing.T) {
	figs, _ := allFigures()
	for _, f := range figs {
		var b bytes.Buffer
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b.Bytes(), []byte(svgFontFamily)) || !bytes.Contains(b.Bytes(), []byte(svgFontFallback)) {
			t.Errorf("%s: SVG text does not name the fallback fonts", f.Name)
		}
	}
	if ff := FontFace(); !strings.HasPrefix(ff, `@font-face { font-family: "Liberation Sans";`) || len(ff) < 400_000 {
		t.Errorf("FontFace = %.80s… (%d bytes); want the whole font as data", ff, len(ff))
	}
}

func svgCounts(t *testing.T, b []byte) (paths, texts int) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "path":
				paths++
			case "text":
				texts++
			}
		}
	}
	return paths, texts
}

// inkShare is the fraction of pixels that are not (near) white.
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

// TestTimeTicks: a trend's time axis is marked at round UTC times, at most
// maxTimeTicks of them and at least two, labelled as precisely as the step
// needs: minutes within a day, dates across days, Mondays across weeks,
// months across years.
func TestTimeTicks(t *testing.T) {
	at := func(s string) float64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return float64(tm.Unix())
	}
	for _, c := range []struct {
		lo, hi string
		want   []string
	}{
		{"2026-12-03T12:04:45Z", "2026-12-03T12:31:10Z", []string{"2026-12-03\n12:05", "2026-12-03\n12:10", "2026-12-03\n12:15", "2026-12-03\n12:20", "2026-12-03\n12:25", "2026-12-03\n12:30"}},
		{"2026-11-28T07:13:00Z", "2026-12-03T07:13:00Z", []string{"2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"}},
		{"2026-09-10T02:00:00Z", "2026-11-20T02:00:00Z", []string{"2026-09-14", "2026-09-28", "2026-10-12", "2026-10-26", "2026-11-09"}},
		{"2025-03-15T00:00:00Z", "2026-12-03T00:00:00Z", []string{"2025-07", "2026-01", "2026-07"}},
	} {
		ticks := timeTicks{}.Ticks(at(c.lo), at(c.hi))
		var got []string
		for _, tk := range ticks {
			got = append(got, tk.Label)
		}
		if len(c.want) > 0 && !slices.Equal(got, c.want) {
			t.Errorf("%s – %s: ticks %q; want %q", c.lo, c.hi, got, c.want)
		}
		if len(got) < 2 || len(got) > maxTimeTicks {
			t.Errorf("%s – %s: %d ticks %q; want 2 to %d", c.lo, c.hi, len(got), got, maxTimeTicks)
		}
	}
}
