package merge

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestMergeJoinsLevelTimes: run.json's levels of two shards whose starts
// lie 2 s apart (shard 0 later) move onto the merged clock and join: level
// 2 ran 0.05–6 s on shard 1 and 0.1–5 s on shard 0, 2.1–7 s merged, so
// 0.05–7 s. A shard whose run.json does not say leaves them unknown.
func TestMergeJoinsLevelTimes(t *testing.T) {
	for _, c := range []struct {
		name string
		s0   []rundir.LevelSpan
		want []rundir.LevelSpan
	}{
		{"both say", []rundir.LevelSpan{{Level: 2, Open: true, StartNS: 100 * ms, EndNS: 5000 * ms}},
			[]rundir.LevelSpan{{Level: 2, Open: true, StartNS: 50 * ms, EndNS: 7000 * ms}}},
		{"shard 0 does not say", nil, nil},
	} {
		root := t.TempDir()
		s0 := writeShard(t, root, "s0", shardSpec{index: 0, count: 2, start: t0.Add(2 * time.Second),
			records: []*rundir.Record{rec(0, 0, 100, 300)}, levels: c.s0})
		s1 := writeShard(t, root, "s1", shardSpec{index: 1, count: 2, start: t0,
			records: []*rundir.Record{rec(1, 0, 300, 500)}, levels: []rundir.LevelSpan{{Level: 2, Open: true, StartNS: 50 * ms, EndNS: 6000 * ms}}})
		out := filepath.Join(root, "merged")
		if _, err := Merge(Options{Dirs: []string{s1, s0}, Out: out}); err != nil {
			t.Fatal(err)
		}
		m, err := rundir.ReadManifest(out)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Levels, c.want) {
			t.Errorf("%s: merged levels %+v; want %+v", c.name, m.Levels, c.want)
		}
	}
}
