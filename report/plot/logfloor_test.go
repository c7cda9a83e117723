package plot

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// A log latency axis has a labelled tick at or below its lowest marker:
// the single run's TTFTs of 16–17 ms (SLO 500 ms) and a two-GPU box's 13–15
// ms beside an A100's 1.5 s sat below the axis's lowest label, "20", at
// its very bottom edge, with nothing to read them against.
func TestLogLatencyAxisLabelsBelowTheData(t *testing.T) {
	for name, ttft := range map[string][]float64{"single run": {16, 16.98, 17.2}, "beside a slow run": {12.9, 13.5, 14.2, 100, 800, 1500},
		"five decades": {0.45, 0.5, 0.6, 2000, 15000, 40000}} {
		var levels []report.Level // p50, p95 and p99 of a level in each three values
		for i := 0; i < len(ttft); i += 3 {
			d := report.Dist{N: 300, P50: ttft[i], P95: ttft[i+1], P99: ttft[i+2]}
			levels = append(levels, report.Level{Level: float64(16 * (i + 1)), OutputTokensPerS: 1000 * float64(i+1), TTFTMS: d, Requests: report.Requests{Total: 300, OK: 300}})
		}
		s := &report.Summary{Levels: levels}
		p := latencyPanel([]Run{{Label: "x", Summary: s}}, 95, "TTFT", "TTFT", func(l *report.Level) report.Dist { return l.TTFTMS }, 500*time.Millisecond, "")
		sharedLegend(p, []Run{{Label: "x", Summary: s}}, report.SLO{TTFT: 500 * time.Millisecond})
		settleRanges(p)
		lowest := ttft[0]
		for _, v := range ttft {
			lowest = min(lowest, v)
		}
		labelled := false
		for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			labelled = labelled || tk.Label != "" && tk.Value <= lowest
		}
		if !labelled {
			t.Errorf("%s: log axis [%g, %g]: no labelled tick at or below the lowest marker, %g ms", name, p.Y.Min, p.Y.Max, lowest)
		}
	}
}
