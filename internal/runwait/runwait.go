// Package runwait reads how long this process's threads have waited for a
// CPU: Linux's per-thread run-queue wait ("run_delay", the second field of
// /proc/<pid>/task/<tid>/schedstat, in ns; the kernel's
// Documentation/scheduler/sched-stats.rst) and the number of times they
// were put on a CPU (the third), summed over the threads. Time a
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

// Stat is a process's threads' cumulative scheduling counts, summed over
// them: RunNS, the time on a CPU (the first field); WaitNS, the time
// runnable but waiting for one (run_delay); and Slices, the times a thread
// was put on a CPU (the third field, "# of timeslices run on this cpu").
// WaitNS over Slices is how long, on average, a thread that became
// runnable waited for a CPU: how late a timestamp taken by it is for the
// host's sake; WaitNS over RunNS how much the CPU it wanted was held by
// others.
type Stat struct {
	RunNS, WaitNS, Slices int64
}

func (s Stat) add(o Stat) Stat {
	return Stat{s.RunNS + o.RunNS, s.WaitNS + o.WaitNS, s.Slices + o.Slices}
}

// A Reader sums the scheduling counts of one process's threads,
// cumulative since the process started. It is safe for concurrent use.
//
// A thread that exits takes its schedstat with it: the sum would go back.
// The Reader remembers each thread's last reading and keeps it once the
// thread is gone, so the sums only grow, and what is lost is an exited
// thread's counts after the Reader last saw it. Go seldom ends a thread (an
// M exits only when a goroutine locked to it returns without unlocking),
// so on the processes read here that loss is next to nothing.
type Reader struct {
	task string // <proc>/self/task

	mu      sync.Mutex
	last    map[string]Stat // tid → its counts at the previous read
	seen    map[string]bool // scratch: the tids of this read
	retired Stat            // the last readings of threads since gone
	buf     []byte

	// beforeLock, when set (tests only), is called by Read before it takes
	// mu: a test runs another Read there, as a concurrent scrape does.
	beforeLock func()
}

// New returns a Reader of the process whose /proc is procRoot ("/proc" for
// this one; a test passes a fake tree holding self/task/<tid>/schedstat).
func New(procRoot string) *Reader {
	return &Reader{task: filepath.Join(procRoot, "self", "task"), last: map[string]Stat{}, seen: map[string]bool{}, buf: make([]byte, 256)}
}

// Self returns a Reader of this process on Linux, nil elsewhere: a nil
// Reader reads unknown.
func Self() *Reader {
	if runtime.GOOS != "linux" {
		return nil
	}
	return New("/proc")
}

// Read returns the process's threads' cumulative counts, and false when
// they are unknown — no Reader, no /proc, a kernel without schedstats
// (CONFIG_SCHED_INFO), no thread's file readable. Unknown is not zero: a
// caller records nothing rather than a wait of 0.
func (r *Reader) Read() (Stat, bool) {
	if r == nil {
		return Stat{}, false
	}
	if r.beforeLock != nil {
		r.beforeLock()
	}
	// The listing is taken under mu with the reads: a listing older than
	// another Read's (two scrapes of the mock's /metrics at once) lacks a
	// thread that Read added to last, which would then be retired while
	// alive and counted twice from the next Read on.
	r.mu.Lock()
	defer r.mu.Unlock()
	d, err := os.Open(r.task)
	if err != nil {
		return Stat{}, false
	}
	tids, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return Stat{}, false
	}
	clear(r.seen)
	var sum Stat
	for _, tid := range tids {
		st, ok := r.thread(tid)
		if !ok {
			continue // ended between the listing and the read: retired below
		}
		if prev, had := r.last[tid]; had && (st.RunNS < prev.RunNS || st.WaitNS < prev.WaitNS || st.Slices < prev.Slices) {
			// The tid was reused by a new thread: the old one's counts stay.
			r.retired = r.retired.add(prev)
		}
		r.last[tid] = st
		r.seen[tid] = true
		sum = sum.add(st)
	}
	if len(r.seen) == 0 {
		return Stat{}, false
	}
	for tid, st := range r.last {
		if !r.seen[tid] {
			r.retired = r.retired.add(st)
			delete(r.last, tid)
		}
	}
	return r.retired.add(sum), true
}

// thread reads one thread's counts.
func (r *Reader) thread(tid string) (Stat, bool) {
	n, err := readSmall(filepath.Join(r.task, tid, "schedstat"), r.buf)
	if err != nil {
		return Stat{}, false
	}
	return ParseSchedstat(r.buf[:n])
}

// ParseSchedstat returns the counts of one schedstat line: "<time on cpu
// ns> <run-queue wait ns> <timeslices>"; false when the line is not that.
func ParseSchedstat(b []byte) (Stat, bool) {
	f := bytes.Fields(b)
	if len(f) != 3 {
		return Stat{}, false
	}
	var v [3]int64
	for i, x := range f {
		u, err := strconv.ParseUint(string(x), 10, 63)
		if err != nil {
			return Stat{}, false
		}
		v[i] = int64(u)
	}
	return Stat{RunNS: v[0], WaitNS: v[1], Slices: v[2]}, true
}
