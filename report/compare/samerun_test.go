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

// TestGateRefusesACopyOfTheCandidate: a baseline directory that holds a
// copy of the candidate run (its run.json the same bytes: a CI job that
// downloads "the latest run's artifact" and gets tonight's own) was
// compared with it and passed, every row within noise, exit 0. It is
// refused as the same run; two runs of one configuration are not.
func TestGateRefusesACopyOfTheCandidate(t *testing.T) {
	base, cand := gateRuns(t)
	dup := filepath.Join(t.TempDir(), "artifact")
	if err := os.CopyFS(dup, os.DirFS(cand)); err != nil {
		t.Fatal(err)
	}
	err, out, _, _ := runGate(t, dup, cand)
	if err == nil || !strings.Contains(err.Error(), "are copies of the same run") || out != "" {
		t.Errorf("a copy of the candidate as its baseline: %v, %d bytes of verdict; want it refused as the same run", err, len(out))
	}
	if err, _, _, _ := runGate(t, base, cand); err != nil {
		if _, ok := err.(*RegressionError); !ok {
			t.Errorf("two runs of one configuration: %v; want them compared", err)
		}
	}
}
