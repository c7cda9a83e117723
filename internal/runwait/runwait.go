// Package runwait reads how long this process's threads have waited for a
// CPU: Linux's per-thread run-queue wait ("run_delay", the second field of
// /proc/<pid>/task/<tid>/schedstat, in ns; the kernel's
// Documentation/scheduler/sched-stats.rst), summed over the threads. Time a
// thread spent runnable but not running is time the host, not the program,
// took: Go's own /sched/latencies cannot see it, because it measures
// goroutines waiting for one of Go's threads, not the threads waiting for
// the OS (docs/design.md, The client watches itself; The mock).
package runwait

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
)

// A Reader sums the run-queue wait of one process's threads, cumulative
// since the process started. It is safe for concurrent use.
//
// A thread that exits takes its schedstat with it: the sum would go back.
// The Reader remembers each thread's last reading and keeps it once the
// thread is gone, so the sum only grows, and what is lost is an exited
// thread's wait after the Reader last saw it. Go seldom ends a thread (an
// M exits only when a goroutine locked to it returns without unlocking),
// so on the processes read here that loss is next to nothing.
type Reader struct {
	task string // <proc>/self/task

	mu      sync.Mutex
	last    map[string]int64 // tid → its run_delay at the previous read
	seen    map[string]bool  // scratch: the tids of this read
	retired int64            // the last readings of threads since gone
	buf     []byte
}

// New returns a Reader of the process whose /proc is procRoot ("/proc" for
// this one; a test passes a fake tree holding self/task/<tid>/schedstat).
func New(procRoot string) *Reader {
	return &Reader{task: filepath.Join(procRoot, "self", "task"), last: map[string]int64{}, seen: map[string]bool{}, buf: make([]byte, 256)}
}

// Self returns a Reader of this process on Linux, nil elsewhere: a nil
// Reader reads unknown.
func Self() *Reader {
	if runtime.GOOS != "linux" {
		return nil
	}
	return New("/proc")
}

// Read returns the process's threads' cumulative run-queue wait in ns, and
// false when it is unknown — no Reader, no /proc, a kernel without
// schedstats (CONFIG_SCHED_INFO), no thread's file readable. Unknown is not
// zero: a caller records nothing rather than a wait of 0.
func (r *Reader) Read() (int64, bool) {
	if r == nil {
		return 0, false
	}
	d, err := os.Open(r.task)
	if err != nil {
		return 0, false
	}
	tids, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.seen)
	var sum int64
	for _, tid := range tids {
		ns, ok := r.delay(tid)
		if !ok {
			continue // ended between the listing and the read: retired below
		}
		if prev, had := r.last[tid]; had && ns < prev {
			// The tid was reused by a new thread: the old one's wait stays.
			r.retired += prev
		}
		r.last[tid] = ns
		r.seen[tid] = true
		sum += ns
	}
	if len(r.seen) == 0 {
		return 0, false
	}
	for tid, ns := range r.last {
		if !r.seen[tid] {
			r.retired += ns
			delete(r.last, tid)
		}
	}
	return r.retired + sum, true
}

// delay reads one thread's run_delay.
func (r *Reader) delay(tid string) (int64, bool) {
	n, err := readSmall(filepath.Join(r.task, tid, "schedstat"), r.buf)
	if err != nil {
		return 0, false
	}
	return ParseSchedstat(r.buf[:n])
}

// ParseSchedstat returns the run-queue wait (ns) of one schedstat line:
// "<time on cpu ns> <run-queue wait ns> <timeslices>"; false when the
// line is not that.
func ParseSchedstat(b []byte) (int64, bool) {
	f := bytes.Fields(b)
	if len(f) != 3 {
		return 0, false
	}
	for _, x := range f {
		if _, err := strconv.ParseUint(string(x), 10, 63); err != nil {
			return 0, false
		}
	}
	ns, _ := strconv.ParseInt(string(f[1]), 10, 64)
	return ns, true
}
