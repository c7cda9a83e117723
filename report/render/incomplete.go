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
