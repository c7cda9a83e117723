package merge

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestMergeSaysHowAShardEnded: a shard that did not complete is named with
// its exit state, and its reason only when it has one; a killed shard's
// warning ended in a dangling ": " ("shard 1/2 (b) ended running: ").
func TestMergeSaysHowAShardEnded(t *testing.T) {
	root := t.TempDir()
	a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
	b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
	rundirtest.EditManifest(t, b, func(m *rundir.Manifest) {
		m.ExitState, m.End = rundir.ExitRunning, nil
	})
	res, err := Merge(Options{Dirs: []string{a, b}, Out: filepath.Join(root, "out")})
	if err != nil {
		t.Fatal(err)
	}
	want := "shard 1/2 (" + b + ") ended running"
	for _, w := range res.Warnings {
		if strings.HasPrefix(w, want) {
			if w != want {
				t.Errorf("warning %q; want %q", w, want)
			}
			return
		}
	}
	t.Errorf("warnings %q; want %q", res.Warnings, want)
}

// TestMergedExitReasonSaysItOnce: the merged run's exit reason names each
// shard that did not complete with its state said once ("shard 1/2:
// interrupted by signal"; it said "interrupted interrupted by signal").
func TestMergedExitReasonSaysItOnce(t *testing.T) {
	root := t.TempDir()
	a := writeShard(t, root, "a", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 200)}})
	b := writeShard(t, root, "b", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 200)}})
	rundirtest.EditManifest(t, a, func(m *rundir.Manifest) { m.ExitState, m.ExitReason = rundir.ExitFailed, "disk full" })
	rundirtest.EditManifest(t, b, func(m *rundir.Manifest) { m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal" })
	out := filepath.Join(root, "out")
	if _, err := Merge(Options{Dirs: []string{a, b}, Out: out}); err != nil {
		t.Fatal(err)
	}
	m, err := rundir.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "shard 0/2: failed: disk full; shard 1/2: interrupted by signal"; m.ExitReason != want {
		t.Errorf("exit reason %q; want %q", m.ExitReason, want)
	}
}
