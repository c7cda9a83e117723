package plot

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// Throughputs per GPU more than two decades apart are drawn on a log x
// axis: a CPU box's 6 and 10 tokens/s beside a GPU's 80–4,000 lay on the
// y axis of the linear one, 0.6 pt apart, its two levels and their labels
// one blot. A sweep's own range (60 to 5,700, 95×) and the demo's
// (1,742–5,727) stay linear.
func TestParetoWideThroughputsOnALogAxis(t *testing.T) {
	level := func(l, tput, speed float64) report.Level {
		return report.Level{Level: l, OutputTokensPerS: tput, Requests: report.Requests{Total: 20, OK: 20},
			UserOutputTokensPerS: report.Dist{N: 20, P50: speed}}
	}
	for _, c := range []struct {
		name string
		runs [][]report.Level
		log  bool
	}{
		{"cpu beside gpu", [][]report.Level{{level(1, 80, 80), level(8, 600, 75), level(64, 4000, 62)}, {level(1, 6, 6), level(2, 10, 5)}}, true},
		{"one sweep", [][]report.Level{{level(1, 60, 60), level(8, 450, 56), level(128, 5700, 44)}}, false},
		{"the demo", [][]report.Level{{level(48, 1784.6, 39.3), level(56, 1742.7, 33.9), level(64, 1862.7, 32.5)}, {level(64, 4799.8, 76.6), level(128, 5727.3, 48.8)}}, false},
	} {
		var runs []Run
		for i, ls := range c.runs {
			runs = append(runs, Run{Label: string(rune('a' + i)), Summary: &report.Summary{Levels: ls}, GPUs: 1})
		}
		var b bytes.Buffer
		if err := Pareto(runs).Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		texts := svgTexts(t, b.Bytes())
		_, logged := texts["log scale"] // the speeds here are not 20× apart: the x axis's
		if logged != c.log {
			t.Errorf("%s: x axis on a log scale %v; want %v", c.name, logged, c.log)
		}
		if !c.log {
			continue
		}
		// The slow run's two level labels (8-pt type) stand apart.
		re := regexp.MustCompile(`<text x="([-\d.]+)" y="[-\d.]+"[^>]*\n?[^>]*font-size:8px;fill:#0072B2[^>]*>([^<]*)</text>`)
		xs := map[string]float64{}
		for _, m := range re.FindAllSubmatch(b.Bytes(), -1) {
			xs[string(m[2])], _ = strconv.ParseFloat(string(m[1]), 64)
		}
		if len(xs) != 2 || math.Abs(xs["1"]-xs["2"]) < 20 {
			t.Errorf("%s: the slow run's level labels at x %v; want two, 20 pt apart or more", c.name, xs)
		}
	}
}

// The latency figure's x axis turns logarithmic as the per-user speed
// figure's does: a 5.6-tokens/s run (20-s TTFT) beside a 577,000-tokens/s
// one had its points on the y axis of both panels. Its caption says what
// the short label leaves out.
func TestLatencyWideThroughputsOnALogAxis(t *testing.T) {
	level := func(l, tput, ttft float64) report.Level {
		return report.Level{Level: l, OutputTokensPerS: tput, Requests: report.Requests{Total: 20, OK: 20},
			TTFTMS: report.Dist{N: 20, P50: ttft, P95: ttft * 1.1, P99: ttft * 1.2}, TPOTMS: report.Dist{N: 20, P50: 5, P95: 6, P99: 7}}
	}
	for _, c := range []struct {
		name string
		runs [][]report.Level
		log  bool
	}{
		{"slow beside fast", [][]report.Level{{level(4, 5.6, 20000)}, {level(2, 577000, 0.24)}}, true},
		{"one sweep", [][]report.Level{{level(1, 60, 20), level(8, 450, 25), level(128, 5700, 300)}}, false},
	} {
		var runs []Run
		for i, ls := range c.runs {
			runs = append(runs, Run{Label: string(rune('a' + i)), Summary: &report.Summary{Levels: ls}, GPUs: 1})
		}
		f := LatencyThroughput(runs, report.SLO{})
		var b bytes.Buffer
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		texts := svgTexts(t, b.Bytes())
		_, logged := texts["log scale"]
		_, linear := texts["output tokens/s (steady state, all GPUs)"]
		if logged != c.log || linear == c.log {
			t.Errorf("%s: x axis labelled log scale %v, linear %v; want log %v", c.name, logged, linear, c.log)
		}
		if c.log && !strings.Contains(f.Caption, "steady state, all GPUs") {
			t.Errorf("%s: caption %q; want it to say the throughput is the steady state's over all GPUs", c.name, f.Caption)
		}
	}
}
