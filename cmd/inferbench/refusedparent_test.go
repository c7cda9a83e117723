package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRefusedRunLeavesNoParent: a run refused at the probe (nothing listens
// at --url) with --out runs/x, runs/ missing, left runs/ behind, empty,
// though README says "no run directory": only x was removed. Every
// directory the run made is removed; one that was there stays.
func TestRefusedRunLeavesNoParent(t *testing.T) {
	top := t.TempDir()
	out := filepath.Join(top, "runs", "nightly", "x")
	checkUsageError(t, "connection refused", "run", "--url", "http://127.0.0.1:1", "--model", "m", "--requests", "1", "--out", out)
	if _, err := os.Stat(filepath.Join(top, "runs")); !os.IsNotExist(err) {
		t.Errorf("the refused run left %s: %v", filepath.Join(top, "runs"), err)
	}
	if _, err := os.Stat(top); err != nil {
		t.Errorf("the refused run removed %s, which was there before it: %v", top, err)
	}
}
