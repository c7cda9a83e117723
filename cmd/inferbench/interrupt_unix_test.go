//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRunStopsOnSignalInSetup: a run still reading its inputs (here a key
// file that is a pipe nobody writes to, as <(cmd) would be with a hung cmd)
// cannot drain — it has sent nothing — so the first SIGINT stops it within
// the bound every non-draining command has, exit 130, leaving no run.
func TestRunStopsOnSignalInSetup(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	out := filepath.Join(dir, "run")
	cmd := inferbenchCmd(t, "run", "--target", "vllm", "--url", "http://127.0.0.1:1", "--model", "m",
		"-n", "1", "--api-key-file", fifo, "--out", out)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Opening the pipe for writing returns once the run has opened it to
	// read: the run is then blocked in its setup, past main's handler.
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() // never written: the read blocks until the process ends
	interruptWithinBound(t, cmd, "run in setup", &stderr)
	if !strings.Contains(stderr.String(), "inferbench: interrupted by signal interrupt\n") {
		t.Errorf("stderr %q; want it to say the signal stopped the run", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "run.json")); err == nil {
		t.Error("a run stopped in its setup left a run.json")
	}
}
