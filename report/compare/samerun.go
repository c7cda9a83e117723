package compare

import (
	"bytes"
	"fmt"

	"github.com/inferbench/inferbench/rundir"
)

// sameRun refuses a baseline directory that is the candidate's (under
// another name, or through a link), or a copy of it (a run.json of the
// same bytes: its start to the nanosecond, its pid, its prompts' seed; a
// CI job that fetched "the latest run's artifact" and got its own): the
// gate would compare the run with itself and pass, whatever it holds. A
// history baseline ("history:…") is no directory and passes.
func sameRun(baseline, candidate string) error {
	if rundir.SameDir(baseline, candidate) {
		return fmt.Errorf("the baseline %s and the candidate %s are the same run directory: the gate would compare the run with itself and pass whatever it holds", baseline, candidate)
	}
	b, _, berr := rundir.ReadManifestRaw(baseline)
	c, _, cerr := rundir.ReadManifestRaw(candidate)
	if berr != nil || cerr != nil || !bytes.Equal(b, c) {
		return nil // the loaders say what does not read
	}
	return fmt.Errorf("the baseline %s and the candidate %s are copies of the same run (their run.json are the same bytes): the gate would compare the run with itself and pass whatever it holds", baseline, candidate)
}
