package compare

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestShardIsNotTheWholeRun: a shard carries its part of the load (--shard
// 0/2 of -c 8 runs 4 streams and records level 8), so a shard and a whole
// run, or shards of another index or count, cannot be compared (exit 2);
// `compare WHOLE SHARD` reported output tokens/s -50 % as a regression
// (exit 1), and `compare SHARD WHOLE` passed. The same shard of two
// sharded runs can.
func TestShardIsNotTheWholeRun(t *testing.T) {
	whole := &rundir.Manifest{Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}}
	shard := func(i, n int) *rundir.Manifest {
		m := *whole
		m.Shard = &rundir.Shard{Index: i, Count: n}
		return &m
	}
	for _, tt := range []struct {
		base, cand *rundir.Manifest
		want       string // "" when comparable
	}{
		{whole, shard(0, 2), "sharding differs: baseline the whole run, candidate shard 0/2"},
		{shard(1, 2), whole, "sharding differs: baseline shard 1/2, candidate the whole run"},
		{shard(0, 2), shard(1, 2), "sharding differs: baseline shard 0/2, candidate shard 1/2"},
		{shard(0, 4), shard(0, 2), "sharding differs"},
		{shard(1, 2), shard(1, 2), ""},
		{whole, whole, ""},
	} {
		reasons, _ := Check(MetaOf(tt.base), MetaOf(tt.cand))
		got := strings.Join(reasons, "; ")
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("Check(%v, %v) = %q; want %q", tt.base.Shard, tt.cand.Shard, got, tt.want)
		}
	}
}

// TestPartialMergeIsNotTheWholeRun: `merge --partial` of one shard of two
// keeps the whole run's load in run.json (concurrency 8, 200 requests) and
// half its throughput; it was taken for a whole run, so `compare WHOLE
// PARTIAL` read output tokens/s -50 % as a regression, and a partial merge
// as the baseline let a real halving pass. Like a shard, it is part of the
// load: comparable only with a merge of the same shards.
func TestPartialMergeIsNotTheWholeRun(t *testing.T) {
	whole := &rundir.Manifest{Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}}
	merged := func(n int, idx ...int) *rundir.Manifest {
		m := *whole
		m.Merged = &rundir.Merged{Count: n}
		for _, i := range idx {
			m.Merged.Shards = append(m.Merged.Shards, rundir.MergedShard{Index: i})
		}
		return &m
	}
	shard := func(i, n int) *rundir.Manifest {
		m := *whole
		m.Shard = &rundir.Shard{Index: i, Count: n}
		return &m
	}
	for _, tt := range []struct {
		name       string
		base, cand *rundir.Manifest
		want       string // "" when comparable
	}{
		{"whole against partial", whole, merged(2, 0), "sharding differs: baseline the whole run, candidate shard 0 of 2 merged (partial)"},
		{"partial against whole", merged(4, 2, 0), whole, "sharding differs: baseline shards 0, 2 of 4 merged (partial), candidate the whole run"},
		{"partial against full merge", merged(2, 1), merged(2, 0, 1), "sharding differs: baseline shard 1 of 2 merged (partial), candidate the whole run"},
		{"partial against its shard", merged(2, 0), shard(0, 2), "sharding differs: baseline shard 0 of 2 merged (partial), candidate shard 0/2"},
		{"other shards", merged(4, 0, 1), merged(4, 0, 2), "sharding differs"},
		{"same shards", merged(4, 0, 1), merged(4, 1, 0), ""},
		{"full merge against whole", merged(2, 0, 1), whole, ""},
	} {
		reasons, _ := Check(MetaOf(tt.base), MetaOf(tt.cand))
		got := strings.Join(reasons, "; ")
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: Check = %q; want %q", tt.name, got, tt.want)
		}
	}
}
