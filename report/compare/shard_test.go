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
