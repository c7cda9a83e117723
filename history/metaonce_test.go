package history

import (
	"fmt"
	"os"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestBaselineReadsEachEntrysMetaOnce: a history baseline read each stored
// run's comparability data (compare.MetaOf, which decodes the run's
// scenario, its GPUs and its sharding) again for each question it asked
// of it: its GPU (compare.GPUOf) and sharding (compare.ShardOf), then
// MetaOf for its workload settings (computing both again), MetaOf for the
// settings that differ and MetaOf for how the run ended. Seen by
// allocations: each stored run in the baseline costs about one MetaOf.
func TestBaselineReadsEachEntrysMetaOnce(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	const n = 10
	for day := 1; day <= n; day++ {
		dir := dayRun(t, root, fmt.Sprintf("night%02d", day), day, nil)
		addRun(t, s, dir)
		if err := os.RemoveAll(dir); err != nil { // its stored summary, not its records
			t.Fatal(err)
		}
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", n+1, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.List(t.Context(), Filter{})
	if err != nil || len(entries) != n {
		t.Fatalf("%d entries, %v; want %d", len(entries), err, n)
	}
	m, err := entries[0].manifest()
	if err != nil {
		t.Fatal(err)
	}
	gpu, load := compare.GPUOf(m), loadKind(m)
	// The baseline's questions of the entries, each time of copies that
	// have read nothing yet but their run.json, as List leaves them.
	questions := func() {
		fresh := make([]*Entry, len(entries))
		for i, e := range entries {
			c := *e
			fresh[i] = &c
		}
		kept, _ := sameHardware(fresh, gpu, cand.Meta.Shard, load, cand.Meta.Settings, 0)
		if len(kept) != n {
			t.Fatalf("kept %d of %d", len(kept), n)
		}
		settingsOfEach(kept, cand.Meta)
		endedEarly(kept)
	}
	all := testing.AllocsPerRun(5, questions)
	meta := testing.AllocsPerRun(5, func() { compare.MetaOf(m) })
	query := testing.AllocsPerRun(5, func() {
		if _, err := Baseline(t.Context(), s, fmt.Sprintf("median-of-%d", n), cand); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocations: the baseline's questions of %d runs %.0f (%.1f a run), one MetaOf %.0f; the whole median-of-%d query %.0f", n, all, all/n, meta, n, query)
	if perRun := all / n; perRun > 1.5*meta {
		t.Errorf("each stored run costs the baseline's questions %.0f allocations, %.1f MetaOf's %.0f: want about one", perRun, perRun/meta, meta)
	}
}
