package render

import (
	"fmt"

	"github.com/inferbench/inferbench/report"
)

// sessionTable is a run's multi-turn session view per level: TTFT of turn
// 1 against later turns, session durations and the engine's prefix-cache
// hit rate (its source is in summary.json); false when no level has
// sessions.
func (r *Report) sessionTable(i int) (table, bool) {
	rr := r.Runs[i]
	t := table{Title: rr.Label + ": multi-turn sessions per level", Columns: []string{"level", "sessions", "turns mean",
		"turn 1 TTFT p50 ms", "turn 1 TTFT p95 ms", "later TTFT p50 ms", "later TTFT p95 ms", "duration p50 ms", "prefix cache hit rate"}}
	for _, l := range rr.Summary.Levels {
		s := l.Sessions
		if s == nil {
			continue
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%g", l.Level), fmt.Sprint(s.Sessions), num(s.TurnsMean, 1),
			num(s.FirstTurnTTFTMS.P50, 1), num(s.FirstTurnTTFTMS.P95, 1), num(s.LaterTurnsTTFTMS.P50, 1),
			num(s.LaterTurnsTTFTMS.P95, 1), num(s.DurationMS.P50, 0), hitRate(l.Server)})
	}
	return t, len(t.Rows) > 0
}

// hitRate is a level's prefix-cache hit rate from the server's metrics,
// "-" when they were not scraped.
func hitRate(sv *report.ServerLevel) string {
	if sv == nil || sv.PrefixCacheHitRate == nil {
		return "-"
	}
	return percent(*sv.PrefixCacheHitRate)
}
