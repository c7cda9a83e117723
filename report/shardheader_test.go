package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestTableSaysShard: `report SHARD` says the run is one shard, with its
// part of the load, above numbers that read as the whole run's otherwise
// (shard 0/2 of -c 8 records level 8 at half its throughput).
func TestTableSaysShard(t *testing.T) {
	s := NewSummarizer(SLO{})
	s.Add(&rundir.Record{ID: 0, Stage: rundir.StageMeasure, Level: 8, SentNS: 1e6, FirstTokenNS: 2e6, EndNS: 3e6, DoneNS: 3e6,
		OK: true, OutputTokens: 2, Chunks: [][2]int64{{2e6, 1}, {3e6, 1}}})
	var b strings.Builder
	m := &rundir.Manifest{ExitState: rundir.ExitComplete, Shard: &rundir.Shard{Index: 0, Count: 2}}
	if err := WriteTable(&b, s.Close(), m); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "shard   0/2 of a sharded run") {
		t.Errorf("table of a shard:\n%s\nwant it to say shard 0/2", out)
	}
}

// TestTableSaysPartialMerge: `merge --partial` of one shard of two read
// "run complete, 101 records" above half the throughput, as a whole run
// would; it says how many shards were merged, and a merge of every shard
// says nothing more.
func TestTableSaysPartialMerge(t *testing.T) {
	for _, tt := range []struct {
		idx  []int
		want string // "" when no line
	}{
		{[]int{0}, "merged  1 of 2 shards: part of the load"},
		{[]int{1}, "merged  1 of 2 shards: part of the load"},
		{[]int{0, 1}, ""},
	} {
		s := NewSummarizer(SLO{})
		s.Add(&rundir.Record{ID: 0, Stage: rundir.StageMeasure, Level: 8, SentNS: 1e6, FirstTokenNS: 2e6, EndNS: 3e6, DoneNS: 3e6,
			OK: true, OutputTokens: 2, Chunks: [][2]int64{{2e6, 1}, {3e6, 1}}})
		m := &rundir.Manifest{ExitState: rundir.ExitComplete, Merged: &rundir.Merged{Count: 2}}
		for _, i := range tt.idx {
			m.Merged.Shards = append(m.Merged.Shards, rundir.MergedShard{Index: i})
		}
		var b strings.Builder
		if err := WriteTable(&b, s.Close(), m); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if tt.want == "" && strings.Contains(out, "merged ") || !strings.Contains(out, tt.want) {
			t.Errorf("table of a merge of shards %v:\n%s\nwant %q", tt.idx, out, tt.want)
		}
	}
}
