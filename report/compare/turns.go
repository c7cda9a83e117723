package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// turnSet says which session fields' turns a side has at a level, in
// turnFields' order: a session's first turns, its later turns.
type turnSet [len(turnFields)]bool

// turnIndex is session field f's index in turnFields (and a turnSet); −1
// for any other field.
func turnIndex(f field) int {
	return slices.Index(turnFields[:], f)
}

// summaryTurns says which turns' TTFT the summaries sums have at level lv:
// a turn kind one of them has a successful request of (a summary keeps no
// failed one's turn).
func summaryTurns(sums []*report.Summary, lv float64) turnSet {
	var has turnSet
	for _, s := range sums {
		for i := range s.Levels {
			l := &s.Levels[i]
			if l.Level != lv || l.Sessions == nil {
				continue
			}
			has[0] = has[0] || l.Sessions.FirstTurnTTFTMS.N > 0
			has[1] = has[1] || l.Sessions.LaterTurnsTTFTMS.N > 0
		}
	}
	return has
}

// comparedMetrics returns the metrics compared at a level whose baseline
// has the turns bt and candidate ct: Metrics, but a turn kind's TTFT only
// where both sides have the kind. A run without sessions has none: its
// comparison computes, shows and gates what it did before they were
// metrics.
func comparedMetrics(bt, ct turnSet) []Metric {
	return slices.DeleteFunc(Metrics(), func(m Metric) bool {
		i := turnIndex(m.field)
		return i >= 0 && !(bt[i] && ct[i])
	})
}

// turnsWarning says, at level lv, which gated turns' TTFT metrics are not
// compared because one side alone has the turn kind (comparedMetrics): a
// gate that would have judged them does not; "" when none.
func turnsWarning(lv float64, bt, ct turnSet, th Thresholds) string {
	var parts []string
	for i, f := range turnFields {
		if bt[i] == ct[i] {
			continue
		}
		var gated []string
		var title string
		for _, m := range Metrics() {
			if m.field != f {
				continue
			}
			title, _, _ = strings.Cut(m.Title, " p")
			if _, ok := th.Limits[m.Name]; ok {
				gated = append(gated, m.Name)
			}
		}
		if len(gated) == 0 {
			continue
		}
		has, lacks := "the baseline", "the candidate"
		if ct[i] {
			has, lacks = lacks, has
		}
		parts = append(parts, fmt.Sprintf("%s (%s gated): %s has requests of such turns, %s none", title, strings.Join(gated, ", "), has, lacks))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("level %g: not compared, as only one side has multi-turn sessions' turns of the kind: %s", lv, strings.Join(parts, "; "))
}

// dropUncompared leaves out of res.Thresholds the limits of the turns'
// TTFT metrics that no level compared (no row): the limits listed are the
// ones applied, and a comparison of runs without sessions lists what it
// did before they were metrics.
func (res *Result) dropUncompared() {
	for name := range res.Thresholds {
		m, _ := LookupMetric(name)
		if turnIndex(m.field) < 0 {
			continue
		}
		if !slices.ContainsFunc(res.Rows, func(r Row) bool { return r.Metric == name }) {
			delete(res.Thresholds, name)
		}
	}
}
