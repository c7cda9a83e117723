package plot

import (
	"bytes"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestLatencyPanelSaysWhyNoTPOT: a run whose requests all succeeded with
// one output token each (a server that stops at once, max_tokens 1) has no
// TPOT; the latency figure's TPOT panel said "no successful requests" beside
// a TTFT panel that drew all 20 of them. It says what the per-user speed
// figure says; a run whose every request failed still reads "no successful
// requests" in both panels.
func TestLatencyPanelSaysWhyNoTPOT(t *testing.T) {
	short := &report.Summary{Levels: []report.Level{{Level: 2, OutputTokensPerS: 39, TTFTMS: report.Dist{N: 20, P50: 51, P95: 52, P99: 52.5},
		Requests: report.Requests{Total: 20, OK: 20}}}}
	failed := &report.Summary{Levels: []report.Level{{Level: 2, Requests: report.Requests{Total: 20, Failed: 20}}}}
	for _, c := range []struct {
		name      string
		sum       *report.Summary
		want, not string
		wantCount int
	}{
		{"one token each", short, "no request with more than one output token", "no successful requests", 1},
		{"all failed", failed, "no successful requests", "no request with more than one output token", 2},
	} {
		var b bytes.Buffer
		if err := LatencyThroughput([]Run{{Label: "r", Summary: c.sum}}, report.SLO{}).Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b.Bytes(), []byte(">"+c.want+"<")); n != c.wantCount {
			t.Errorf("%s: %d notes %q; want %d", c.name, n, c.want, c.wantCount)
		}
		if bytes.Contains(b.Bytes(), []byte(">"+c.not+"<")) {
			t.Errorf("%s: a note %q", c.name, c.not)
		}
	}
}
