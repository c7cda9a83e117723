package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestPartOfTheLoadKeepsItsOwnStreams: a shard of two at concurrency 8 ran
// 4 streams, and a merge --partial of it the same; judged against the
// level's 8 they read CLIENT-BOUND, "only 3.9 of 8 streams in flight"
// (shard 0/2 of the mock at -c 8 -n 160), and history baselines leave a
// CLIENT-BOUND level out. Each is judged against its own streams (Streams:
// the level split as run --shard splits it), a whole run against the level.
func TestPartOfTheLoadKeepsItsOwnStreams(t *testing.T) {
	load := rundir.LoadInfo{Profile: "concurrency", Concurrency: 8}
	merged := func(count int, idx ...int) *rundir.Manifest {
		m := &rundir.Manifest{Load: load, Merged: &rundir.Merged{Count: count}}
		for _, i := range idx {
			m.Merged.Shards = append(m.Merged.Shards, rundir.MergedShard{Index: i})
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		m        *rundir.Manifest
		level    float64
		inFlight float64
		want     string // "" when not bound
	}{
		{"whole run", &rundir.Manifest{Load: load}, 8, 3.9, "only 3.9 of 8 streams in flight"},
		{"shard 0/2", &rundir.Manifest{Load: load, Shard: &rundir.Shard{Index: 0, Count: 2}}, 8, 3.9, ""},
		{"shard 0/2 short of its 4", &rundir.Manifest{Load: load, Shard: &rundir.Shard{Index: 0, Count: 2}}, 8, 2.5, "only 2.5 of 4 streams in flight"},
		{"shard 1/2 of 5: 2 streams", &rundir.Manifest{Load: load, Shard: &rundir.Shard{Index: 1, Count: 2}}, 5, 1.9, ""},
		{"partial merge of shard 0 of 2", merged(2, 0), 8, 3.9, ""},
		{"partial merge of shards 0, 2 of 4 at 10: 3 + 2", merged(4, 2, 0), 10, 3.5, "only 3.5 of 5 streams in flight"},
		{"merge of every shard", merged(2, 0, 1), 8, 3.9, "only 3.9 of 8 streams in flight"},
		{"rate", &rundir.Manifest{Load: rundir.LoadInfo{Profile: "rate"}, Shard: &rundir.Shard{Index: 0, Count: 2}}, 8, 1, ""},
	} {
		level := Level{Level: tt.level, MeanInFlight: tt.inFlight, WindowS: 10, Requests: Requests{Total: 200, OK: 200}}
		sum := &Summary{Levels: []Level{level}}
		attachClient(nil, tt.m, sum)
		reasons := strings.Join(sum.Levels[0].Client.Reasons, "; ")
		if tt.want == "" && reasons != "" || !strings.Contains(reasons, tt.want) {
			t.Errorf("%s: client reasons %q; want %q", tt.name, reasons, tt.want)
		}
		if tt.m.Merged == nil {
			continue
		}
		sum = &Summary{Levels: []Level{level}}
		JudgeClientsPerShard(sum, map[int][]rundir.ClientSample{0: nil}, tt.m)
		if reasons := strings.Join(sum.Levels[0].Client.Reasons, "; "); tt.want == "" && reasons != "" || !strings.Contains(reasons, tt.want) {
			t.Errorf("%s: merged client reasons %q; want %q", tt.name, reasons, tt.want)
		}
	}
}
