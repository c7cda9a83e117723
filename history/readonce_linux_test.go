package history

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// opens counts the times each watched file is opened, by inotify: what a
// process does to a file, seen from outside it, with no hook in the code
// that opens it.
type opens struct {
	fd    int
	paths map[int32]string
}

func watchOpens(t *testing.T, paths ...string) *opens {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	o := &opens{fd: fd, paths: map[int32]string{}}
	for _, p := range paths {
		// Each open's close too: the kernel merges an event with the one
		// queued before it when they are the same (two opens in a row).
		wd, err := syscall.InotifyAddWatch(fd, p, syscall.IN_OPEN|syscall.IN_CLOSE)
		if err != nil {
			t.Fatalf("inotify %s: %v", p, err)
		}
		o.paths[int32(wd)] = p
	}
	return o
}

// take returns the opens of each watched path since the last take (the
// kernel queues an event as the file is opened: all are there when the
// call that opened them has returned).
func (o *opens) take(t *testing.T) map[string]int {
	t.Helper()
	n := map[string]int{}
	buf := make([]byte, 64<<10)
	for {
		k, err := syscall.Read(o.fd, buf)
		if errors.Is(err, syscall.EAGAIN) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= k; {
			wd := int32(binary.NativeEndian.Uint32(buf[off:]))
			mask := binary.NativeEndian.Uint32(buf[off+4:])
			size := int(binary.NativeEndian.Uint32(buf[off+12:]))
			if mask&syscall.IN_OPEN != 0 {
				n[o.paths[wd]]++
			}
			off += syscall.SizeofInotifyEvent + size
		}
	}
}

// TestMedianBaselineReadsEachRunOnce: a history:median-of-N baseline read
// the run.json of each of its runs whose directory is still there three
// times, each decoded (its fingerprint, its manifest, and again to
// summarize it), besides the stored copy, decoded when listed and three
// times more (the hardware, the settings, how it ended). The directory's
// run.json is read once: to summarize the run, its fingerprint checked on
// those bytes. (The stored copy, now decoded once when listed, is not seen
// from outside.)
func TestMedianBaselineReadsEachRunOnce(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	var files []string
	for day := 1; day <= 3; day++ {
		dir := dayRun(t, root, "night"+string(rune('0'+day)), day, nil)
		addRun(t, s, dir)
		files = append(files, filepath.Join(dir, rundir.ManifestFile))
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	o := watchOpens(t, files...)
	b, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Summaries) != 3 || len(b.Warnings) != 0 {
		t.Fatalf("baseline %q: %d summaries, warnings %q; want 3 summarized again, none", b.Label, len(b.Summaries), b.Warnings)
	}
	n := o.take(t)
	for _, f := range files {
		if n[f] != 1 {
			t.Errorf("%s read %d times for one baseline; want once", f, n[f])
		}
	}
}
