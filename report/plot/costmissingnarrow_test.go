package plot

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// The label of a missing bar stays in its slot: six runs, of which the
// L40S and MI300X have no reserved-1y or reserved-3y price and four have
// no spot price, wrote three-line "no reserved-1y / price in / the catalog"
// labels several slots wide over each other and over the neighbouring
// bars (a qualification of six GPUs, 2026-12-06). A label wider than its
// slot now stands upright in it, as the value labels do.
func TestCostMissingLabelsStayInTheirSlots(t *testing.T) {
	runs := []string{"a100-80gb", "h100-sxm", "a100-40gb", "h200", "l40s", "mi300x"}
	var bars []CostBar
	for ri, r := range runs {
		for gi, g := range []string{"on-demand", "reserved-1y", "reserved-3y", "spot", "owned"} {
			missing := (g == "reserved-1y" || g == "reserved-3y") && ri >= 4 || g == "spot" && ri != 1 && ri != 3
			v := 0.0
			if !missing {
				v = 0.9 / float64(gi+1) / float64(ri%3+1)
			}
			bars = append(bars, CostBar{Group: g, Series: r, USDPer1M: v, Run: ri})
		}
	}
	var b bytes.Buffer
	if err := CostBars(bars, "Cost per 1M output tokens").Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	labels := missingLabelBoxes(t, svg)
	if len(labels) < 8 {
		t.Fatalf("%d missing-bar label lines found; want one at least for each of the 8 missing bars", len(labels))
	}
	for i, a := range labels {
		for _, o := range labels[i+1:] {
			if a.slot != o.slot && overlaps(a.box, o.box) {
				t.Errorf("missing-bar labels %q (at x %.1f) and %q (at x %.1f) overlap", a.text, a.box.Min.X, o.text, o.box.Min.X)
			}
		}
		for _, r := range barRects(svg) {
			if overlaps(a.box, r) {
				t.Errorf("missing-bar label %q (x %.1f–%.1f) lies over a bar (x %.1f–%.1f)", a.text, a.box.Min.X, a.box.Max.X, r.Min.X, r.Max.X)
			}
		}
	}
}

type labelBox struct {
	text string
	slot float64 // the x of its anchor: the lines of one label share it
	box  vg.Rectangle
}

// missingLabelBoxes finds the lines of the missing-bar labels and their
// boxes in page points (y up), upright ones turned.
func missingLabelBoxes(t *testing.T, svg string) []labelBox {
	t.Helper()
	re := regexp.MustCompile(`(<g transform="rotate\(90\)">\n)?<text x="([-\d.]+)" y="([-\d.]+)"[^>]*\n?[^>]*>([^<]*)</text>`)
	var out []labelBox
	slot := 0.0
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		text := m[4]
		if !strings.HasPrefix(text, "no ") && text != "price in" && text != "the catalog" {
			continue
		}
		x, _ := strconv.ParseFloat(m[2], 64)
		y, _ := strconv.ParseFloat(m[3], 64)
		w := float64(labelStyle(8).Width(text) / vg.Points(1))
		var box vg.Rectangle
		if m[1] != "" {
			// rotate(90) of (x, −y): the baseline at page x = y, reading
			// upwards from page y = x; the glyphs' ascent (0.9 em) lies left
			// of the baseline, their descent (0.2 em) right of it.
			box = rect(y-7.2, x, y+1.6, x+w)
			slot = y
		} else {
			if strings.HasPrefix(text, "no ") {
				slot = x + w/2
			}
			box = rect(x, -y, x+w, -y+8)
		}
		out = append(out, labelBox{text: text, slot: float64(int(slot*10)) / 10, box: box})
	}
	return out
}

// barRects are the filled bars of a cost figure (legend swatches too), in
// page points.
func barRects(svg string) []vg.Rectangle {
	re := regexp.MustCompile(`<path d="M([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)Z"\s*(style="fill:#[0-9A-F]{6}")?\s*/>`)
	var out []vg.Rectangle
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		if strings.Contains(m[9], "FFFFFF") {
			continue // the background
		}
		var v [8]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		out = append(out, rect(min(v[0], v[4]), min(v[1], v[5]), max(v[0], v[4]), max(v[1], v[5])))
	}
	return out
}

func rect(x0, y0, x1, y1 float64) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: vg.Length(x0), Y: vg.Length(y0)}, Max: vg.Point{X: vg.Length(x1), Y: vg.Length(y1)}}
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}
