package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestWatchInterruptedRun: watch of a run that was interrupted exits 130,
// as the run itself did, with a line that says so; it exited 0 as for a
// complete run, and a script reading watch's code took it for one.
func TestWatchInterruptedRun(t *testing.T) {
	a100, _ := reportRuns(t)
	dir := filepath.Join(t.TempDir(), "wint")
	if err := os.CopyFS(dir, os.DirFS(a100)); err != nil {
		t.Fatal(err)
	}
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
	})
	_, _, err := runApp(t, "watch", "--poll", "10ms", dir)
	if code := exitCode(err, io.Discard); code != exitInterrupted || !strings.Contains(err.Error(), "run interrupted (interrupted by signal)") {
		t.Errorf("watch of an interrupted run: %v (exit %d); want exit %d saying the run was interrupted", err, code, exitInterrupted)
	}
}

// TestWatchFailedRun: watch of a run that failed (it could not go on)
// exits 1, as the run did, saying so and why; it exited 0 as for a
// complete run.
func TestWatchFailedRun(t *testing.T) {
	a100, _ := reportRuns(t)
	dir := filepath.Join(t.TempDir(), "wfail")
	if err := os.CopyFS(dir, os.DirFS(a100)); err != nil {
		t.Fatal(err)
	}
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.ExitState, m.ExitReason = rundir.ExitFailed, "write records: no space left on device"
	})
	_, _, err := runApp(t, "watch", "--poll", "10ms", dir)
	if code := exitCode(err, io.Discard); code != exitFailed || !strings.Contains(err.Error(), "run failed (write records: no space left on device)") {
		t.Errorf("watch of a failed run: %v (exit %d); want exit %d saying the run failed and why", err, code, exitFailed)
	}
}
