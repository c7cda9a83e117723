// Package proctest gives tests the processes a run.json names: this
// host's name, a process alive for the test's length, and one that has
// exited, for the tests of what "still going" and "gone" mean to rundir,
// report, history and live. It runs sleep and true, so its callers are
// Unix tests; where either cannot run, the test is skipped.
package proctest

import (
	"os"
	"os/exec"
	"testing"
)

// Host returns this host's name, the one a run records, or skips the test.
func Host(t testing.TB) string {
	t.Helper()
	h, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	return h
}

// Alive returns the pid of a process that lives until the test ends.
func Alive(t testing.TB) int {
	t.Helper()
	p := exec.Command("sleep", "600")
	if err := p.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { p.Process.Kill(); p.Wait() })
	return p.Process.Pid
}

// Gone returns the pid of a process that has exited and been reaped.
func Gone(t testing.TB) int {
	t.Helper()
	p := exec.Command("true")
	if err := p.Run(); err != nil {
		t.Skip(err)
	}
	return p.ProcessState.Pid()
}
