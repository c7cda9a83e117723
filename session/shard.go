package session

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

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
			fmt.Fprintf(log, "inferbench: warning: --start-at %s passed %s ago; starting now\n", at, (-d).Round(time.Millisecond))
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
