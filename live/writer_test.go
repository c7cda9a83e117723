//go:build unix

package live

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/proctest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowStopsWhenTheRunIsGone: a run directory whose run.json says
// running but whose process (its pid, on this host) has exited — kill -9,
// a crash — is followed to its last record and then left with an error
// that says so; the old follower waited until its context ended (for ever
// under `inferbench watch`). A run.json naming a live process (this test's
// parent) is still followed.
func TestFollowStopsWhenTheRunIsGone(t *testing.T) {
	host, dead := proctest.Host(t), proctest.Gone(t)

	d := newRunDir(t, scenarios.SLO{}, 3)
	d.m.Host = rundir.Host{Name: host, PID: dead}
	d.writeManifest()
	d.write(d.record(rec(1, 0, ms, ms, 2)))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	f, err := NewFollower(ctx, d.dir, FollowOptions{Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = f.Run(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("following a run whose process is gone: %v; want the run named gone", err)
	}
	if snap := f.State().Snapshot(); len(snap.Levels) != 1 || snap.Levels[0].Done != 1 {
		t.Errorf("levels %+v; want level 1 with its one record read", snap.Levels)
	}

	d.m.Host.PID = os.Getppid() // alive: `go test`, or whatever ran this binary
	d.writeManifest()
	short, cancel2 := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel2()
	f2, err := NewFollower(short, d.dir, FollowOptions{Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := f2.Run(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("following a run whose process is alive: %v; want it followed until the context ends", err)
	}
}

// TestFollowOfAKilledRunSaysSo: a run whose process is gone (kill -9) while
// run.json still says running ends the followed State as "gone", not
// "running", and its cut level says how much of it ran. Before, the live
// page of `inferbench watch --live` of a run killed at 12 of 40 requests
// read "run ended: running", and its result line read as a whole level's.
func TestFollowOfAKilledRunSaysSo(t *testing.T) {
	host, dead := proctest.Host(t), proctest.Gone(t)
	d := newRunDir(t, scenarios.SLO{}, 3)
	d.m.Host = rundir.Host{Name: host, PID: dead}
	d.writeManifest()
	d.write(d.record(rec(1, 0, ms, ms, 2)))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	f, err := NewFollower(ctx, d.dir, FollowOptions{Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Run(ctx); err == nil || !strings.Contains(err.Error(), "is gone") {
		t.Fatalf("following a run whose process is gone: %v; want the run named gone", err)
	}
	snap := f.State().Snapshot()
	if !snap.Ended || snap.ExitState != "gone" {
		t.Errorf("ended %v, exit state %q; want ended, gone", snap.Ended, snap.ExitState)
	}
	if len(snap.Levels) != 1 || snap.Levels[0].Result == nil || snap.Levels[0].Result.Stop != "stopped early: 1 of 3 requests" {
		t.Errorf("levels %+v; want level 1's result stopped early: 1 of 3 requests", snap.Levels)
	}
}
