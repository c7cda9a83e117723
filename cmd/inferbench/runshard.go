package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
)

// Flags of `run` for sharded runs (a contract: extend, never rename).
const (
	flagShard   = "shard"
	flagStartAt = "start-at"
)

// shardFlags are run's flags for sharded runs.
func shardFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagShard, Usage: "run shard I of N (I/N, I from 0): 1/N of the load (concurrency split, rate divided, every N-th trace entry), ids local·N+I; join the shards with inferbench merge"},
		&cli.StringFlag{Name: flagStartAt, Usage: "wait until this wall time (RFC 3339, e.g. 2026-11-27T10:00:00Z) before starting, so shards on several machines begin together"},
	}
}

// shardFrom reads --shard and --start-at into o.
func (o *runOptions) shardFrom(c *cli.Context) error {
	if c.IsSet(flagShard) {
		i, n, err := loadgen.ParseShard(c.String(flagShard))
		if err != nil {
			return usagef("--%s: %v", flagShard, err)
		}
		if n > 1 && o.BisectSteps > 0 {
			return usagef("--%s %d/%d with capacity bisection: each shard would pick its levels from its own part of the results; sweep fixed levels instead", flagShard, i, n)
		}
		o.Shard = rundir.Shard{Index: i, Count: n, Seed: loadgen.ShardSeed(uint64(o.Seed), i), IDs: rundir.IDScheme}
	}
	if c.IsSet(flagStartAt) {
		t, err := time.Parse(time.RFC3339, c.String(flagStartAt))
		if err != nil {
			return usagef("--%s: want an RFC 3339 time such as 2026-11-27T10:00:00Z, got %q", flagStartAt, c.String(flagStartAt))
		}
		o.StartAt = t
	}
	return nil
}

// shardInfo is run.json's "shard": nil for a run that is neither a shard
// nor told when to start.
func (o *runOptions) shardInfo() *rundir.Shard {
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
// not have begun together).
func (o *runOptions) waitStart(ctx context.Context, stderr io.Writer) error {
	if o.StartAt.IsZero() {
		return nil
	}
	d := time.Until(o.StartAt)
	if d <= 0 {
		if d < -time.Second {
			fmt.Fprintf(stderr, "inferbench: warning: --%s %s passed %s ago; starting now\n", flagStartAt, o.StartAt.UTC().Format(time.RFC3339), (-d).Round(time.Millisecond))
		}
		return nil
	}
	fmt.Fprintf(stderr, "inferbench: waiting %s until --%s %s\n", d.Round(time.Millisecond), flagStartAt, o.StartAt.UTC().Format(time.RFC3339))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return &exitCodeError{code: exitInterrupted, err: fmt.Errorf("interrupted while waiting for --%s: nothing was run", flagStartAt)}
	case <-t.C:
		return nil
	}
}

// shardRecord renumbers a shard's record into the run's id space: id
// local·N+I (rundir.IDScheme), and the closed-loop worker w·N+I, so the
// workers of all shards are numbered 0…C−1 as in one process.
func (o *runOptions) shardRecord(r *rundir.Record) {
	if o.Shard.Count <= 1 {
		return
	}
	r.ID = o.Shard.GlobalID(r.ID)
	r.Worker = r.Worker*o.Shard.Count + o.Shard.Index
}

// shardRunner cuts a level's runner down to this shard's share, and reports
// false when the shard has nothing to send at this level (concurrency or
// request count below the number of shards). Closed loop: the concurrency
// split as evenly as possible, the remainder to the lowest shards, and the
// requests and warm-up split the same way over the shards that run.
// Open loop: the rate divided by N, the requests and warm-up split over
// all N, the in-flight cap split (at least 1 each). Trace: every N-th entry
// from the I-th. Records keep the level's total (r.Level), so the merged
// run groups them as one process would.
//
// Each request's prompt and lengths are those the unsharded run gives the
// same (global) id, so the shards together send the requests one process
// would; only the arrival schedule is seeded per shard (Shard.Seed), since
// N copies of one schedule would arrive in lockstep.
func (o *runOptions) shardRunner(r *loadgen.Runner) bool {
	sh := o.Shard
	if sh.Count <= 1 {
		return true
	}
	n, i := sh.Count, sh.Index
	active := n
	var trace []loadgen.TraceArrival
	switch {
	case r.Trace != nil:
		for k := i; k < len(r.Trace); k += n {
			trace = append(trace, r.Trace[k])
		}
		if len(trace) == 0 {
			return false
		}
		r.Trace = trace
	case r.Rate > 0:
		r.Rate /= float64(n)
		if r.MaxConcurrency > 0 {
			r.MaxConcurrency = max(1, loadgen.SplitCount(r.MaxConcurrency, n, i))
		}
	default:
		active = min(r.Concurrency, n)
		r.Concurrency = loadgen.SplitCount(r.Concurrency, n, i)
		if r.Concurrency == 0 {
			return false
		}
	}
	if r.Requests > 0 {
		if r.Requests = loadgen.SplitCount(r.Requests, active, i); r.Requests == 0 {
			return false
		}
	}
	r.Warmup = loadgen.SplitCount(r.Warmup, active, i)
	r.Seed = sh.Seed

	base := r.Workload // the unsharded workload, evaluated at global ids
	first := r.FirstID
	r.Workload.Lengths = func(id uint64) (int, int) {
		if base.Lengths != nil {
			return base.Lengths(sh.GlobalID(id))
		}
		return base.PromptTokens, base.MaxTokens
	}
	r.Workload.Prompt = func(id uint64) (string, int) {
		g := sh.GlobalID(id)
		if k := id - first; trace != nil && k < uint64(len(trace)) {
			req, est := base.RequestWith(g, trace[k].PromptTokens, trace[k].OutputTokens)
			return req.Prompt, est
		}
		req, est := base.Request(g)
		return req.Prompt, est
	}
	return true
}
