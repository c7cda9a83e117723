package report

import (
	"fmt"

	"github.com/inferbench/inferbench/rundir"
)

// DidNotComplete says that the run labelled label did not complete, as its
// run.json m says ("did not complete (exit state interrupted: interrupted
// by signal)"), "" when it did or nothing says: the report's note on
// incomplete runs, and cost's and crossover's beside a price of one.
func DidNotComplete(label string, m *rundir.Manifest) string {
	if m == nil || m.ExitState == "" || m.ExitState == rundir.ExitComplete {
		return ""
	}
	reason := ""
	if m.ExitReason != "" {
		reason = ": " + m.ExitReason
	}
	return fmt.Sprintf("%s did not complete (exit state %s%s)", label, m.ExitState, reason)
}

// IncompleteCaveat is what DidNotComplete means for a run's numbers.
const IncompleteCaveat = "its numbers cover only the requests made before it stopped, and a level it had not finished or begun is short or absent"
