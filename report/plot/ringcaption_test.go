package plot

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// The latency figure's caption names every condition of a capacity ring,
// the error budget with the thresholds: it read "the level whose p95 met
// every threshold", and a run whose levels all sat far under the SLO lines
// with 9 % of their requests failed had no ring for no reason the caption
// gave.
func TestRingCaptionNamesTheErrorBudget(t *testing.T) {
	s := sampleSummary(1)
	runs := []Run{{Label: "a100", Summary: s, GPUs: 1}}
	five := 0.05
	for _, tt := range []struct {
		slo  report.SLO
		want string
	}{
		{report.SLO{TTFT: time.Second}, "with at most 1 % of its requests failed"},
		{report.SLO{TTFT: time.Second, MaxErrorRate: &five}, "with at most 5 % of its requests failed"},
	} {
		if c := LatencyThroughput(runs, tt.slo).Caption; !strings.Contains(c, tt.want) {
			t.Errorf("caption %q; want it to contain %q", c, tt.want)
		}
	}
}
