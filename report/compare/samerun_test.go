package compare

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateRefusesTheCandidateAsItsBaseline: a baseline directory that is
// the candidate's, by another spelling or through a link, is refused before
// anything is read (a gate that compares a run with itself passes whatever
// it holds); before, compare printed "within noise" on every row and
// exited 0.
func TestGateRefusesTheCandidateAsItsBaseline(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run")
	if err := os.Mkdir(run, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(run, link); err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{run, run + "/", link, filepath.Join(root, ".", "run")} {
		err := Gate(GateOptions{Baseline: base, Candidate: run}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "are the same run directory") {
			t.Errorf("baseline %s, candidate %s: %v; want the same run refused", base, run, err)
		}
	}
}
