package plot

import (
	"bytes"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestParetoWideSpeedsOnALogAxis: a CLIENT-BOUND level whose four tokens
// were read in one burst (2.6 µs apart) has a per-user speed of 1.95M
// tok/s; beside levels of 100–130 tok/s on a linear axis it drew every
// other point on the zero line, their differences unreadable. Speeds
// spanning more than 20× are drawn on a log axis, as the latency figure's.
func TestParetoWideSpeedsOnALogAxis(t *testing.T) {
	level := func(l, tput, speed float64) report.Level {
		return report.Level{Level: l, OutputTokensPerS: tput, Requests: report.Requests{Total: 2, OK: 2},
			UserOutputTokensPerS: report.Dist{N: 2, P50: speed}}
	}
	for _, c := range []struct {
		name   string
		speeds []float64
		log    bool
	}{
		{"one burst", []float64{120, 106, 1.95e6}, true},
		{"ordinary", []float64{120, 106, 60}, false},
	} {
		sum := &report.Summary{}
		for i, v := range c.speeds {
			sum.Levels = append(sum.Levels, level(float64(i+1), 50*float64(i+1), v))
		}
		var b bytes.Buffer
		if err := Pareto([]Run{{Label: "r", Summary: sum}}).Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		texts := svgTexts(t, b.Bytes())
		_, logLabelled := texts["log scale"]
		if _, ok := texts["per-user output tokens/s (p50)"]; !ok && !logLabelled {
			t.Errorf("%s: no axis label", c.name)
		}
		if logLabelled != c.log {
			t.Errorf("%s (%v): axis labelled log scale %v; want %v", c.name, c.speeds, logLabelled, c.log)
		}
	}
}
