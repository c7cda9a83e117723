package report

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSummaryBoundsOutputTokens: a level's records judged against their
// streams (rundir.Record.BoundOutputTokens), as hs.py's under1, lying and
// cumback modes and a speculative server record them: the summary's
// tokens, TPOT and ITL rest on the bounded records, it counts what was
// bounded in summary.json, and the table warns of each.
func TestSummaryBoundsOutputTokens(t *testing.T) {
	five := [][2]int64{{1010, 1}, {1020, 1}, {1030, 1}, {1040, 1}, {1050, 1}}
	s := NewSummarizer(SLO{})
	under := rec(0, 2, 1000, five, 1, 10)
	s.Add(under)
	s.Add(rec(1, 2, 1000, five, 5000, 10))
	back := rec(2, 2, 1000, [][2]int64{{1010, 1}, {1020, 1}, {1030, 1}, {1040, 4}, {1050, 1}, {1060, 1000}, {1070, 1}}, 3, 10)
	s.Add(back)
	s.Add(rec(3, 2, 1000, [][2]int64{{1010, 4}, {1020, 4}, {1030, 4}}, 12, 10))
	if under.OutputTokens != 1 || back.OutputTokens != 3 || back.Chunks[5][1] != 1000 {
		t.Fatalf("Add modified its records: %+v, %+v", *under, *back)
	}
	l := s.Close().Levels[0]
	if l.OutputTokens != 5+5000+7+12 {
		t.Errorf("output tokens %d; want %d", l.OutputTokens, 5+5000+7+12)
	}
	if want := map[rundir.TokenSource]int{rundir.SourceServer: 2, rundir.SourceEvents: 2}; !maps.Equal(l.OutputTokensSource, want) {
		t.Errorf("sources %v; want %v", l.OutputTokensSource, want)
	}
	// ITL: 4 gaps each of the five-event records (two), 6 of cumback's
	// seven one-token events, 2 gaps of 4 tokens of the speculative one.
	if l.ITLMS.N != 2*4+6+2*4 || l.TPOTMS.N != 4 {
		t.Errorf("ITL n=%d, TPOT n=%d; want %d, 4", l.ITLMS.N, l.TPOTMS.N, 2*4+6+2*4)
	}
	want := UsageChecks{BelowEvents: 2, BelowUsage: 1, BelowOf: 5, EventCountsDropped: 1, ManyPerEvent: 1, MaxPerEvent: 1000}
	if l.UsageChecks != want {
		t.Errorf("usage checks %+v; want %+v", l.UsageChecks, want)
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"usage_below_events":2`, `"usage_below_first_usage":1`, `"usage_below_first_events":5`,
		`"event_counts_dropped":1`, `"many_tokens_per_event":1`, `"max_tokens_per_event":1000`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("summary.json's level has no %s:\n%s", k, b)
		}
	}
	ws := l.OutputWarnings("")
	if len(ws) != 3 || !strings.HasPrefix(ws[0], "2 of 4 requests (any outcome): the server counted fewer output tokens than the events that streamed them (the first said 1 for 5 events)") ||
		!strings.HasPrefix(ws[1], "1 of 4 requests (any outcome): the per-event token counts") ||
		!strings.HasPrefix(ws[2], "1 of 4 requests (any outcome): the server counted more than 16 output tokens per token-bearing event (at most 1000.0)") {
		t.Errorf("warnings:\n%s", strings.Join(ws, "\n"))
	}
	var tab strings.Builder
	if err := WriteTable(&tab, s.Close(), nil); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if !strings.Contains(tab.String(), "WARNING: "+w+"\n") {
			t.Errorf("table:\n%s\nwant WARNING: %s", tab.String(), w)
		}
	}
}

// TestSummaryWithoutUsageChecks: a level its streams agree with has no
// usage check in summary.json (the fields are left out) and no warning.
func TestSummaryWithoutUsageChecks(t *testing.T) {
	s := NewSummarizer(SLO{})
	s.Add(rec(0, 2, 1000, [][2]int64{{1010, 1}, {1020, 3}}, 4, 10))
	l := s.Close().Levels[0]
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"usage_below", "event_counts_dropped", "tokens_per_event"} {
		if strings.Contains(string(b), k) {
			t.Errorf("summary.json's level has %s:\n%s", k, b)
		}
	}
	if ws := l.OutputWarnings(""); len(ws) != 0 {
		t.Errorf("warnings %q; want none", ws)
	}
}
