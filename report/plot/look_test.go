package plot

import (
	"bytes"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/inferbench/inferbench/report"
)

// A level whose measured window starts after the run's last binned point
// is still on the timeline: a run whose every request failed at once
// (connection refused at levels 1, 4 and 16, 0.1 s in all) had its last
// in-flight bin at 0.1 s and level 16's window starting at 0.1032 s; the
// time axis stopped at 0.1 s, level 16's line fell off the panel, and its
// label was written past the figure's right edge, cut to "1".
func TestTimelineAxisHoldsEveryLevel(t *testing.T) {
	tl := Timeline{Label: "multi", BinS: 0.1, Series: map[Quantity][]Point{
		InFlight:         {{T: 0.1, V: 1.4}},
		OutputTokensPerS: {{T: 0.1, V: 0}},
	}, Levels: []LevelMark{{StartS: 0.059, Label: "1"}, {StartS: 0.072, Label: "4"}, {StartS: 0.1032, Label: "16"}}}
	f := TimelineFigure([]Timeline{tl})
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	w := float64(f.Width / vg.Points(1))
	found := false
	for _, tx := range svgTextBoxes(t, b.Bytes()) {
		if tx.text != "16" {
			continue
		}
		found = true
		if right := tx.x + float64(labelStyle(8).Width("16")/vg.Points(1)); right > w-4 {
			t.Errorf("level label %q ends at %.1f pt, past the figure's %.0f pt width less its margin", tx.text, right, w)
		}
	}
	if !found {
		t.Error(`level label "16" not drawn`)
	}
}

// The timeline's time axis writes its ticks as the other axes do: a
// 51-second run's read "0.00", "25.00", "50.00" (gonum's default labels
// take the precision of the widest range they could need).
func TestTimelineTimeTicksCompact(t *testing.T) {
	tl := Timeline{Label: "multi", Series: map[Quantity][]Point{}}
	for k := range 52 {
		tl.Series[InFlight] = append(tl.Series[InFlight], Point{T: float64(k), V: 4})
	}
	var b bytes.Buffer
	if err := TimelineFigure([]Timeline{tl}).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, b.Bytes())
	for _, want := range []string{"10", "20", "50"} {
		if _, ok := texts[want]; !ok {
			t.Errorf("no time tick %q", want)
		}
	}
	for _, not := range []string{"0.00", "25.00", "50.00"} {
		if _, ok := texts[not]; ok {
			t.Errorf("time tick %q: want it written without trailing zeros", not)
		}
	}
}

