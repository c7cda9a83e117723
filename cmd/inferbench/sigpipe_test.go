package main

import (
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestRunOutlivesAClosedPipe: a run whose stdout and stderr go to a pipe
// nobody reads any more (`inferbench run … 2>&1 | head -3` once head has
// its lines) finishes its run directory. SIGPIPE killed the process at its
// first write after the reader went (exit 141), leaving no run.json.
func TestRunOutlivesAClosedPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("a real process")
	}
	m, err := mock.New(mock.Config{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // the reader is gone before the first line
	defer w.Close()
	dir := filepath.Join(t.TempDir(), "run")
	run := inferbenchCmd(t, "run", "--url", srv.URL, "--model", "m", "--concurrency", "2", "--requests", "20",
		"--max-tokens", "8", "--gpu-backend", "none", "--progress-interval", "10ms", "--out", dir)
	run.Stdout, run.Stderr = w, w
	err = run.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && !ee.Exited() {
		t.Fatalf("run killed by a signal: %v", err)
	}
	man, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if man.ExitState != rundir.ExitComplete || man.Records != 21 {
		t.Errorf("run.json: state %s, %d records; want complete, 20 and the spread probe", man.ExitState, man.Records)
	}
}
