package plot

import (
	"bytes"
	"math"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestLatencyTitlesAlignedRightLog: the latency figure's two panel titles
// sit on one line whichever panel has the log axis. A 64-level sweep whose
// one CLIENT-BOUND level read TPOT 0.0007 ms (tokens read in a burst) put
// the TPOT panel on a log axis beside a linear TTFT panel, and its title
// stood 13 pt above the TTFT panel's.
func TestLatencyTitlesAlignedRightLog(t *testing.T) {
	s := sampleSummary(1)
	s.Levels[1].TPOTMS = report.Dist{N: 2, P50: 0.0007, P95: 0.0008, P99: 0.0009}
	var b bytes.Buffer
	if err := LatencyThroughput([]Run{{Label: "many", Summary: s}}, report.SLO{}).Write(&b, SVG); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, b.Bytes())
	if _, ok := texts["log scale"]; !ok {
		t.Fatal("the TPOT panel is not on a log axis: the test would not see the case")
	}
	if l, r := texts["Time to first token"], texts["Time per output token"]; math.Abs(l-r) > 0.5 {
		t.Errorf("latency panels' titles at %.1f and %.1f pt; want them on one line", l, r)
	}
}
