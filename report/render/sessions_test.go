package render

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestSessionTable: a level with sessions gets a row with its turn-1 and
// later-turn TTFT and the server's hit rate; a run without sessions gets
// no table.
func TestSessionTable(t *testing.T) {
	rate := 0.717
	r := &Report{Runs: []RunReport{{Label: "h100", Summary: &report.Summary{Levels: []report.Level{
		{Level: 1},
		{Level: 16, Server: &report.ServerLevel{PrefixCacheHitRate: &rate}, Sessions: &report.SessionLevel{Sessions: 91, TurnsMean: 3.5,
			FirstTurnTTFTMS: report.Dist{N: 91, P50: 17.3, P95: 23.7}, LaterTurnsTTFTMS: report.Dist{N: 229, P50: 16, P95: 26.7},
			DurationMS: report.Dist{N: 91, P50: 11027}}},
	}}}}}
	tb, ok := r.sessionTable(0)
	if !ok || len(tb.Rows) != 1 {
		t.Fatalf("table %+v, ok %v; want one row", tb, ok)
	}
	if got := strings.Join(tb.Rows[0], " | "); got != "16 | 91 | 3.5 | 17.3 | 23.7 | 16.0 | 26.7 | 11027 | 71.7 %" {
		t.Errorf("row %q", got)
	}
	r.Runs[0].Summary.Levels = r.Runs[0].Summary.Levels[:1]
	if _, ok := r.sessionTable(0); ok {
		t.Error("a table without sessions")
	}
}
