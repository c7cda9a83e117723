package rundir

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
)

// HoldsRuns says, when dir holds no file of a run of its own but run
// directories (each with its run.json), which: "runs/a, runs/b, runs/c
// and 2 more" ("" when it is not such a directory). A command given the
// directory of the runs, not one of them (`report runs`, `history add
// runs`, `watch runs`), says so and names them.
func HoldsRuns(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var runs []string
	n, files := 0, Files()
	for _, e := range entries {
		if slices.Contains(files, e.Name()) {
			return ""
		}
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), ManifestFile)); err == nil {
			if n++; len(runs) < 3 {
				runs = append(runs, filepath.Join(dir, e.Name()))
			}
		}
	}
	if n == 0 {
		return ""
	}
	names := strings.Join(runs, ", ")
	if n > len(runs) {
		names += fmt.Sprintf(" and %d more", n-len(runs))
	}
	return printable.Text(names)
}

// A HoldsRunsError is a directory of runs given where a run belongs
// (HoldsRuns).
type HoldsRunsError struct{ Dir, Runs string }

func (e *HoldsRunsError) Error() string {
	return fmt.Sprintf("%s holds runs, not a run: name one of them (%s)", printable.Text(e.Dir), e.Runs)
}
