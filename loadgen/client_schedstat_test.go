package loadgen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/internal/runwait"
)

// A client sample carries the threads' time on a CPU from the same
// schedstat read as their run-queue wait (run_cpu_s beside run_wait_s and
// run_slices), summed over the same threads and kept over one that exited,
// so that the wait per CPU second is one clock over one set of threads.
// cpu_s stays the process's (getrusage) either way; without schedstat the
// three are absent, not zero. A fake /proc tree: thread 10 ran 2 ms and
// waited 5 ms over 3 timeslices, thread 11 1 ms, 1 ms, 2; then 11 exits and
// 10 runs to 6 ms, waits to 8 ms over 7.
func TestClientSampleRunCPUFromSchedstat(t *testing.T) {
	root := t.TempDir()
	write := func(tid, line string) {
		t.Helper()
		dir := filepath.Join(root, "self", "task", tid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "schedstat"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("10", "2000000 5000000 3\n")
	write("11", "1000000 1000000 2\n")
	p := newClientProbeOf(runwait.New(root))
	check := func(name string, run, wait float64, slices int64) {
		t.Helper()
		s := p.read(1)
		if s.RunCPUSeconds == nil || s.RunWaitSeconds == nil || s.RunSlices == nil {
			t.Fatalf("%s: run_cpu_s %v, run_wait_s %v, run_slices %v; want all three", name, s.RunCPUSeconds, s.RunWaitSeconds, s.RunSlices)
		}
		if *s.RunCPUSeconds != run || *s.RunWaitSeconds != wait || *s.RunSlices != slices {
			t.Errorf("%s: ran %v s, waited %v s over %d; want %v, %v over %d", name, *s.RunCPUSeconds, *s.RunWaitSeconds, *s.RunSlices, run, wait, slices)
		}
		if !(s.CPUSeconds > 0) {
			t.Errorf("%s: cpu_s %v; want the process's CPU time", name, s.CPUSeconds)
		}
	}
	check("two threads", 0.003, 0.006, 5)
	if err := os.RemoveAll(filepath.Join(root, "self", "task", "11")); err != nil {
		t.Fatal(err)
	}
	write("10", "6000000 8000000 7\n")
	check("thread 11 gone", 0.007, 0.009, 9)

	s := newClientProbeOf(runwait.New(t.TempDir())).read(1)
	if s.RunCPUSeconds != nil || s.RunWaitSeconds != nil || s.RunSlices != nil || !(s.CPUSeconds > 0) {
		t.Errorf("no schedstat: run_cpu_s %v, run_wait_s %v, run_slices %v, cpu_s %v; want the first three unknown, cpu_s from getrusage",
			s.RunCPUSeconds, s.RunWaitSeconds, s.RunSlices, s.CPUSeconds)
	}
}
