package live

import (
	"context"
	"encoding/json"
	"errors"
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
		var mu sync.Mutex
		var warns []string
		said := func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(warns) }
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f, err := NewFollower(ctx, d.dir, FollowOptions{Poll: time.Second, Warn: func(s string) {
			mu.Lock()
			warns = append(warns, s)
			mu.Unlock()
		}})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.Run(ctx) }()

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
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v; want it to follow until stopped", err)
		}
	})
}
