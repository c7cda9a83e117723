package history

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestAddWarnsOnceAboutEachRun: a warning about a run that already names
// its directory is not prefixed with it again ("warning: r/killed: r/killed:
// the run did not finish"), and list and trend name a stray argument as
// every command does (`got "foo"`), not as Go prints a slice (`got ["foo"
// "bar"]`).
func TestAddWarnsOnceAboutEachRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "killed")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		m.ExitState = rundir.ExitRunning
	})
	store := filepath.Join(t.TempDir(), "h.db")
	var stdout, stderr bytes.Buffer
	if err := RunAdd(t.Context(), CommandOptions{Store: store, Args: []string{dir}}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "did not finish") || strings.Contains(stderr.String(), dir+": "+dir) {
		t.Errorf("history add of a killed run warned:\n%s\nwant 'did not finish', the directory named once", stderr.String())
	}
	for _, run := range []func() error{
		func() error {
			return RunList(t.Context(), CommandOptions{Store: store, Args: []string{"foo", "bar"}}, &stdout, &stderr)
		},
		func() error {
			return RunTrend(t.Context(), CommandOptions{Store: store, Args: []string{"foo", "bar"}, Metric: "ttft_p95"}, &stdout, &stderr)
		},
	} {
		if err := run(); err == nil || strings.Contains(err.Error(), "[") || !strings.Contains(err.Error(), `takes no arguments, got "foo"`) {
			t.Errorf("a command with stray arguments: %v; want the first named as every command names it (got \"foo\")", err)
		}
	}
}

// TestNewEntryNamesTheRunOnce: an error that already names the run is not
// prefixed with it again ("run DIR: run DIR: not a run directory").
func TestNewEntryNamesTheRunOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "norecords")
	writeRun(t, dir, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	if err := os.Remove(filepath.Join(dir, rundir.RecordsFile)); err != nil {
		t.Fatal(err)
	}
	_, _, err := NewEntry(dir, report.SLO{})
	if err == nil || strings.Count(err.Error(), dir) != 1 {
		t.Errorf("NewEntry(a run without records) = %v; want an error naming %s once", err, dir)
	}
}
