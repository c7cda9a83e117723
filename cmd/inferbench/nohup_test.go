//go:build unix

package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestNohupRunIgnoresHangup: a run started under nohup (SIGHUP ignored, as
// one starts a long benchmark before logging out) runs on when the session
// hangs up; a run takes SIGHUP as SIGTERM only where the user left it its
// default action (session.onHangup). Go's os/signal would otherwise install
// a handler and stop the run at the hangup nohup was there to ignore.
func TestNohupRunIgnoresHangup(t *testing.T) {
	if testing.Short() {
		t.Skip("a real process")
	}
	nohup, err := exec.LookPath("nohup")
	if err != nil {
		t.Skip("no nohup")
	}
	m, err := mock.New(mock.Config{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 4})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	run := exec.Command(nohup, exe, "run", "--url", srv.URL, "--model", "m", "--concurrency", "2", "--requests", "0",
		"--duration", "2s", "--max-tokens", "4", "--gpu-backend", "none", "--out", dir, "-q")
	run.Env = append(os.Environ(), "INFERBENCH_MAIN=1")
	var stderr bytes.Buffer
	run.Stdout, run.Stderr = &stderr, &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	records := filepath.Join(dir, rundir.RecordsFile)
	for giveUp := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := os.ReadFile(records); bytes.Count(b, []byte("\n")) >= 5 {
			break
		}
		if time.Now().After(giveUp) {
			run.Process.Kill()
			run.Wait()
			t.Fatalf("no records in a minute\n%s", stderr.String())
		}
	}
	if err := run.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := run.Wait(); err != nil {
		t.Fatalf("run under nohup after SIGHUP: %v; want it to run on to its end\n%s", err, stderr.String())
	}
	man, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if man.ExitState != rundir.ExitComplete || strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("run.json %s; want complete\n%s", man.ExitState, stderr.String())
	}
}
