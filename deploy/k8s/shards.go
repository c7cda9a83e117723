package k8s

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
)

// checkShards refuses o.Shards that the load (s's, the run flags after --
// laid over it: layRunFlags) cannot give each a share of, counted by the
// function run's shards split the load by (loadgen.ShardsSending): a
// closed loop splits each level's workers over the shards and its
// requests over those with workers, an open loop its requests over all of
// them, so a shard past the largest level or the request count sends
// nothing at any level; an open loop's in-flight cap is split at least 1
// a shard (loadgen.ShardsInFlight), so more shards than the cap raise
// it. And what run refuses in a shard (session.ShardRefusal, whose words
// it gives: a capacity bisection, adaptive levels), a trace's too.
func checkShards(s *scenarios.Scenario, n int, f laid) error {
	// name says where a value came from: its flag after --, or its key.
	name := func(key, flag string, v any) string {
		if f.flags.IsSet(flag) {
			return fmt.Sprintf("--%s %v after --", flag, v)
		}
		return fmt.Sprintf("the scenario's %s %v", key, v)
	}
	l := &s.Load
	steps := session.BisectSteps(l)
	precision := l.AdaptivePrecision()
	switch err := session.ShardRefusal(steps, precision, n); {
	case errors.Is(err, session.ErrShardBisect):
		what := "the scenario's load.capacity_search (bisect: true)"
		if f.flags.IsSet("bisect") {
			what = fmt.Sprintf("--bisect %d after --", steps)
		}
		return fmt.Errorf("k8s: %s over %d shards: %w, and every pod would refuse it: "+
			"sweep fixed levels (--bisect 0 after --) or give one shard", what, n, err)
	case err != nil:
		return fmt.Errorf("k8s: %s over %d shards: %w, and every pod would refuse it: "+
			"give fixed levels (--precision 0 after --) or one shard", name("load.adaptive.precision", "precision", precision), n, err)
	}
	if n <= 1 || f.trace() {
		return nil // a trace's entries are split; its file is the pods'
	}
	if l.Trace != nil {
		return nil
	}
	open := len(l.Rate) > 0
	top, what := 0, ""
	if !open {
		levels := []int{l.Concurrency}
		what = name("load.concurrency", "concurrency", l.Concurrency)
		if l.Sweep != nil {
			levels = l.Sweep.Concurrencies()
			what = name("load.sweep", "sweep", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(levels)), ","), "[]")) + " (its largest level)"
		}
		if len(levels) == 0 {
			return nil // no level: run says so
		}
		if top = slices.Max(levels); top <= 0 {
			return nil // no load kind yet: run says so
		}
	}
	// The shards run gives a share of the top level, named by what bounds
	// it: the workers, else the requests.
	if k := loadgen.ShardsSending(top, l.Requests, open, n); k < n {
		if open || k < top {
			what = name("load.requests", "requests", l.Requests)
		}
		return fmt.Errorf("k8s: %s over %d shards: %d of them would send nothing (a shard's share of it would be none): give at most --shards %d",
			what, n, n-k, k)
	}
	if c, k := l.MaxConcurrency, loadgen.ShardsInFlight(l.MaxConcurrency, n); open && k > c {
		return fmt.Errorf("k8s: %s over %d shards: each shard keeps at least 1 in flight, so %d requests in flight, not %d: give at most --shards %d",
			name("load.max_concurrency", "max-concurrency", c), n, k, c, c)
	}
	return nil
}
