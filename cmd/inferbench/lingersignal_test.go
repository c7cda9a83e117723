package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestSignalAfterACompleteRunIsNoInterruption: a run that finished every
// level, its live page lingering (--live-linger), ended by Ctrl-C as the
// linger's own words say: it exited 130, as if the run had been cut short,
// and a CI job read a complete, passing run as interrupted. Its exit is the
// run's (0 here); run.json says complete.
func TestSignalAfterACompleteRunIsNoInterruption(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	url := mockProcess(t, "--ttft", "1ms", "--itl", "1ms", "--output-tokens", "4")
	dir := filepath.Join(t.TempDir(), "run")
	run := inferbenchCmd(t, "run", "--url", url, "--model", "m", "--concurrency", "2", "--requests", "10", "--max-tokens", "4",
		"--gpu-backend", "none", "--live", "127.0.0.1:0", "--live-linger", "60s", "--out", dir, "-q")
	var stderr strings.Builder
	run.Stderr = &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	for giveUp := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if m, err := rundir.ReadManifest(dir); err == nil && m.ExitState == rundir.ExitComplete {
			break
		}
		if time.Now().After(giveUp) {
			run.Process.Kill()
			run.Wait()
			t.Fatalf("the run did not complete in a minute\n%s", stderr.String())
		}
	}
	if err := run.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := run.Wait(); err != nil {
		t.Errorf("a complete run ended in its linger by SIGINT exited with %v; want 0\n%s", err, stderr.String())
	}
}
