package render

import (
	"fmt"

	"github.com/inferbench/inferbench/report"
)

// adaptiveTable is a run's adaptive levels (issue #22): how each level
// stopped, on what intervals, with the capacity bracket and the spend
// against a fixed sweep as notes; false for a run of fixed levels.
func (r *Report) adaptiveTable(i int) (table, bool) {
	rr := r.Runs[i]
	if rr.Summary == nil || rr.Summary.Adaptive == nil {
		return table{}, false
	}
	a := rr.Summary.Adaptive
	t := table{Title: fmt.Sprintf("%s: adaptive levels (±%g%%, %.0f%% intervals, repeated looks accounted for; output tokens/s: the long-run rate)", rr.Label, 100*a.Precision, 100*a.Confidence),
		Columns: []string{"level", "stopped", "verdict", "completed at stop", "judged", "wall s", "intervals"}}
	unbounded := false
	for _, l := range a.Levels {
		verdict, intervals := report.AdaptiveCells(&l, "saturated")
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%g", l.Level), l.Reason, verdict, fmt.Sprint(l.N), fmt.Sprint(l.Judged),
			num(l.WallS, 1), intervals})
		for _, x := range l.Intervals {
			unbounded = unbounded || x.Lo == nil || x.Hi == nil
		}
	}
	// The demo's level 56 read TTFT p95 1180 ms here and 1146 in the
	// load-level table, with nothing to say why.
	t.Notes = append(t.Notes, "intervals: each value and its interval when the level stopped, over the judged requests; the load-level table also counts the requests still in flight then, so its numbers can differ")
	if unbounded {
		t.Notes = append(t.Notes, "…: an end of an interval the data could not bound (too few judged requests)")
	}
	if a.Ended != "" {
		t.Notes = append(t.Notes, "levels ended: "+a.Ended)
	}
	if a.Capacity != nil {
		t.Notes = append(t.Notes, report.CapacityLine(a.Capacity))
	}
	if a.Spend != nil {
		t.Notes = append(t.Notes, report.SpendLine(a.Spend))
	}
	return t, true
}
