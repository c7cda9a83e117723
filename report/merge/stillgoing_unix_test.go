//go:build unix

package merge

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/proctest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestMergeRefusesAShardStillGoing: a shard whose process is still writing
// it on this host was merged from the records written so far (99 of 303
// when three shards were merged 4 s into their run), and the merged run,
// whose run.json names no process, then passed compare and history add,
// which refuse the shard itself. The merge refuses it too, naming the
// shard and its pid, and writes nothing; --partial does not change that
// (it is for shards missing, not shards unfinished).
func TestMergeRefusesAShardStillGoing(t *testing.T) {
	host, alive := proctest.Host(t), proctest.Alive(t)
	for _, partial := range []bool{false, true} {
		root := t.TempDir()
		a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
		b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
		rundirtest.EditManifest(t, b, func(m *rundir.Manifest) {
			m.ExitState, m.End, m.Host.Name, m.Host.PID = rundir.ExitRunning, nil, host, alive
		})
		out := filepath.Join(root, "out")
		_, err := Merge(Options{Dirs: []string{a, b}, Out: out, Partial: partial})
		var refused *Refused
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), "shard 1/2 ("+b+") is still going (pid "+strconv.Itoa(alive)) {
			t.Errorf("partial %v: a shard still going: err %v; want it refused, naming the shard and its pid", partial, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("partial %v: %s left behind (%v); want nothing written", partial, out, err)
		}
	}
}

// TestMergeTakesAKilledShard: a shard whose run.json says running and whose
// process is gone (killed) is merged from what it wrote, with a warning,
// as before: its records are all there will ever be.
func TestMergeTakesAKilledShard(t *testing.T) {
	host, gone := proctest.Host(t), proctest.Gone(t)
	root := t.TempDir()
	a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
	b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
	rundirtest.EditManifest(t, b, func(m *rundir.Manifest) {
		m.ExitState, m.End, m.Host.Name, m.Host.PID = rundir.ExitRunning, nil, host, gone
	})
	res, err := Merge(Options{Dirs: []string{a, b}, Out: filepath.Join(root, "out")})
	if err != nil {
		t.Fatalf("a killed shard: %v; want it merged", err)
	}
	if res.Manifest.ExitState != rundir.ExitFailed {
		t.Errorf("merged exit state %q; want %q", res.Manifest.ExitState, rundir.ExitFailed)
	}
}
