// Package proctest gives tests the processes a run.json names: this
// host's name, a process alive for the test's length, and one that has
// exited, for the tests of what "still going" and "gone" mean to rundir,
// report, history and live. It runs sleep and true, so its callers are
// Unix tests; where either cannot run, the test is skipped.
package proctest

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
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

// Zombie returns the pid of a process that has exited but is not reaped
// yet (state Z: a parent that has not waited, as a container's init that
// reaps nothing). It waits for the exit by polling /proc, so it is for
// Linux; the process is reaped when the test ends.
func Zombie(t testing.TB) int {
	t.Helper()
	p := exec.Command("true")
	if err := p.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { p.Wait() })
	stat := "/proc/" + strconv.Itoa(p.Process.Pid) + "/stat"
	for {
		b, err := os.ReadFile(stat)
		if err != nil {
			t.Skip(err)
		}
		if i := bytes.LastIndexByte(b, ')'); i > 0 && len(b) > i+2 && b[i+2] == 'Z' {
			return p.Process.Pid
		}
		time.Sleep(time.Millisecond)
	}
}
