package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/inferbench/inferbench/rundir"
)

// readFreshSummary reads dir/summary.json for a reader that prices the run
// from it alone (the cost commands), and refuses one that is not the
// summary of dir/requests.jsonl as it is now: missing while the records are
// there (the run was killed before writing it), or counting other records
// than the file holds (records appended, cut or replaced since). Either
// way `inferbench report DIR` writes it anew. A summary.json without its
// records (shared alone) or from before summaries counted them is read as
// it is.
func readFreshSummary(dir string) (*Summary, error) {
	s, err := ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	records := filepath.Join(dir, rundir.RecordsFile)
	if errors.Is(err, fs.ErrNotExist) {
		if _, rerr := os.Stat(records); rerr == nil {
			return nil, fmt.Errorf("%s has no %s (the run did not finish?): `inferbench report %s` writes it from %s",
				dir, rundir.SummaryFile, dir, rundir.RecordsFile)
		}
		if runs := rundir.HoldsRuns(dir); runs != "" {
			return nil, &rundir.HoldsRunsError{Dir: dir, Runs: runs}
		}
		return nil, err
	}
	if err != nil || s.Records == 0 {
		return s, err
	}
	if _, err := os.Stat(records); errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	n, err := rundir.CountRecords(dir, s.Records)
	if err != nil {
		return nil, err
	}
	if n != s.Records {
		return nil, fmt.Errorf("%s is stale: it summarizes %d records, %s holds %d: `inferbench report %s` recomputes it",
			filepath.Join(dir, rundir.SummaryFile), s.Records, records, n, dir)
	}
	return s, nil
}
