package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSummaryCountsUsageDecreased: a record whose cumulative count went
// down (5, 3, 4, final 10: increases 5, 0, 1 recorded as 5, 1, 1) summed
// under its final count, so its per-event counts were taken and nothing
// was said. Its counts are dropped (ITL of one-token events, the final 10
// kept), summary.json counts it, the table warns; a record whose counts
// summed past its final count stays where it was.
func TestSummaryCountsUsageDecreased(t *testing.T) {
	s := NewSummarizer(SLO{})
	down := rec(0, 2, 1000, [][2]int64{{1010, 5}, {1020, 1}, {1030, 1}}, 10, 10)
	down.UsageDecreased = true
	s.Add(down)
	s.Add(rec(1, 2, 1000, [][2]int64{{1010, 4}, {1020, 4}, {1030, 4}}, 10, 10))
	l := s.Close().Levels[0]
	want := UsageChecks{EventCountsDropped: 1, UsageDecreased: 1}
	if l.UsageChecks != want {
		t.Errorf("usage checks %+v; want %+v", l.UsageChecks, want)
	}
	if l.OutputTokens != 20 || l.OutputTokensSource[rundir.SourceServer] != 2 {
		t.Errorf("output tokens %d (%v); want 20, both the server's", l.OutputTokens, l.OutputTokensSource)
	}
	// One token an event: 2 gaps of 10 ms each record, one token each.
	if l.ITLMS.N != 4 || l.ITLMS.Max != 10 {
		t.Errorf("ITL n=%d max %g; want 4 gaps of 10 ms", l.ITLMS.N, l.ITLMS.Max)
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"usage_decreased":1`) {
		t.Errorf("summary.json's level has no usage_decreased:\n%s", b)
	}
	ws := l.OutputWarnings("")
	decreased := "1 of 2 requests (any outcome): the server's cumulative output count went down during the stream, which is impossible (a token generated is not taken back): " +
		"the per-event token counts taken from it were not trusted, each event counted one token, as for a server that gives none"
	if len(ws) != 2 || !strings.HasPrefix(ws[0], "1 of 2 requests (any outcome): the per-event token counts of the server's cumulative usage summed past") || ws[1] != decreased {
		t.Errorf("warnings:\n%s\nwant the dropped one, then %s", strings.Join(ws, "\n"), decreased)
	}
	var tab strings.Builder
	if err := WriteTable(&tab, s.Close(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tab.String(), "WARNING: "+decreased+"\n") {
		t.Errorf("table:\n%s\nwant WARNING: %s", tab.String(), decreased)
	}
}
