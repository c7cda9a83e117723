package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets"
)

// What run refuses in a shard (ShardRefusal), in its words.
var (
	// ErrShardBisect: each shard would pick its levels from its own part
	// of the results.
	ErrShardBisect = errors.New("run bisects for capacity in no shard (each would pick its levels from its own part of the results)")
	// ErrShardAdaptive: each shard judges a level by its part of it.
	ErrShardAdaptive = errors.New("--precision does not apply to a sharded run: each shard sees part of the level")
)

// ShardRefusal is what run refuses in a run of n shards of a load whose
// capacity search bisects steps levels (0: none; BisectSteps) and whose
// levels stop adaptively at precision (0: fixed levels): ErrShardBisect,
// else ErrShardAdaptive, else nil (always nil for n ≤ 1). Run and
// deploy/k8s's manifest both refuse by it and give its words.
func ShardRefusal(steps int, precision float64, n int) error {
	switch {
	case n <= 1:
		return nil
	case steps > 0:
		return ErrShardBisect
	case precision > 0:
		return ErrShardAdaptive
	}
	return nil
}

// BisectSteps is how many levels the capacity search of load l (defaults
// applied) bisects, as a run of it has them (Options.BisectSteps): its
// steps when it bisects, else 0.
func BisectSteps(l *scenarios.LoadProfile) int {
	if cs := l.CapacitySearch; cs != nil && cs.Bisect {
		return cs.Steps
	}
	return 0
}

// shardInfo is run.json's "shard": nil for a run that is neither a shard
// nor told when to start.
func (o *Options) shardInfo() *rundir.Shard {
	if o.Shard.Count == 0 && o.StartAt.IsZero() {
		return nil
	}
	s := o.Shard
	if s.Count == 0 {
		s = rundir.Shard{Index: 0, Count: 1, Seed: uint64(o.Seed), IDs: rundir.IDScheme}
	}
	if !o.StartAt.IsZero() {
		t := o.StartAt.UTC()
		s.StartAt = &t
	}
	return &s
}

// waitStart waits until --start-at. A start time already past starts at
// once, with a warning when it is more than a second late (the shards will
// not have begun together). Interrupted, it returns an error wrapping the
// context's cause (context.Canceled: the command exits 130).
func (o *Options) waitStart(ctx context.Context, log io.Writer) error {
	if o.StartAt.IsZero() {
		return nil
	}
	at := o.StartAt.UTC().Format(time.RFC3339)
	d := time.Until(o.StartAt)
	if d <= 0 {
		if d < -time.Second {
			fmt.Fprintf(log, "inferbench: warning: --start-at %s passed %s ago; starting now\n", at, AgoWords(-d.Round(time.Millisecond)))
		}
		return nil
	}
	fmt.Fprintf(log, "inferbench: waiting %s until --start-at %s\n", d.Round(time.Millisecond), at)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("interrupted while waiting for --start-at: %w: %w", errNoRun, context.Cause(ctx))
	case <-t.C:
		return nil
	}
}

// runBound says what ends each level, for the run's header line; for a
// shard, the share of the load it sends, as its runners have it
// (loadgen.Runner.Plan, which each level's live line and LevelPlan give):
// "shard 1 of 2: 50 of 100 requests (+1 warm-up) per level". It read the
// whole run's "100 requests (+2 warm-up) per level", of which the shard
// sends half. Levels where the share differs (a concurrency under the
// number of shards splits the requests over fewer) are named, and those
// where it sends nothing.
func (o *Options) runBound(t targets.Target) string {
	if o.Shard.Count <= 1 {
		return o.levelBound()
	}
	shard := fmt.Sprintf("shard %d of %d", o.Shard.Index, o.Shard.Count)
	whole, of := o.Requests, "%d of %d requests (+%d warm-up)"
	if o.Trace != nil {
		whole, _, _ = loadgen.TracePlan(o.Trace, o.Requests, o.Warmup, o.Duration)
		of = "%d of the trace's %d arrivals (+%d warm-up)"
	}
	if whole <= 0 || o.plan != nil {
		// No count to share: the shard sends its share of each level's
		// workers or rate for the time the level lasts.
		return shard + ", its share of each level's load: " + o.levelBound()
	}
	type share struct{ n, w int }
	var (
		order  []share
		levels = map[share][]string{}
		none   []string
	)
	for _, lv := range o.Levels() {
		r, err := o.runner(t, lv, 0)
		switch {
		case errors.Is(err, loadgen.ErrNoShare):
			none = append(none, fmt.Sprintf("%g", lv))
			continue
		case err != nil:
			return shard + ", its share of each level's load: " + o.levelBound()
		}
		n, w, _, _ := r.Plan()
		k := share{n, w}
		if levels[k] == nil {
			order = append(order, k)
		}
		levels[k] = append(levels[k], fmt.Sprintf("%g", lv))
	}
	var parts []string
	for i, k := range order {
		part := fmt.Sprintf(of, k.n, whole, k.w)
		if i > 0 {
			part = fmt.Sprintf("%d (+%d warm-up)", k.n, k.w)
		}
		switch {
		case len(order) > 1:
			part += " at " + levelNames(levels[k])
		case o.Trace == nil:
			part += " per level"
		}
		parts = append(parts, part)
	}
	if len(none) > 0 {
		parts = append(parts, "nothing at "+levelNames(none))
	}
	line := shard + ": " + strings.Join(parts, ", ")
	switch {
	case o.Duration > 0 && o.Trace != nil:
		line += fmt.Sprintf(", those due in the first %s", o.Duration)
	case o.Duration > 0:
		line += fmt.Sprintf("; a level ends at %s if sooner", o.Duration)
	}
	return line
}

// levelNames writes levels as "level 4" or "levels 4, 16".
func levelNames(lv []string) string {
	return printable.Plural(len(lv), "level") + " " + strings.Join(lv, ", ")
}

// MaxStartAhead is how far ahead --start-at may be: it lines the shards of
// a run up, and a time further off is a typo (a day, a month), which would
// leave the run waiting for it; a run for later is a scheduler's job.
const MaxStartAhead = 24 * time.Hour

// ParseStartAt reads --start-at, the wall time the shards of a run start
// together, as of now: an RFC 3339 time, its zone included, at most
// MaxStartAhead ahead.
func ParseStartAt(s string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if _, local := time.Parse("2006-01-02T15:04:05", s); local == nil {
			return time.Time{}, fmt.Errorf("--start-at %q has no time zone: add Z for UTC (%sZ) or the offset of the shards' clocks (%s+01:00)", s, s, s)
		}
		return time.Time{}, fmt.Errorf("--start-at: want an RFC 3339 time such as 2026-11-27T10:00:00Z, got %q", s)
	}
	if d := t.Sub(now); d > MaxStartAhead {
		return time.Time{}, fmt.Errorf("--start-at %s is %s away, more than %s: a typo? (it lines shards up; schedule a later run with cron or a CronJob)", s, AgoWords(d), AgoWords(MaxStartAhead))
	}
	return t, nil
}

// AgoWords is d in hours and minutes up to two days, else in days.
func AgoWords(d time.Duration) string {
	if d < 48*time.Hour {
		return d.Round(time.Second).String()
	}
	return fmt.Sprintf("%.0f days", d.Hours()/24)
}
