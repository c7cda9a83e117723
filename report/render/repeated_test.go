package render

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
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
