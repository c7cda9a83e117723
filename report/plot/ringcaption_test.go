package plot

import (
	"bytes"
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
		{report.SLO{TTFT: time.Second}, "with at most 1.0 % of its requests failed"},
		{report.SLO{TTFT: time.Second, MaxErrorRate: &five}, "with at most 5.0 % of its requests failed"},
	} {
		if c := LatencyThroughput(runs, tt.slo).Caption; !strings.Contains(c, tt.want) {
			t.Errorf("caption %q; want it to contain %q", c, tt.want)
		}
	}
}

// The latency figure itself says which run has no ring under an SLO, for
// a reader of the PNG alone (pasted into slides without its caption): the
// faults run's points sat far under both SLO lines with no ring and no
// word in the image of why.
func TestLatencyLegendNamesARunWithoutCapacity(t *testing.T) {
	s := sampleSummary(1)
	none := *s
	none.Capacity = nil
	for _, tt := range []struct {
		name string
		sum  *report.Summary
		slo  report.SLO
		want bool
	}{
		{"no capacity under an SLO", &none, report.SLO{TTFT: time.Second}, true},
		{"a capacity", s, report.SLO{TTFT: time.Second}, false},
		{"no SLO", &none, report.SLO{}, false},
	} {
		var b bytes.Buffer
		if err := LatencyThroughput([]Run{{Label: "faults", Summary: tt.sum, GPUs: 1}}, tt.slo).Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), ">faults: no level met the SLO<"); got != tt.want {
			t.Errorf("%s: legend says 'faults: no level met the SLO' %v; want %v", tt.name, got, tt.want)
		}
	}
}
