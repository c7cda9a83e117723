package plot

import (
	"bytes"
	"strings"
	"testing"
)

// A CDF's axis is chosen with its SLO line on it: a run whose TTFTs lay
// between 10 and 17 ms under an SLO of 500 ms was drawn on a linear axis
// from 0 to 525 ms, the whole distribution a vertical stroke in its first
// 3 % (its p50 and p95 not readable), because the log-or-linear choice saw
// the values alone and the SLO widened the axis afterwards. With the SLO
// near the data the axis stays linear.
func TestCDFAxisCountsTheSLO(t *testing.T) {
	var v []float64
	for i := range 300 {
		v = append(v, 10+7*float64(i)/299)
	}
	for _, tt := range []struct {
		limit float64
		log   bool
	}{{500, true}, {100, false}, {0, false}} {
		var b bytes.Buffer
		f := CDF("ttft-cdf", "TTFT distribution", "TTFT (ms)", []Curve{{Label: "level 16", Values: v}}, tt.limit, "SLO: TTFT p95 ≤ limit")
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "TTFT (ms, log scale)"); got != tt.log {
			t.Errorf("values 10–17 ms, SLO %g ms: log axis %v; want %v", tt.limit, got, tt.log)
		}
	}
}
