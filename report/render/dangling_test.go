package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestWriteNamesADanglingLink: report --out naming a symbolic link to
// nothing fails naming the link and its target, not "mkdir DIR: file
// exists".
func TestWriteNamesADanglingLink(t *testing.T) {
	root := t.TempDir()
	rep := a100Report(t, root)
	link, target := filepath.Join(root, "out"), filepath.Join(root, "gone")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := Write(link, rep, []string{"md"})
	if want := link + " is a symbolic link to " + target + ", which does not exist"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Write(dangling link) = %v; want it to say %q", err, want)
	}
}

// a100Report builds the report of the synthetic A100 run, written under
// root/run.
func a100Report(t *testing.T, root string) *Report {
	t.Helper()
	run := filepath.Join(root, "run")
	if err := rendertest.WriteRun(run, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	runs, slo, src, err := LoadRuns([]string{run}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Version: "test", Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
