package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/session"
)

// shardFlags are run's flags for sharded runs.
func shardFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "shard", Usage: "run shard I of N (I/N, I from 0): 1/N of the load (concurrency split, rate divided, every N-th trace entry), ids local·N+I; join the shards with inferbench merge"},
		&cli.StringFlag{Name: "start-at", Usage: "wait until this wall time (RFC 3339, e.g. 2026-11-27T10:00:00Z) before starting, so shards on several machines begin together"},
	}
}

// shardFrom reads --shard and --start-at into o.
func shardFrom(c *cli.Context, o *session.Options) error {
	if c.IsSet("shard") {
		i, n, err := loadgen.ParseShard(c.String("shard"))
		if err != nil {
			return usagef("--shard: %v", err)
		}
		switch err := session.ShardRefusal(o.BisectSteps, o.Precision, n); {
		case errors.Is(err, session.ErrShardBisect):
			return usagef("--shard %d/%d with capacity bisection: %v; sweep fixed levels instead", i, n, err)
		case err != nil:
			return usagef("%v", err)
		}
		o.Shard = rundir.Shard{Index: i, Count: n, Seed: loadgen.ShardSeed(uint64(o.Seed), i), IDs: rundir.IDScheme}
	}
	if c.IsSet("start-at") {
		t, err := parseStartAt(c.String("start-at"))
		if err != nil {
			return err
		}
		o.StartAt = t
	}
	return nil
}
