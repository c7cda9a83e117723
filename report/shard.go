package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/rundir"
)

// PartOfLoad says which part of a sharded run's load a run directory
// measured: "shard 0/2" for one shard (run --shard), "shards 0, 2 of 4
// merged (partial)" for a merge of fewer shards than the run was split into
// (merge --partial, PartialMerge); "" for a whole run, one merged from every
// shard included. Such a run's records carry the whole run's levels at its
// part of the load: the server served every shard's requests, so its
// throughput is not the server's, and its cost per token, priced alone,
// is about N/k times the server's (k of N shards). The cost commands refuse
// it (RunPricedLevel), the report prices none of it, and the history marks
// it (compare.ShardOf holds the same sharding, "0/2" for a shard).
func PartOfLoad(m *rundir.Manifest) string {
	switch {
	case m == nil:
		return ""
	case m.Shard != nil:
		return "shard " + m.Shard.String()
	}
	return PartialMerge(m)
}

// NotPriced says why run m's throughput is priced by no cost, "" when it
// may be: a part of the load (a shard, a merge of some of the shards), or
// shards merged though they did not run at once (merge --accept-apart).
// What to price instead differs: the merge of every shard, or shards run
// together. The report's warning and the cost commands' refusal
// (RunPricedLevel) both say it.
func NotPriced(m *rundir.Manifest) string {
	part := PartOfLoad(m)
	switch {
	case part == "":
		return ""
	case m.Merged != nil && m.Merged.Apart != "":
		return fmt.Sprintf("%s: its throughput is not one load's (%s); price shards run together (run --start-at)", part, m.Merged.Apart)
	}
	return part + " of a sharded run: its throughput is its part of the load, and the server served every shard's; price the run merged from every shard (inferbench merge, without --partial)"
}

// PartialMerge describes a run merged from fewer shards than the run was
// split into ("shard 0 of 2 merged (partial)", "shards 0, 2 of 4 merged
// (partial)"), or from shards that did not run at once (merge
// --accept-apart: "shards 0, 1 of 2 merged, not run at once"), whose
// levels are not one load either; "" for any other run.
func PartialMerge(m *rundir.Manifest) string {
	if m == nil || m.Merged == nil {
		return ""
	}
	mg := m.Merged
	idx := mg.Indices()
	if len(idx) >= mg.Count && mg.Apart == "" {
		return ""
	}
	words := make([]string, len(idx))
	for i, n := range idx {
		words[i] = strconv.Itoa(n)
	}
	noun := "shards"
	if len(idx) == 1 {
		noun = "shard"
	}
	s := fmt.Sprintf("%s %s of %d merged", noun, strings.Join(words, ", "), mg.Count)
	if len(idx) < mg.Count {
		s += " (partial)"
	}
	if mg.Apart != "" {
		s += ", not run at once"
	}
	return s
}

// Streams is the closed loop's streams the run's load generators kept at a
// level of concurrency level: the level itself for a whole run; for a shard
// its share of it, the level split over the shards as evenly as possible,
// the remainder to the lowest (rundir.Share: 5 over 2 is 3 and 2); for a partial merge its shards' shares summed. A shard of a
// level of 8 kept 4 streams, and judged against 8 it read CLIENT-BOUND,
// "only 3.9 of 8 streams in flight".
func Streams(m *rundir.Manifest, level float64) float64 {
	n := int(level)
	if m == nil || float64(n) != level || n < 1 {
		return level
	}
	var idx []int
	var count int
	switch {
	case m.Shard != nil:
		idx, count = []int{m.Shard.Index}, m.Shard.Count
	case PartialMerge(m) != "":
		idx, count = m.Merged.Indices(), m.Merged.Count
	default:
		return level
	}
	streams := 0
	for _, i := range idx {
		streams += rundir.Share(n, count, i)
	}
	return float64(streams)
}

// ClosedStreams is the streams a closed loop kept at a level (Streams), 0
// when the run's load was no closed loop (rate, trace, or no run.json):
// the streams-in-flight check is a closed loop's. The live view judges a
// level's client with it too.
func ClosedStreams(m *rundir.Manifest, level float64) float64 {
	if m == nil || m.Load.Profile != "concurrency" && m.Load.Profile != "sweep" {
		return 0
	}
	return Streams(m, level)
}
