package history

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestReadingAnAbsentStoreCreatesNothing: list, show, trend and a compare
// against history:… of a SQLite store that does not exist leave no file
// or directory behind; they created the store and every directory above
// it (HOME=/nonexistent-dir: `history list` made
// /nonexistent-dir/.local/share/inferbench/history.db). list, show and
// trend say it does not exist (TestReadingAMissingStoreSaysSo); compare
// finds no baseline. `history add` still creates it.
func TestReadingAnAbsentStoreCreatesNothing(t *testing.T) {
	root := t.TempDir()
	store := filepath.Join(root, "nowhere", "deeper", "history.db")
	var stdout, stderr bytes.Buffer
	if err := RunList(t.Context(), CommandOptions{Store: store}, &stdout, &stderr); err == nil {
		t.Error("history list of an absent store succeeded")
	}
	if err := RunTrend(t.Context(), CommandOptions{Store: store, Metric: "ttft_p95"}, &stdout, &stderr); err == nil {
		t.Error("history trend of an absent store succeeded")
	}
	if err := RunShow(t.Context(), CommandOptions{Store: store, Args: []string{"1"}}, &stdout, &stderr); err == nil {
		t.Error("history show 1 of an absent store succeeded")
	}
	run := filepath.Join(root, "run")
	writeRun(t, run, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	cand, err := compare.LoadRun(run, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ResolveBaseline(t.Context(), store, "history:latest", cand); !errors.Is(err, ErrNoBaseline) {
		t.Errorf("history:latest of an absent store: %v; want no baseline", err)
	}
	if _, err := os.Stat(filepath.Join(root, "nowhere")); err == nil {
		t.Errorf("reading an absent store created %s", filepath.Join(root, "nowhere"))
	}
	if err := RunAdd(t.Context(), CommandOptions{Store: store, Args: []string{run}}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(store); err != nil {
		t.Errorf("history add did not create the store: %v", err)
	}
}

// TestAbsentStoreSaysSoWhenNoBaseline: a nightly job whose store path is
// wrong (a typo, INFERBENCH_STORE unset in its environment) reads an empty
// history every night, and with --allow-empty-baseline passes every night
// as the first. The no-baseline message names the missing file; a store
// that exists but holds no matching run does not say it.
func TestAbsentStoreSaysSoWhenNoBaseline(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run")
	writeRun(t, run, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
	cand, err := compare.LoadRun(run, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	absent := filepath.Join(root, "typo", "history.db")
	_, err = ResolveBaseline(t.Context(), absent, "history:median-of-7", cand)
	if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), absent+" does not exist: nothing was ever added there") {
		t.Errorf("an absent store: %v; want no baseline, naming %s as missing", err, absent)
	}
	empty := filepath.Join(root, "empty.db")
	s, err := Open(t.Context(), empty) // created, with its schema
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = ResolveBaseline(t.Context(), empty, "history:median-of-7", cand)
	if !errors.Is(err, ErrNoBaseline) || strings.Contains(err.Error(), "does not exist") {
		t.Errorf("an empty store that exists: %v; want no baseline, not a missing file", err)
	}
}
