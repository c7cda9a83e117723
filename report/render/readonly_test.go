package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// TestCommandReportsARunItCannotRewrite: a run directory whose summary.json
// cannot be replaced (here a directory is in its way; a read-only run, a
// colleague's share or the collector's read-only claim, fails alike) is
// still reported: the table is printed and the report written to --out,
// with one warning naming summary.json (not the temporary file). Before,
// report stopped at exit 2 with "open DIR/.summary.json.123: permission
// denied".
func TestCommandReportsARunItCannotRewrite(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run")
	if err := rendertest.WriteRun(run, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(run, rundir.SummaryFile)
	os.Remove(blocker)
	if err := os.MkdirAll(filepath.Join(blocker, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "rep")
	var stdout, stderr bytes.Buffer
	if err := Command([]string{run}, out, []string{"md"}, Options{Version: "test", Resamples: 50}, &stdout, &stderr); err != nil {
		t.Fatalf("Command = %v; want the run reported", err)
	}
	if _, err := os.Stat(filepath.Join(out, "report.md")); err != nil {
		t.Errorf("no report.md: %v", err)
	}
	want := "inferbench: warning: " + blocker + " not updated"
	if !strings.Contains(stderr.String(), want) || strings.Contains(stderr.String(), ".summary.json.") {
		t.Errorf("stderr:\n%s\nwant a warning starting %q, naming no temporary file", stderr.String(), want)
	}
	if !strings.Contains(stdout.String(), "level") {
		t.Errorf("no table printed:\n%s", stdout.String())
	}
}
