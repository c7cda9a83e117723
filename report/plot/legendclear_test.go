package plot

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/inferbench/inferbench/report"
)

// svgLine is one stroked path of a gonum SVG: its vertices in points above
// the figure's bottom-left corner, and its style.
type svgLine struct {
	pts   []vg.Point
	style string
}

// svgLines lists the stroked polylines (M…L…, no arcs) of a gonum SVG.
func svgLines(t *testing.T, b []byte) []svgLine {
	t.Helper()
	re := regexp.MustCompile(`<path d="(M[-\d.,L]+)" style="([^"]*)"`)
	num := regexp.MustCompile(`[ML]([-\d.]+),([-\d.]+)`)
	var out []svgLine
	for _, m := range re.FindAllSubmatch(b, -1) {
		var l svgLine
		for _, p := range num.FindAllSubmatch(m[1], -1) {
			x, _ := strconv.ParseFloat(string(p[1]), 64)
			y, _ := strconv.ParseFloat(string(p[2]), 64)
			l.pts = append(l.pts, vg.Point{X: vg.Length(x), Y: vg.Length(y)})
		}
		l.style = string(m[2])
		out = append(out, l)
	}
	return out
}

// crosses says whether the polyline l passes through r (sampled every
// half point along each segment).
func (l svgLine) crosses(r vg.Rectangle) bool {
	in := func(p vg.Point) bool {
		return p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y
	}
	for i := 1; i < len(l.pts); i++ {
		a, b := l.pts[i-1], l.pts[i]
		d := max(abs(b.X-a.X), abs(b.Y-a.Y))
		n := int(d/0.5) + 1
		for k := 0; k <= n; k++ {
			f := vg.Length(k) / vg.Length(n)
			if in(vg.Point{X: a.X + f*(b.X-a.X), Y: a.Y + f*(b.Y-a.Y)}) {
				return true
			}
		}
	}
	return false
}

func abs(v vg.Length) vg.Length {
	if v < 0 {
		return -v
	}
	return v
}

// The crossover's legend is not drawn over the self-hosted lines: six runs
// of one GPU box at $5,022 a month (a qualification of six settings) with
// three APIs made a legend of 13 rows, under the 130-pt bound that sends a
// legend below the plot, whose last rows ("5: r6-5 vs openai/gpt-4o, 26.8M
// tok/day") were written across the six flat lines at $5,022 in the top
// left corner, where the code's comment held that every line starts low.
func TestCrossoverLegendClearsTheLines(t *testing.T) {
	ch := CrossoverChart{VolumeTokensPerDay: 10e6,
		APIs: []APILine{{"openai/gpt-4o", 6.25}, {"openai/gpt-4o-mini", 0.375}, {"groq/llama-3.1-8b-instant", 0.065}}}
	for i := range 6 {
		name := fmt.Sprintf("r6-%d", i+1)
		ch.Options = append(ch.Options, SelfHosted{Label: "self-hosted " + name + ", aws-p5-od", GPUMonthUSD: 5022.4, GPUsPerReplica: 1,
			CapacityTokensPerS: 780 * float64(i+1), Run: i})
		ch.BreakEvens = append(ch.BreakEvens, Mark{Label: name + " vs openai/gpt-4o, 26.8M tok/day", MonthlyTokens: 5022.4 / 6.25e-6, MonthlyUSD: 5022.4})
	}
	var b bytes.Buffer
	if err := Crossover(ch).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	var data []svgLine
	for _, l := range svgLines(t, b.Bytes()) {
		// The series' lines (width 2.2 for the self-hosted steps, 1.6 for
		// the APIs) with more than the two vertices of a legend swatch.
		if (strings.Contains(l.style, "stroke-width:2.2") || strings.Contains(l.style, "stroke-width:1.6")) && len(l.pts) > 2 {
			data = append(data, l)
		}
	}
	if len(data) < 9 {
		t.Fatalf("found %d series lines in the SVG; want the 6 step lines and 3 API lines", len(data))
	}
	ts := labelStyle(9)
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		if !strings.Contains(tx.text, " vs ") && !strings.HasPrefix(tx.text, "self-hosted ") && !strings.HasPrefix(tx.text, "API ") {
			continue // not a legend entry
		}
		x, y := vg.Length(tx.x), vg.Length(tx.y)
		box := vg.Rectangle{Min: vg.Point{X: x, Y: y - 2}, Max: vg.Point{X: x + ts.Width(tx.text)/vg.Points(1), Y: y + 7}}
		for _, l := range data {
			if l.crosses(box) {
				t.Errorf("legend entry %q (x %.1f, baseline %.1f pt) is written across a series line (%s)", tx.text, tx.x, tx.y, l.style)
				break
			}
		}
	}
}

