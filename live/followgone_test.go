package live

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"testing/synctest"
	"time"

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
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		f, err := NewFollower(ctx, d.dir, FollowOptions{})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.Run(ctx) }()
		time.Sleep(time.Second)
		if err := os.RemoveAll(d.dir); err != nil {
			t.Fatal(err)
		}
		err = <-done
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
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		f, err := NewFollower(ctx, d.dir, FollowOptions{})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.Run(ctx) }()
		time.Sleep(time.Second)
		if err := os.Truncate(filepath.Join(d.dir, "requests.jsonl"), 0); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		d.write(d.record(rec(1, 2*ms, ms, ms, 2))) // at the writer's offset: a hole before it
		err = <-done
		if err == nil || !regexp.MustCompile(`requests\.jsonl shrank from \d+ to 0 bytes`).MatchString(err.Error()) {
			t.Errorf("error %v; want one saying requests.jsonl shrank", err)
		}
	})
}
