package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestCommandRefusesARunGivenTwice: report runs/c2 runs/c2 (or runs/c2
// and ./runs/c2/) wrote a qualification report of the run against itself,
// labelled "c2 (2)" and "c2", whose verdict read "c2 (2) serves 1.00× …
// not significant": one run is no comparison. It is refused, naming both
// arguments, before anything is written; two runs of the same base name in
// different directories are still two runs.
func TestCommandRefusesARunGivenTwice(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "c2")
	if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(root, "h100", "c2")
	if err := rendertest.WriteRun(other, rendertest.H100()); err != nil {
		t.Fatal(err)
	}
	for _, dirs := range [][]string{{dir, dir}, {dir, other, dir + string(filepath.Separator) + "."}} {
		out := filepath.Join(t.TempDir(), "rep")
		var stdout, stderr bytes.Buffer
		err := Command(dirs, out, nil, Options{Version: "test", Resamples: 50}, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "given twice") || !strings.Contains(err.Error(), dirs[len(dirs)-1]) {
			t.Errorf("%q: err %v; want it refused as given twice, naming %s", dirs, err, dirs[len(dirs)-1])
		}
		if _, serr := os.Stat(out); !os.IsNotExist(serr) {
			t.Errorf("%q: %s written (%v); want nothing", dirs, out, serr)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := Command([]string{dir, other}, "", nil, Options{Version: "test", Resamples: 50}, &stdout, &stderr); err != nil {
		t.Errorf("two runs named c2 in different directories: %v", err)
	}
}
