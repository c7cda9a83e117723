package rundir

import (
	"fmt"
	"slices"
	"time"
)

// IDScheme is how a shard numbers its records, as Shard.IDs records it: the
// id the shard's runner gave a request (from 0) times the shard count, plus
// the shard index. Ids of different shards are therefore disjoint, stay
// uint64, and id mod count names the shard that sent a request.
const IDScheme = "local*count+index"

// Shard says which part of a sharded run a run directory holds (run.json
// "shard"). A sharded run is N processes, usually on N machines, each
// applying 1/N of the scenario's load; `inferbench merge` joins their run
// directories into one.
type Shard struct {
	// Index is this shard's number, 0 ≤ Index < Count.
	Index int `json:"index"`
	// Count is the number of shards the load was split into.
	Count int `json:"count"`
	// Seed seeds this shard's arrival schedule (open loop): the scenario's
	// seed for shard 0, a value derived from it and Index for the others
	// (ShardSeed), so shards do not send in lockstep. Prompts and lengths
	// stay those of the scenario's seed at each request's (global) id.
	Seed uint64 `json:"seed"`
	// IDs is the id scheme (IDScheme).
	IDs string `json:"ids"`
	// StartAt is the wall time the shard was told to start at (--start-at),
	// absent when it started at once. The run's own start (run.json "start")
	// is when it really started, by this host's clock.
	StartAt *time.Time `json:"start_at,omitempty"`
}

// GlobalID is the id a shard writes for the request its runner numbered
// local (IDScheme).
func (s Shard) GlobalID(local uint64) uint64 {
	if s.Count <= 1 {
		return local
	}
	return local*uint64(s.Count) + uint64(s.Index)
}

// Owns reports whether a record id belongs to this shard under IDScheme.
func (s Shard) Owns(id uint64) bool {
	return s.Count <= 1 || id%uint64(s.Count) == uint64(s.Index)
}

// String is "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Share is shard index's share of total when total is split over count
// shards as evenly as possible, the remainder going to the lowest shards:
// 10 over 4 is 3, 3, 2, 2. The shares add up to total. It is how a shard
// splits its run's concurrency, requests and warm-up (loadgen), and so how
// many streams a shard kept at a level (report.Streams).
func Share(total, count, index int) int {
	if count < 1 || index < 0 || index >= count || total <= 0 {
		return 0
	}
	n := total / count
	if index < total%count {
		n++
	}
	return n
}

// Merged says which shards a merged run directory was made from (run.json
// "merged").
type Merged struct {
	// Count is the number of shards the run was split into; Shards lists
	// those merged, by index.
	Count  int           `json:"count"`
	Shards []MergedShard `json:"shards"`
	// Clock says how the shards' clocks were put on one time base.
	Clock string `json:"clock"`
	// StartSpreadNS is the latest shard start minus the earliest, in ns.
	StartSpreadNS int64 `json:"start_spread_ns"`
	// GPUFrom and ServerFrom name the shard whose gpu.jsonl and
	// server.jsonl the merged run keeps (-1: none had one): the shards
	// watch the same devices and server, so one observer is kept rather
	// than N interleaved ones.
	GPUFrom    int `json:"gpu_from"`
	ServerFrom int `json:"server_from"`
	// Warnings are what the merge noticed and did not refuse.
	Warnings []string `json:"warnings,omitempty"`
	// Apart says why the shards did not run at once (their windows at a
	// level share less than half the shorter), merged only with merge
	// --accept-apart: the run's levels are not one load. "" for shards
	// that ran at once.
	Apart string `json:"apart,omitempty"`
}

// MergedShard is one shard of a merged run.
type MergedShard struct {
	Index int `json:"index"`
	// Dir is the shard's run directory as given to merge.
	Dir  string `json:"dir"`
	Host string `json:"host"`
	// Start is the shard's run.json start (its host's wall clock); OffsetNS
	// is Start minus the merged run's start: what was added to every
	// offset of the shard.
	Start    time.Time  `json:"start"`
	OffsetNS int64      `json:"offset_ns"`
	End      *time.Time `json:"end,omitempty"`
	StartAt  *time.Time `json:"start_at,omitempty"`
	Seed     uint64     `json:"seed"`
	// Records is the number of records taken from the shard.
	Records   int64     `json:"records"`
	ExitState ExitState `json:"exit_state"`
}

// Indices are the distinct indices of the shards merged, in order.
func (m *Merged) Indices() []int {
	var idx []int
	for _, s := range m.Shards {
		idx = append(idx, s.Index)
	}
	slices.Sort(idx)
	return slices.Compact(idx)
}
