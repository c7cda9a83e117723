package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report/render"
)

// TestForceLeavesNoStaleReport: run --force into a directory that held a
// run and its report (report --out DIR DIR) replaced the run and left the
// report: report.html, report.md, report.json and levels.csv described a
// run no longer there, beside the new one, and read as its. They go with
// the run they described; plots/ (a directory, which may hold the user's
// files) is said, not removed.
func TestForceLeavesNoStaleReport(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 2})
	var o Options
	quietOptions(t, srv.URL, &o)
	o.Concurrency, o.Requests, o.MaxTokens = 1, 2, 2
	first := o
	if _, err := Run(t.Context(), t.Context(), &first, &strings.Builder{}); err != nil {
		t.Fatal(err) // the run replaced
	}
	files := []string{render.MarkdownFile, render.HTMLFile, render.JSONFile, render.CSVFile}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(o.Out, f), []byte("the old run's"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(o.Out, render.PlotsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(o.Out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	o.Force = true
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), &o, &log); err != nil {
		t.Fatalf("run --force: %v\n%s", err, log.String())
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(o.Out, f)); err == nil {
			t.Errorf("%s of the replaced run is still there", f)
		}
	}
	if _, err := os.Stat(filepath.Join(o.Out, "notes.txt")); err != nil {
		t.Errorf("the user's notes.txt: %v; want it kept", err)
	}
	if !strings.Contains(log.String(), "plots") {
		t.Errorf("log says nothing of the replaced run's plots/:\n%s", log.String())
	}
}
