package live

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowSaysWhenTheRunWentQuiet: a run on another host (a shard's pod)
// that writes nothing — no record, no client sample — for twice its
// request timeout (90 s here: 3 minutes) is said, once, to have perhaps
// died; the follower goes on. Anything written starts the count again.
// Before, `watch` of a killed pod's directory said nothing, for ever.
func TestFollowSaysWhenTheRunWentQuiet(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	sc, err := json.Marshal(scenarios.Scenario{Load: scenarios.LoadProfile{Timeout: scenarios.Duration(90 * time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	d.m.Scenario, d.m.Host = sc, rundir.Host{Name: "pod-7", PID: 1}
	d.writeManifest()
	d.write(d.record(rec(1, 0, ms, ms, 2)))
	synctest.Test(t, func(t *testing.T) {
		said, stop := followWarned(t, d.dir)

		time.Sleep(179 * time.Second)
		synctest.Wait()
		if w := said(); len(w) != 0 {
			t.Fatalf("warned %q within the 3 minutes; want nothing yet", w)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if w := said(); len(w) != 1 || !strings.Contains(w[0], "nothing written for 3m0s, and run.json still says running: has the run died on its host pod-7?") {
			t.Fatalf("after 3 minutes quiet: warned %q; want the one warning", w)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if w := said(); len(w) != 1 {
			t.Fatalf("warned %d times; want once until the run writes again", len(w))
		}
		// It writes again, then goes quiet again: said a second time.
		d.write(d.record(rec(1, 0, ms, ms, 2)))
		time.Sleep(182 * time.Second)
		synctest.Wait()
		if w := said(); len(w) != 2 {
			t.Fatalf("warned %q; want a second warning after a second quiet spell", w)
		}
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v; want it to follow until stopped", err)
		}
	})
}

// TestFollowSaysWhenARunKilledLongAgoIsQuiet: a run killed months ago on
// a host that kept no pid (run.json still says running) is said to have
// perhaps died once the follower has seen nothing change for the quiet
// limit (a minute here), not at the first look: its files' times are
// another clock's (TestFollowOfARunOnASlowClockIsNotQuiet), so the line
// names them as that clock gives them, for the user to judge.
func TestFollowSaysWhenARunKilledLongAgoIsQuiet(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	d.m.Host = rundir.Host{Name: "pod-7"}
	d.writeManifest()
	d.write(d.record(rec(1, 0, ms, ms, 2)))
	synctest.Test(t, func(t *testing.T) {
		old := time.Now().Add(-30 * 24 * time.Hour)
		for _, name := range []string{rundir.ManifestFile, rundir.RecordsFile} {
			if err := os.Chtimes(filepath.Join(d.dir, name), old, old); err != nil {
				t.Fatal(err)
			}
		}
		said, stop := followWarned(t, d.dir)
		time.Sleep(59 * time.Second)
		synctest.Wait()
		if w := said(); len(w) != 0 {
			t.Fatalf("warned %q within the minute; want nothing yet", w)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		w := said()
		want := "nothing written for 1m0s, and run.json still says running: has the run died on its host pod-7? (its files last modified " + old.UTC().Format("2006-01-02 15:04:05 MST") + " by their own clock; still watching"
		if len(w) != 1 || !strings.Contains(w[0], want) {
			t.Errorf("warned %q; want %q", w, want)
		}
		stop()
	})
}

// followWarned follows dir (a poll a second, in the test's bubble) and
// returns the warnings said so far, and stop, which ends the follower and
// returns its Run's error.
func followWarned(t *testing.T, dir string) (said func() []string, stop func() error) {
	t.Helper()
	var mu sync.Mutex
	var warns []string
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	f, err := NewFollower(ctx, dir, FollowOptions{Poll: time.Second, Warn: func(s string) {
		mu.Lock()
		warns = append(warns, s)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	said = func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(warns) }
	return said, func() error { cancel(); return <-done }
}

// TestFollowOfARunOnASlowClockIsNotQuiet: a run whose files are stamped by
// a clock 30 days behind this one (a file server's, a copy that keeps the
// writer's times) and which keeps writing, a record every 5 s for 5
// minutes, is never said to have gone quiet: its files change from look
// to look, whatever their times say against this machine's clock. Before,
// the first look dated what was written by the files' modification times
// and said at once "nothing written since … (30 days)" of a live run.
func TestFollowOfARunOnASlowClockIsNotQuiet(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 1000)
	d.m.Host = rundir.Host{Name: "pod-7"}
	d.writeManifest()
	synctest.Test(t, func(t *testing.T) {
		behind := func() {
			old := time.Now().Add(-30 * 24 * time.Hour)
			for _, name := range []string{rundir.ManifestFile, rundir.RecordsFile} {
				if err := os.Chtimes(filepath.Join(d.dir, name), old, old); err != nil {
					t.Fatal(err)
				}
			}
		}
		d.write(d.record(rec(1, 0, ms, ms, 2)))
		behind()
		said, stop := followWarned(t, d.dir)
		for i := 1; i <= 60; i++ {
			time.Sleep(5 * time.Second)
			d.write(d.record(rec(1, int64(i)*int64(time.Second), ms, ms, 2)))
			behind()
			synctest.Wait()
			if w := said(); len(w) != 0 {
				t.Fatalf("after %v of a run writing every 5 s: warned %q; want nothing", time.Duration(i)*5*time.Second, w)
			}
		}
		stop()
	})
}
