package live

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowDirRemoved: a run directory removed while it is followed (rm -rf
// of the run being watched) ends the follower with an error that says so.
// It drew "draining" for ever: run.json could no longer be read, so the
// run never ended, and the records file it held open said nothing more.
func TestFollowDirRemoved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 3)
		d.write(d.record(rec(1, 0, ms, ms, 2)))
		done := follow(t, d.dir)
		time.Sleep(time.Second)
		if err := os.RemoveAll(d.dir); err != nil {
			t.Fatal(err)
		}
		err := <-done
		if err == nil || !regexp.MustCompile(`nightly-1 was removed while watched`).MatchString(err.Error()) {
			t.Errorf("error %v; want one saying the directory was removed", err)
		}
	})
}

// TestFollowRecordsTruncated: requests.jsonl cut shorter than what was read
// (truncated by another process while watched; the run, writing at its own
// offset, then leaves a hole of zero bytes) ends the follower with an error
// that says the file shrank. The watch read on: it ended on
// "requests.jsonl:74:1: invalid character '\x00'", or, where its offset
// met the writer's, on nothing at all.
func TestFollowRecordsTruncated(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 3)
		d.write(d.record(rec(1, 0, ms, ms, 2)))
		d.write(d.record(rec(1, ms, ms, ms, 2)))
		done := follow(t, d.dir)
		time.Sleep(time.Second)
		if err := os.Truncate(filepath.Join(d.dir, "requests.jsonl"), 0); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		d.write(d.record(rec(1, 2*ms, ms, ms, 2))) // at the writer's offset: a hole before it
		err := <-done
		if err == nil || !regexp.MustCompile(`requests\.jsonl shrank from \d+ to 0 bytes`).MatchString(err.Error()) {
			t.Errorf("error %v; want one saying requests.jsonl shrank", err)
		}
	})
}

// TestFollowRecordsRemoved: requests.jsonl removed while followed (rm of
// the file; the run and the follower write and read on through their open
// files) is said: the view is still true, but the directory no longer
// holds the records it shows, and `report` on it fails ("not a run
// directory (no requests.jsonl)"). watch ended on the results, exit 0,
// without a word.
func TestFollowRecordsRemoved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 3)
		d.write(d.record(rec(1, 0, ms, ms, 2)))
		var warned []string
		f, err := NewFollower(t.Context(), d.dir, FollowOptions{Warn: func(s string) { warned = append(warned, s) }})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.Run(t.Context()) }()
		time.Sleep(time.Second)
		if err := os.Remove(filepath.Join(d.dir, "requests.jsonl")); err != nil {
			t.Fatal(err)
		}
		d.write(d.record(rec(1, ms, ms, ms, 2)))
		time.Sleep(time.Second)
		d.m.ExitState = "complete"
		d.writeManifest()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, w := range warned {
			if regexp.MustCompile(`requests\.jsonl was removed while watched`).MatchString(w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("warnings %q; want one saying requests.jsonl was removed", warned)
		}
	})
}

// TestTailerLongPartialLine: a partial line longer than one poll's read
// (maxReadPerPoll) is read on to the file's end, not handed back as "more"
// for ever: the follower's poll loop spun at 100 % CPU on a 300 MB line
// without a newline and never looked at run.json again.
func TestTailerLongPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "requests.jsonl")
	if err := os.WriteFile(path, bytes.Repeat([]byte{'a'}, maxReadPerPoll+1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	tl := &tailer{path: path}
	defer func() {
		if tl.f != nil {
			tl.f.Close()
		}
	}()
	for i := 0; ; i++ {
		_, more, err := tl.read()
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
		if i == 10 {
			t.Fatal("read says more after the file's end, again and again")
		}
	}
}

// TestTailerLineTooLong: a line longer than any record (rundir.MaxRecordLine)
// with no end yet is an error, not kept whole in memory: requests.jsonl a
// link to /dev/zero grew the watch by 16 MiB a poll.
func TestTailerLineTooLong(t *testing.T) {
	path := filepath.Join(t.TempDir(), "requests.jsonl")
	if err := os.WriteFile(path, bytes.Repeat([]byte{'a'}, rundir.MaxRecordLine+1), 0o644); err != nil {
		t.Fatal(err)
	}
	tl := &tailer{path: path}
	defer func() {
		if tl.f != nil {
			tl.f.Close()
		}
	}()
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		_, _, err = tl.read()
	}
	if err == nil || !regexp.MustCompile(`requests\.jsonl: line 1 is longer than 64 MiB`).MatchString(err.Error()) {
		t.Errorf("error %v; want one saying line 1 is longer than 64 MiB", err)
	}
}

// TestFollowEndedRunWithoutRecordsFile: a directory whose run.json says the
// run ended but that holds no requests.jsonl is no run `report` reads ("not
// a run directory (no requests.jsonl)", exit 2); watch said "ended
// (complete) with no request recorded", exit 0.
func TestFollowEndedRunWithoutRecordsFile(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	d.m.ExitState = rundir.ExitComplete
	d.writeManifest()
	if err := os.Remove(filepath.Join(d.dir, rundir.RecordsFile)); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := Follow(t.Context(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}})
	if err == nil || !strings.Contains(err.Error(), "not a run directory (no requests.jsonl)") {
		t.Errorf("Follow: %v, output %q; want an error: not a run directory (no requests.jsonl)", err, out.String())
	}
}

// follow starts a Follower of dir (an hour at most, a test's bubble
// advancing it) and returns where its Run's error comes.
func follow(t *testing.T, dir string) <-chan error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	t.Cleanup(cancel)
	f, err := NewFollower(ctx, dir, FollowOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	return done
}
