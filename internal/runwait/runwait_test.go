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
		ns   int64
		ok   bool
	}{
		{"linux.txt", 7483625, true},
		{"never-waited.txt", 0, true},
		{"two-fields.txt", 0, false},
		{"negative.txt", 0, false},
		{"empty.txt", 0, false},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "schedstat", c.file))
		if err != nil {
			t.Fatal(err)
		}
		ns, ok := ParseSchedstat(b)
		if ns != c.ns || ok != c.ok {
			t.Errorf("%s: %d %v; want %d %v", c.file, ns, ok, c.ns, c.ok)
		}
	}
}

// A fake /proc of three threads that waited 0.25, 1.5 and 1.25 s: 3 s.
func TestReadSumsTheThreads(t *testing.T) {
	ns, ok := New(filepath.Join("testdata", "proc")).Read()
	if !ok || ns != 3_000_000_000 {
		t.Errorf("read %d %v; want 3000000000 true", ns, ok)
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
	read := func() int64 {
		t.Helper()
		ns, ok := r.Read()
		if !ok {
			t.Fatal("unknown")
		}
		return ns
	}
	write("10", "5 100 1\n")
	write("11", "5 40 1\n")
	if got := read(); got != 140 {
		t.Fatalf("first read %d; want 140", got)
	}
	// 11 exits; 10 waits 20 more.
	if err := os.RemoveAll(filepath.Join(root, "self", "task", "11")); err != nil {
		t.Fatal(err)
	}
	write("10", "9 120 2\n")
	if got := read(); got != 160 {
		t.Errorf("after thread 11 exited: %d; want 160 (120 + its last 40)", got)
	}
	// A new thread takes tid 10: its count starts again at 7.
	write("10", "1 7 1\n")
	if got := read(); got != 167 {
		t.Errorf("after tid 10's reuse: %d; want 167 (40 + 120 + 7)", got)
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
	if b, _ := r.Read(); b < a {
		t.Errorf("went back: %d then %d", a, b)
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
