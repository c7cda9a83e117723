package runwait

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Schedstat lines as the kernel writes them (testdata/schedstat/linux.txt
// is this machine's /proc/self/schedstat, kernel 6.18) and lines that are
// not one: the second field is the run-queue wait.
func TestParseSchedstatFixtures(t *testing.T) {
	for _, c := range []struct {
		file string
		want Stat
		ok   bool
	}{
		{"linux.txt", Stat{6645153, 7483625, 3}, true},
		{"never-waited.txt", Stat{RunNS: 184467440737}, true},
		{"two-fields.txt", Stat{}, false},
		{"negative.txt", Stat{}, false},
		{"empty.txt", Stat{}, false},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "schedstat", c.file))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := ParseSchedstat(b)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %+v %v; want %+v %v", c.file, got, ok, c.want, c.ok)
		}
	}
}

// A fake /proc of three threads that waited 0.25, 1.5 and 1.25 s over
// 912, 77 and 4 timeslices, on a CPU 1.093417032, 0.088120044 and
// 0.00000312 s: 3 s over 993, 1.181540196 s on a CPU.
func TestReadSumsTheThreads(t *testing.T) {
	st, ok := New(filepath.Join("testdata", "proc")).Read()
	if !ok || st != (Stat{1_181_540_196, 3_000_000_000, 993}) {
		t.Errorf("read %+v %v; want 1.181540196 s on a CPU, 3 s waiting over 993 timeslices", st, ok)
	}
}

// Unknown is not zero: no /proc, no Reader, or no thread's schedstat
// readable (a kernel without schedstats) read false.
func TestReadUnknown(t *testing.T) {
	if ns, ok := New(t.TempDir()).Read(); ok {
		t.Errorf("no task directory: %d true; want unknown", ns)
	}
	if ns, ok := (*Reader)(nil).Read(); ok {
		t.Errorf("nil Reader: %d true; want unknown", ns)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "self", "task", "7"), 0o755); err != nil {
		t.Fatal(err)
	}
	if ns, ok := New(root).Read(); ok {
		t.Errorf("a thread without schedstat: %d true; want unknown", ns)
	}
}

// A thread that exits takes its schedstat with it; the sum keeps its last
// reading and never goes back, and a reused tid whose count restarted is a
// new thread.
func TestReadKeepsExitedThreads(t *testing.T) {
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
	r := New(root)
	read := func() Stat {
		t.Helper()
		st, ok := r.Read()
		if !ok {
			t.Fatal("unknown")
		}
		return st
	}
	write("10", "5 100 1\n")
	write("11", "5 40 1\n")
	if got := read(); got != (Stat{10, 140, 2}) {
		t.Fatalf("first read %+v; want 140 over 2", got)
	}
	// 11 exits; 10 waits 20 more.
	if err := os.RemoveAll(filepath.Join(root, "self", "task", "11")); err != nil {
		t.Fatal(err)
	}
	write("10", "9 120 2\n")
	if got := read(); got != (Stat{14, 160, 3}) {
		t.Errorf("after thread 11 exited: %+v; want 160 (120 + its last 40) over 3", got)
	}
	// A new thread takes tid 10: its count starts again at 7.
	write("10", "1 7 1\n")
	if got := read(); got != (Stat{15, 167, 4}) {
		t.Errorf("after tid 10's reuse: %+v; want 167 (40 + 120 + 7) over 4", got)
	}
}

// Two Reads at once (two scrapes of the mock's /metrics) while a thread
// starts: the Read that listed the tasks before the thread started must
// not retire it, or the next Read counts it twice. Thread 20 waited 100 and
// 21, started between the two listings, 1000: every read says 1100 once
// both are there, never 2100.
func TestConcurrentReadsCountANewThreadOnce(t *testing.T) {
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
	write("20", "1 100 1\n")
	r := New(root)
	if st, ok := r.Read(); !ok || st.WaitNS != 100 {
		t.Fatalf("first read %+v %v; want 100", st, ok)
	}
	var inner Stat
	r.beforeLock = func() {
		r.beforeLock = nil
		// Thread 21 starts, and another Read runs to its end.
		write("21", "1 1000 1\n")
		inner, _ = r.Read()
	}
	outer, _ := r.Read()
	next, _ := r.Read()
	want := Stat{2, 1100, 2}
	if inner != want || outer != want || next != want {
		t.Errorf("reads %+v (the concurrent one), %+v, then %+v; want %+v each: thread 21 once", inner, outer, next, want)
	}
}

// This process, on Linux: known, and it does not go back.
func TestSelf(t *testing.T) {
	r := Self()
	if runtime.GOOS != "linux" {
		if _, ok := r.Read(); ok {
			t.Errorf("%s: known; want unknown off Linux", runtime.GOOS)
		}
		return
	}
	if _, err := os.Stat("/proc/self/schedstat"); err != nil {
		t.Skipf("no schedstat on this kernel: %v", err)
	}
	a, ok := r.Read()
	if !ok {
		t.Fatal("this process's run-queue wait is unknown")
	}
	if b, _ := r.Read(); b.WaitNS < a.WaitNS || b.Slices < a.Slices {
		t.Errorf("went back: %+v then %+v", a, b)
	}
}

// The cost of one read of this process (the client reads every 250 ms, the
// mock at each scrape of /metrics): as the test binary starts, and with 30
// more threads (goroutines locked to their own, parked), about what a
// loaded client or mock holds.
func BenchmarkSelfRead(b *testing.B) {
	r := Self()
	if _, ok := r.Read(); !ok {
		b.Skip("unknown here")
	}
	bench := func(b *testing.B) {
		for b.Loop() {
			r.Read()
		}
		b.ReportMetric(float64(len(r.last)), "threads")
	}
	b.Run("start", bench)
	stop := make(chan struct{})
	defer close(stop)
	var started sync.WaitGroup
	for range 30 {
		started.Add(1)
		go func() {
			runtime.LockOSThread()
			started.Done()
			<-stop
		}()
	}
	started.Wait()
	b.Run("30more", bench)
}
