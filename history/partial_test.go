package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestAddWarnsOfAnInterruptedRun: a run stopped by SIGINT is added (its
// numbers are true of what it ran) with a warning, as a killed one is: it
// joins the baselines of later nights as a whole night. Before, it was
// added without a word.
func TestAddWarnsOfAnInterruptedRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "stopped")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
	})
	var stdout, stderr bytes.Buffer
	if err := RunAdd(t.Context(), CommandOptions{Store: filepath.Join(t.TempDir(), "h.db"), Args: []string{dir}}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "added as #1") || !strings.Contains(stderr.String(), "was interrupted by signal after") {
		t.Errorf("history add of an interrupted run: stdout %q, stderr %q; want it added, with a warning", stdout.String(), stderr.String())
	}
}

// TestAddRefusesARunMissingRecords: a finished run whose requests.jsonl
// holds fewer records than its run.json counts (an artifact cut short in
// upload or download) was added with a warning, its summary of what was
// left (82 of 417 records) stored as the night's and counted in every
// later baseline; compare refuses such a run, and so does history add,
// with the two counts, storing nothing.
func TestAddRefusesARunMissingRecords(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cut")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) { m.Records = 41 })
	store := filepath.Join(t.TempDir(), "h.db")
	var stdout, stderr bytes.Buffer
	err := RunAdd(t.Context(), CommandOptions{Store: store, Args: []string{dir}}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "holds 40 of the 41 records") || strings.Contains(stdout.String(), "added") {
		t.Errorf("history add of a run missing a record: err %v, stdout %q; want it refused with the counts", err, stdout.String())
	}
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) { m.Records = 40 })
	if err := RunAdd(t.Context(), CommandOptions{Store: store, Args: []string{dir}}, &stdout, &stderr); err != nil {
		t.Errorf("history add of the whole run: %v", err)
	}
}
