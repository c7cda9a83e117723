package compare

import (
	"fmt"
	"os"
)

// sameRun refuses a baseline directory that is the candidate's (under
// another name, or through a link): the gate would compare the run with
// itself and pass, whatever it holds. A history baseline ("history:…") is
// no directory and passes.
func sameRun(baseline, candidate string) error {
	b, berr := os.Stat(baseline)
	c, cerr := os.Stat(candidate)
	if berr != nil || cerr != nil || !b.IsDir() || !os.SameFile(b, c) {
		return nil
	}
	return fmt.Errorf("the baseline %s and the candidate %s are the same run directory: the gate would compare the run with itself and pass whatever it holds", baseline, candidate)
}
