package plot

import (
	"bytes"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/inferbench/inferbench/report"
)

// The TPOT panel's legend (its SLO line) and a capacity label at the
// right edge are not written across each other: a one-level run with a
// TTFT and a TPOT SLO has its capacity at its only, highest-throughput
// point, the label turned left of the line at the panel's top right, where
// the TPOT panel's legend was drawn: "SLO p95 ≤ 50ms" and "capacity single"
// printed over one another, neither readable.
func TestTPOTLegendClearsCapacityLabel(t *testing.T) {
	s := &report.Summary{Levels: []report.Level{{Level: 16, OutputTokensPerS: 1950, Requests: report.Requests{Total: 300, OK: 300},
		TTFTMS: report.Dist{N: 300, P50: 16, P95: 17, P99: 17.2}, TPOTMS: report.Dist{N: 300, P50: 8.1, P95: 8.15, P99: 8.2}}},
		Capacity: &report.Capacity{Level: 16, OutputTokensPerS: 1950}}
	f := LatencyThroughput([]Run{{Label: "single", Summary: s, GPUs: 1}}, report.SLO{TTFT: 500 * time.Millisecond, TPOT: 50 * time.Millisecond})
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	half := float64(f.Width/vg.Points(1)) / 2
	ts := labelStyle(9)
	box := func(tx svgText) vg.Rectangle {
		x, y := vg.Length(tx.x)*vg.Points(1), vg.Length(tx.y)*vg.Points(1)
		return vg.Rectangle{Min: vg.Point{X: x, Y: y - vg.Points(2)}, Max: vg.Point{X: x + ts.Width(tx.text), Y: y + vg.Points(7)}}
	}
	var label, legend *svgText
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		if tx.x < half {
			continue // the TTFT panel
		}
		switch tx.text {
		case "capacity single":
			label = &tx
		case "SLO p95 ≤ 50ms":
			legend = &tx
		}
	}
	if label == nil || legend == nil {
		t.Fatalf("TPOT panel: capacity label %v, SLO legend entry %v; want both", label, legend)
	}
	if overlapsAny(box(*label), []vg.Rectangle{box(*legend)}) {
		t.Errorf("%q (x %.1f, baseline %.1f pt) is written across the TPOT legend's %q (x %.1f, baseline %.1f pt)",
			label.text, label.x, label.y, legend.text, legend.x, legend.y)
	}
}
