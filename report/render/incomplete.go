package render

import (
	"strings"

	"github.com/inferbench/inferbench/report"
)

// IncompleteNote says which runs did not complete (stopped by Ctrl-C, or
// failed), for the report's top: their numbers cover only the requests
// made before they stopped. "" when every run completed.
func (r *Report) IncompleteNote() string {
	var parts []string
	for _, run := range r.runs {
		if s := report.DidNotComplete(run.Label, run.Manifest); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + ": " + report.IncompleteCaveat + "."
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
