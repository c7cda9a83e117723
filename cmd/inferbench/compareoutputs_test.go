package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestCompareDoesNotWriteOverARunsFiles: --junit or --markdown naming one
// of a run directory's own files (a tab completion away from the candidate
// it gates) is refused with exit 2 before anything is written; it replaced
// the candidate's requests.jsonl with the JUnit XML and exited 0. A report
// file of its own inside a run directory stays allowed.
func TestCompareDoesNotWriteOverARunsFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	mockRun(t, fixedMock(50*time.Millisecond), a)
	mockRun(t, fixedMock(50*time.Millisecond), b)
	for _, tt := range []struct{ flag, file string }{
		{"--junit", rundir.RecordsFile},
		{"--markdown", rundir.ManifestFile},
		{"--junit", rundir.SummaryFile},
	} {
		path := filepath.Join(b, tt.file)
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, stderr, code := gateApp(t, "compare", tt.flag, path, a, b)
		after, _ := os.ReadFile(path)
		if string(after) != string(before) {
			t.Errorf("compare %s %s replaced the run's %s", tt.flag, path, tt.file)
			os.WriteFile(path, before, 0o644)
		}
		if code != 2 || !strings.Contains(stderr, tt.flag) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("compare %s %s: exit %d, stderr %q; want 2 with one line naming the flag", tt.flag, path, code, stderr)
		}
	}
	if _, stderr, code := gateApp(t, "compare", "--junit", filepath.Join(b, "compare.xml"), a, b); code != 0 {
		t.Errorf("compare --junit B/compare.xml: exit %d, stderr %q; want 0", code, stderr)
	}
}
