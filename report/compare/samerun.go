package compare

import (
	"fmt"

	"github.com/inferbench/inferbench/rundir"
)

// sameRun refuses a baseline directory that is the candidate's (under
// another name, or through a link): the gate would compare the run with
// itself and pass, whatever it holds. A history baseline ("history:…") is
// no directory and passes.
func sameRun(baseline, candidate string) error {
	if !rundir.SameDir(baseline, candidate) {
		return nil
	}
	return fmt.Errorf("the baseline %s and the candidate %s are the same run directory: the gate would compare the run with itself and pass whatever it holds", baseline, candidate)
}
