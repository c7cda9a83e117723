package render

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestLoadRunsWarnsOnARunGivenTwice: the same run directory given twice
// (once through a symbolic link) is reported, with a warning on the second
// that names the first; another run is not warned about. Before, the run
// was compared with itself without a word.
func TestLoadRunsWarnsOnARunGivenTwice(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, d := range []string{a, b} {
		if err := rendertest.WriteRun(d, rendertest.A100()); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, "again")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	runs, _, _, err := LoadRuns([]string{a, b, link}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	want := link + " is " + a + " given again: the report compares that run with itself"
	if !slices.Contains(runs[2].Warnings, want) {
		t.Errorf("warnings of the third run %q; want %q", runs[2].Warnings, want)
	}
	for i := range 2 {
		for _, w := range runs[i].Warnings {
			if strings.Contains(w, "given again") {
				t.Errorf("run %d warned: %s", i, w)
			}
		}
	}
}

// TestLoadRunsWarnsOnACopyOfARun: a copy of a run directory (cp -r) given
// beside the run is warned of on the copy, naming the run; a run with the
// same start but another process (a shard started with --start-at) is
// not. Before, the copy was compared with the run without a word.
func TestLoadRunsWarnsOnACopyOfARun(t *testing.T) {
	root := t.TempDir()
	a, cp, other := filepath.Join(root, "a"), filepath.Join(root, "a-copy"), filepath.Join(root, "other")
	for i, d := range []string{a, other} {
		if err := rendertest.WriteRun(d, rendertest.A100()); err != nil {
			t.Fatal(err)
		}
		rundirtest.EditManifest(t, d, func(m *rundir.Manifest) {
			m.Host.PID = 4000 + i
		})
	}
	if err := os.CopyFS(cp, os.DirFS(a)); err != nil {
		t.Fatal(err)
	}
	runs, _, _, err := LoadRuns([]string{a, cp, other}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	want := cp + " is a copy of " + a
	if !slices.ContainsFunc(runs[1].Warnings, func(w string) bool { return strings.HasPrefix(w, want) }) {
		t.Errorf("warnings of the copy %q; want one starting %q", runs[1].Warnings, want)
	}
	for _, i := range []int{0, 2} {
		for _, w := range runs[i].Warnings {
			if strings.Contains(w, "copy") {
				t.Errorf("run %d warned: %s", i, w)
			}
		}
	}
}
