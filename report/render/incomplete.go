package render

import (
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/rundir"
)

// IncompleteNote says which runs did not complete (stopped by Ctrl-C, or
// failed), for the report's top: their numbers cover only the requests
// made before they stopped. "" when every run completed.
func (r *Report) IncompleteNote() string {
	var parts []string
	for _, run := range r.runs {
		m := run.Manifest
		if m == nil || m.ExitState == "" || m.ExitState == rundir.ExitComplete {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s did not complete (exit state %s%s)", run.Label, m.ExitState, parenIf(m.ExitReason)))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + ": its numbers cover only the requests made before it stopped, and a level it had not finished or begun is short or absent."
}

// noCurveNote names the selected levels with no successful request, which
// the distribution figures cannot draw ("" when every one has a curve):
// appended to the figures' "where" clause.
func noCurveNote(sel []selected) string {
	var names []string
	for _, s := range sel {
		if s.data != nil && len(s.data.sample.TTFTs()) == 0 {
			names = append(names, s.label)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "; not drawn, no successful request: " + strings.Join(names, ", ")
}