// The per-user speed figure's legend is not drawn over a run's points or
// their level labels: its legend sat bottom left, where a run far slower
// than the other lies (a CPU server's 6 tokens/s beside a GPU's
// thousands, or the 20-s-TTFT run beside a fast one), and the slow run's
// point and its level label "2" were under the legend's first row.
func TestParetoLegendClearsThePoints(t *testing.T) {
	level := func(l, tput, speed float64) report.Level {
		return report.Level{Level: l, OutputTokensPerS: tput, Requests: report.Requests{Total: 20, OK: 20},
			UserOutputTokensPerS: report.Dist{N: 20, P50: speed}}
	}
	gpu := &report.Summary{Levels: []report.Level{level(1, 80, 80), level(8, 600, 75), level(64, 4000, 62)}}
	cpu := &report.Summary{Levels: []report.Level{level(1, 6, 6), level(2, 10, 5)}}
	var b bytes.Buffer
	if err := Pareto([]Run{{Label: "gpu-box", Summary: gpu, GPUs: 1}, {Label: "cpu-box", Summary: cpu, GPUs: 1}}).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	// The legend: its texts and, left of each (a legend at the left) or
	// right of it (at the right), its swatch (gonum's thumbnail, 28 pt, and
	// a space): both sides counted.
	ts := labelStyle(10)
	var legend []vg.Rectangle
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		if tx.text == "gpu-box" || tx.text == "cpu-box" {
			x, y := vg.Length(tx.x), vg.Length(tx.y)
			legend = append(legend, vg.Rectangle{Min: vg.Point{X: x - 31, Y: y - 3}, Max: vg.Point{X: x + ts.Width(tx.text) + 31, Y: y + 8}})
		}
	}
	// The level labels: the texts in 8-pt type (the axes' ticks are in 10).
	var labels []svgText
	re := regexp.MustCompile(`<text x="([-\d.]+)" y="([-\d.]+)"[^>]*\n?[^>]*font-size:8px[^>]*>([^<]*)</text>`)
	for _, m := range re.FindAllSubmatch(b.Bytes(), -1) {
		x, _ := strconv.ParseFloat(string(m[1]), 64)
		y, _ := strconv.ParseFloat(string(m[2]), 64)
		labels = append(labels, svgText{text: string(m[3]), x: x, y: -y})
	}
	if len(legend) != 2 || len(labels) != 5 {
		t.Fatalf("legend entries %v, level labels %v; want 2 and 5", legend, labels)
	}
	for _, tx := range labels {
		x, y := vg.Length(tx.x), vg.Length(tx.y)
		box := vg.Rectangle{Min: vg.Point{X: x, Y: y - 1}, Max: vg.Point{X: x + labelStyle(8).Width(tx.text), Y: y + 6}}
		if overlapsAny(box, legend) {
			t.Errorf("level label %q (x %.1f, baseline %.1f pt) is under the legend %v", tx.text, tx.x, tx.y, legend)
		}
	}
	for _, l := range svgLines(t, b.Bytes()) {
		if !strings.Contains(l.style, "stroke-width:1.6") || len(l.pts) < 2 {
			continue
		}
		swatch := false
		for _, r := range legend {
			if len(l.pts) == 2 && l.pts[0].Y == l.pts[1].Y && l.pts[1].X-l.pts[0].X <= 28.5 &&
				l.pts[0].X >= r.Min.X-1 && l.pts[1].X <= r.Max.X+1 && l.pts[0].Y >= r.Min.Y && l.pts[0].Y <= r.Max.Y {
				swatch = true
			}
		}
		if swatch {
			continue
		}
		for _, r := range legend {
			if l.crosses(r) {
				t.Errorf("a run's line (%s, %v) runs under the legend entry at %v", l.style, l.pts, r)
			}
		}
	}
}
