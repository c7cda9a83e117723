package report

import (
	"fmt"
	"slices"
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

// PartialMerge describes a run merged from fewer shards than the run was
// split into ("shard 0 of 2 merged (partial)", "shards 0, 2 of 4 merged
// (partial)"); "" for any other run.
func PartialMerge(m *rundir.Manifest) string {
	if m == nil || m.Merged == nil {
		return ""
	}
	mg := m.Merged
	var idx []int
	for _, s := range mg.Shards {
		if !slices.Contains(idx, s.Index) {
			idx = append(idx, s.Index)
		}
	}
	if len(idx) >= mg.Count {
		return ""
	}
	slices.Sort(idx)
	words := make([]string, len(idx))
	for i, n := range idx {
		words[i] = strconv.Itoa(n)
	}
	noun := "shards"
	if len(idx) == 1 {
		noun = "shard"
	}
	return fmt.Sprintf("%s %s of %d merged (partial)", noun, strings.Join(words, ", "), mg.Count)
}
