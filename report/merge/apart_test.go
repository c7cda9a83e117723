package merge

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// apartShards writes two shards of one level-2 run whose level windows are
// 4.8 s long each and whose starts lie gap apart; the second shard's
// run.json names no levels when noLevels (its whole run, 5 s, is then its
// window).
func apartShards(t *testing.T, root string, gap time.Duration, noLevels bool) (s0, s1 string) {
	t.Helper()
	lv := []rundir.LevelSpan{{Level: 2, StartNS: 0, EndNS: 4800 * ms}}
	s0 = writeShard(t, root, "s0", shardSpec{index: 0, count: 2, start: t0,
		records: []*rundir.Record{rec(0, 0, 100, 300), rec(2, 4000, 100, 300)}, levels: lv})
	if noLevels {
		lv = nil
	}
	s1 = writeShard(t, root, "s1late", shardSpec{index: 1, count: 2, start: t0.Add(gap),
		records: []*rundir.Record{rec(1, 0, 100, 300), rec(3, 4000, 100, 300)}, levels: lv})
	return s0, s1
}

// TestMergeRefusesShardsNotAtOnce: shards run 32 s apart, each measuring
// 4.8 s, never loaded the server together; merged, their level reads half
// the throughput over a 36.8 s window. The merge refuses them (before
// writing anything), naming both shards, the gap and their windows.
func TestMergeRefusesShardsNotAtOnce(t *testing.T) {
	for _, noLevels := range []bool{false, true} {
		root := t.TempDir()
		s0, s1 := apartShards(t, root, 32*time.Second, noLevels)
		out := filepath.Join(root, "m_late")
		_, err := Merge(Options{Dirs: []string{s0, s1}, Out: out})
		refused, ok := errors.AsType[*Refused](err)
		if !ok {
			t.Fatalf("noLevels %v: merge of shards 32 s apart: err %v; want refused", noLevels, err)
		}
		msg := refused.Error()
		for _, want := range []string{s0, s1, "32s", "4.8s"} {
			if noLevels && want == "4.8s" {
				want = "5s"
			}
			if !strings.Contains(msg, want) {
				t.Errorf("noLevels %v: refusal %q does not say %q", noLevels, msg, want)
			}
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("refusal is not one line: %q", msg)
		}
		if _, err := os.Lstat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("refused merge left %s (%v)", out, err)
		}
	}
}

// TestMergeKeepsSmallSkew: a 1.5 s skew on 60 s windows (what --start-at
// leaves a late pod) is one load: merged, with the skew warned about.
func TestMergeKeepsSmallSkew(t *testing.T) {
	root := t.TempDir()
	lv := []rundir.LevelSpan{{Level: 2, StartNS: 0, EndNS: 60000 * ms}}
	s0 := writeShard(t, root, "s0", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 300)}, levels: lv})
	s1 := writeShard(t, root, "s1", shardSpec{index: 1, count: 2, start: t0.Add(1500 * time.Millisecond), records: []*rundir.Record{rec(1, 0, 100, 300)}, levels: lv})
	if _, err := Merge(Options{Dirs: []string{s0, s1}, Out: filepath.Join(root, "m")}); err != nil {
		t.Fatal(err)
	}
}

// TestMergeAcceptApart: with AcceptApart the shards 32 s apart merge, and
// the merged run.json says why they are not one load; the report's part of
// the load names it (what report, compare, cost and history read).
func TestMergeAcceptApart(t *testing.T) {
	root := t.TempDir()
	s0, s1 := apartShards(t, root, 32*time.Second, false)
	out := filepath.Join(root, "m_late")
	res, err := Merge(Options{Dirs: []string{s0, s1}, Out: out, AcceptApart: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := rundir.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Merged == nil || !strings.Contains(m.Merged.Apart, "did not run at once") || m.Merged.Apart != res.Manifest.Merged.Apart {
		t.Fatalf("merged run.json apart %q; want the reason", m.Merged.Apart)
	}
	if part := report.PartOfLoad(m); !strings.Contains(part, "not run at once") {
		t.Errorf("part of the load %q; want it to say the shards did not run at once", part)
	}
	if _, err := report.RunPricedLevel(out); err == nil || !strings.Contains(err.Error(), "not run at once") {
		t.Errorf("priced: %v; want refused, saying the shards did not run at once", err)
	}
	// Why it is not priced, said alike by the report's warning and the
	// cost commands: run the shards together, not "merge without
	// --partial", which every shard here already was.
	if why := report.NotPriced(m); !strings.Contains(why, "run --start-at") || strings.Contains(why, "--partial") {
		t.Errorf("not priced because %q; want shards run together advised, not a merge without --partial", why)
	}
	var b strings.Builder
	if err := report.WriteTableFit(&b, res.Summary, m, 200); err != nil {
		t.Fatal(err)
	}
	lines := 0
	for l := range strings.Lines(b.String()) {
		if strings.Contains(l, "run at once") {
			lines++
		}
	}
	if n := lines; n != 1 {
		t.Errorf("report says 'run at once' on %d lines; want one line:\n%s", n, b.String())
	}
	// Merged at once, the same shards are the whole load.
	s0b, s1b := apartShards(t, t.TempDir(), 100*time.Millisecond, false)
	ok := filepath.Join(root, "m_ok")
	if _, err := Merge(Options{Dirs: []string{s0b, s1b}, Out: ok}); err != nil {
		t.Fatal(err)
	}
	if m, _ := rundir.ReadManifest(ok); m.Merged.Apart != "" || report.PartOfLoad(m) != "" {
		t.Errorf("shards 0.1 s apart: apart %q, part of the load %q; want none", m.Merged.Apart, report.PartOfLoad(m))
	}
}

// TestMergeApartBound: two 4.8 s windows merge while they share at least
// half the shorter, 2.4 s: started 2.4 s apart they share exactly that
// (a merged level reads 2/3 of the load's throughput at worst) and merge;
// 2.5 s apart they share 2.3 s and are refused.
func TestMergeApartBound(t *testing.T) {
	for gap, merges := range map[time.Duration]bool{2400 * time.Millisecond: true, 2500 * time.Millisecond: false} {
		root := t.TempDir()
		s0, s1 := apartShards(t, root, gap, false)
		_, err := Merge(Options{Dirs: []string{s0, s1}, Out: filepath.Join(root, "m")})
		if _, refused := errors.AsType[*Refused](err); refused == merges || (merges && err != nil) {
			t.Errorf("windows of 4.8 s started %v apart: err %v; want merged %v", gap, err, merges)
		}
	}
}
