package loadgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// ParseShard parses "I/N" (0 ≤ I < N, N ≥ 1), as --shard takes it.
func ParseShard(s string) (index, count int, err error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if ok {
		index, err = strconv.Atoi(is)
		if err == nil {
			count, err = strconv.Atoi(ns)
		}
	}
	if !ok || err != nil || count < 1 || index < 0 || index >= count {
		return 0, 0, fmt.Errorf("want I/N with 0 ≤ I < N (e.g. 0/4), got %q", s)
	}
	return index, count, nil
}

// ShardSeed derives shard index's seed from the scenario's seed: the seed
// itself for shard 0 (so "--shard 0/1" is the unsharded run), else the
// SplitMix64 finalizer of seed + index·φ (Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014), which gives
// unrelated values for neighbouring indices.
func ShardSeed(seed uint64, index int) uint64 {
	if index <= 0 {
		return seed
	}
	z := seed + uint64(index)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// ShardsSending is how many of n shards get any load at a level of
// concurrency workers (closed loop) or of a rate (open: concurrency is not
// read) with requests requests (0: bounded by time): the lowest ones, as
// applyShard splits it. A closed loop's workers are split over the n, so
// those past the concurrency have none, and the requests over the shards
// with workers (an open loop's over all n), so those past the count have
// none. deploy/k8s refuses a manifest whose top level leaves shards idle
// by this count.
func ShardsSending(concurrency, requests int, open bool, n int) int {
	k := n
	if !open {
		k = min(concurrency, n)
	}
	if requests > 0 {
		k = min(k, requests)
	}
	return max(k, 0)
}

// ShardsInFlight is how many requests n shards of an open loop capped at
// maxConcurrency in flight (0: no cap) may keep in flight together: the
// cap, split over them (applyShard), and each keeps at least 1, so n
// where the cap is smaller. 0 when there is no cap.
func ShardsInFlight(maxConcurrency, n int) int {
	if maxConcurrency <= 0 {
		return 0
	}
	return max(maxConcurrency, n)
}

// applyShard cuts the runner down to its shard's share (Shard option) and
// reports false when the shard has nothing to send at this level: its
// index is at or past ShardsSending, or a trace has no entry for it.
// Closed loop: the concurrency split as evenly as possible, the remainder
// to the lowest shards, and the requests and warm-up split the same way
// over the shards that run. Open loop: the rate divided by N, the requests
// and warm-up split over all N, the in-flight cap split (at least 1 each:
// ShardsInFlight). Trace: every N-th entry from the I-th. Records keep the
// level's total (Level), so the merged run groups them as one process
// would.
//
// Each request's prompt and lengths are those the unsharded run gives the
// same (global) id, so the shards together send the requests one process
// would; only the arrival schedule is seeded per shard (Shard.Seed), since
// N copies of one schedule would arrive in lockstep.
func (r *Runner) applyShard() bool {
	c := &r.c
	sh := c.shard
	if sh.Count <= 1 {
		return true
	}
	n, i := sh.Count, sh.Index
	if i >= ShardsSending(c.concurrency, c.requests, r.IsOpen(), n) {
		return false
	}
	active := n
	var trace []TraceArrival
	switch {
	case c.trace != nil:
		for k := i; k < len(c.trace); k += n {
			trace = append(trace, c.trace[k])
		}
		if len(trace) == 0 {
			return false
		}
		c.trace = trace
	case c.rate > 0:
		c.rate /= float64(n)
		c.maxConcurrency = rundir.Share(ShardsInFlight(c.maxConcurrency, n), n, i)
	default:
		active = min(c.concurrency, n)
		c.concurrency = rundir.Share(c.concurrency, n, i)
	}
	c.requests = rundir.Share(c.requests, active, i)
	c.warmup = rundir.Share(c.warmup, active, i)
	c.seed = sh.Seed

	base := r.workload // the unsharded workload, evaluated at global ids
	first := c.firstID
	r.workload.Lengths = func(id uint64) (int, int) {
		if base.Lengths != nil {
			return base.Lengths(sh.GlobalID(id))
		}
		return base.PromptTokens, base.MaxTokens
	}
	r.workload.Prompt = nil
	r.workload.probe = func(id uint64) (targets.Request, int, rundir.TokenSource) {
		return base.ProbeRequest(sh.GlobalID(id))
	}
	r.workload.global = func(id uint64) (string, int, rundir.TokenSource) {
		g := sh.GlobalID(id)
		if k := id - first; trace != nil && k < uint64(len(trace)) {
			req, n, src := base.RequestWith(g, trace[k].PromptTokens, trace[k].OutputTokens)
			return req.Prompt, n, src
		}
		req, n, src := base.Request(g)
		return req.Prompt, n, src
	}
	return true
}
