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