// A log axis says so in its label, as the crossover's do: TTFT on the
// latency panel and the CDF, and the ITL histogram's milliseconds, were
// log axes labelled "TTFT (ms)" and "ITL per token (ms)", read as linear
// by a reader who did not count the ticks.
func TestLogAxesSaySo(t *testing.T) {
	wide := []float64{20, 35, 60, 110, 400, 900, 1500}
	h := NewLogHist()
	for _, v := range wide {
		h.Add(v/50, 100)
	}
	s := sampleSummary(1)
	s.Levels[2].TTFTMS.P99 = 2000 // 50 ms to 2 s: a log axis
	for _, c := range []struct {
		f         *Figure
		want, not string
	}{
		{CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", []Curve{{"a100", wide}}, 0, ""), "TTFT (ms, log scale)", "TTFT (ms)"},
		{CDF("tpot-cdf", "TPOT distribution", "TPOT (ms per output token)", []Curve{{"a100", []float64{12, 14, 20, 30}}}, 0, ""), "TPOT (ms per output token)", "TPOT (ms per output token, log scale)"},
		{ITLHistogram([]HistCurve{{"a100", h}}, "Inter-token latency"), "ITL per token (ms, log scale)", "ITL per token (ms)"},
		{LatencyThroughput([]Run{{Label: "a100", Summary: s}}, report.SLO{}), "log scale", "TTFT (ms, log scale)"},
	} {
		var b bytes.Buffer
		if err := c.f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		texts := svgTexts(t, b.Bytes())
		if l, r := texts["Time to first token"], texts["Time per output token"]; c.f.Name == "latency-throughput" && math.Abs(l-r) > 0.5 {
			t.Errorf("latency panels' titles at %.1f and %.1f pt: a longer log-axis label lowered one panel", l, r)
		}
		if _, ok := texts[c.want]; !ok {
			t.Errorf("%s: no axis label %q", c.f.Name, c.want)
		}
		if _, ok := texts[c.not]; ok {
			t.Errorf("%s: axis label %q", c.f.Name, c.not)
		}
	}
	for in, want := range map[string]string{"": "", "TTFT (ms)": "TTFT (ms, log scale)", "tokens per day (log scale)": "tokens per day (log scale)", "share": "share (log scale)"} {
		if got := logLabel(in); got != want {
			t.Errorf("logLabel(%q) = %q; want %q", in, got, want)
		}
	}
}

// An empty figure of a run whose every request failed says why in the
// words of the latency figure and the caption: the per-user speed figure
// said "no request with more than one output token", as if the requests
// had succeeded short, and the CDFs said "no values".
func TestEmptyFiguresSayNoSuccess(t *testing.T) {
	failed := &report.Summary{Levels: []report.Level{{Level: 4, Requests: report.Requests{Total: 40, Failed: 40}}}}
	short := &report.Summary{Levels: []report.Level{{Level: 4, OutputTokensPerS: 100, TTFTMS: report.Dist{N: 40, P50: 20}, Requests: report.Requests{Total: 40, OK: 40}}}}
	for _, c := range []struct {
		f    *Figure
		want string
	}{
		{Pareto([]Run{{Label: "allfail", Summary: failed}}), "no successful requests"},
		{Pareto([]Run{{Label: "short", Summary: short}}), "no request with more than one output token"},
		{CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", []Curve{{"level 4", nil}}, 0, ""), "nothing to draw (the caption says why)"},
	} {
		var b bytes.Buffer
		if err := c.f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		if _, ok := svgTexts(t, b.Bytes())[c.want]; !ok {
			t.Errorf("%s: no note %q", c.f.Name, c.want)
		}
	}
}

// A CDF on a linear axis writes its ticks as the other figures do: a run
// with TTFT from 24 to 105 ms read "25.00", "50.00", "75.00", "100.00".
func TestCDFLinearTicksCompact(t *testing.T) {
	var v []float64
	for k := range 84 {
		v = append(v, 24+float64(k))
	}
	f := CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", []Curve{{"level 8", append(v, 105)}}, 0, "")
	var b bytes.Buffer
	if err := f.Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, b.Bytes())
	if _, ok := texts["TTFT (ms)"]; !ok {
		t.Fatal("the axis is not linear: no label \"TTFT (ms)\"")
	}
	for _, want := range []string{"40", "60", "80", "100"} {
		if _, ok := texts[want]; !ok {
			t.Errorf("no tick %q", want)
		}
	}
	for _, not := range []string{"40.00", "60.00", "80.00", "100.00"} {
		if _, ok := texts[not]; ok {
			t.Errorf("tick %q: want it written without trailing zeros", not)
		}
	}
}

// A percentile's label on a CDF is written where no curve runs through
// it: a level whose TTFT rose from 0 to 0.8 within 2 ms of its first
// value crossed "p50", drawn at the plot's left edge, and read "p5|"; such
// a label goes to the right edge, where every curve is near 1.
func TestCDFPercentileLabelsClearTheCurves(t *testing.T) {
	var steep, late []float64
	for k := range 50 {
		steep = append(steep, 22+float64(k)*0.05) // 22 to 24.5 ms: the bulk at the left edge
		late = append(late, 40+float64(k))
	}
	steep = append(steep, 1000, 1100)
	for _, c := range []struct {
		curves    []Curve
		rightHalf bool
	}{
		{[]Curve{{"level 1", steep}, {"level 4", late}}, true},
		{[]Curve{{"level 4", late}}, false},
	} {
		f := CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", c.curves, 0, "")
		var b bytes.Buffer
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		w := float64(f.Width / vg.Points(1))
		for _, tx := range svgTextBoxes(t, b.Bytes()) {
			if tx.text == "p50" && (tx.x > w/2) != c.rightHalf {
				t.Errorf("%d curves: p50 label at x = %.0f pt of %.0f; want it in the right half: %v", len(c.curves), tx.x, w, c.rightHalf)
			}
		}
	}
}
