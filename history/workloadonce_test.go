package history

import (
	"encoding/json"
	"testing"

	"github.com/inferbench/inferbench/report/compare"
)

// TestCandidateSettingsDecodedOnce: a history baseline decoded the
// candidate's scenario settings again for each stored run it looked at,
// to compare their workloads: a median over a year of nights decoded them
// 365 times. They are decoded once a query. Seen by allocations: with
// candidate settings of 20,000 values (a key no workload reads), each run
// more in the store cost the query a whole decoding of them.
func TestCandidateSettingsDecodedOnce(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	for day := 1; day <= 10; day++ {
		addRun(t, s, dayRun(t, root, "night"+string(rune('a'+day)), day, nil))
	}
	entries, err := s.List(t.Context(), Filter{})
	if err != nil || len(entries) != 10 {
		t.Fatalf("%d entries, %v; want 10", len(entries), err)
	}
	m, err := entries[0].manifest()
	if err != nil {
		t.Fatal(err)
	}
	var settings map[string]any
	if err := json.Unmarshal(compare.MetaOf(m).Settings, &settings); err != nil || settings["load"] == nil {
		t.Fatalf("settings %v, %v; want a run's load settings", settings, err)
	}
	big := make([]int, 20000)
	for i := range big {
		big[i] = i
	}
	settings["x-notes"] = big
	cand, err := json.Marshal(settings)
	if err != nil {
		t.Fatal(err)
	}
	gpu, shard, load := compare.GPUOf(m), compare.ShardOf(m), loadKind(m)
	query := func(n int) float64 {
		return testing.AllocsPerRun(3, func() {
			if kept, c := sameHardware(entries[:n], gpu, shard, load, cand, 0); len(kept) != n {
				t.Fatalf("kept %d of %d runs of the candidate's workload (left out: %+v)", len(kept), n, c)
			}
		})
	}
	decode := testing.AllocsPerRun(3, func() {
		var v map[string]any
		if err := json.Unmarshal(cand, &v); err != nil {
			t.Fatal(err)
		}
	})
	one, ten := query(1), query(10)
	t.Logf("allocations: 1 run %.0f, 10 runs %.0f; decoding the candidate's settings %.0f", one, ten, decode)
	if perRun := (ten - one) / 9; perRun > decode/2 {
		t.Errorf("each stored run costs the query %.0f allocations, decoding the candidate's settings %.0f: decoded once per run; want once per query (1 run: %.0f, 10 runs: %.0f)",
			perRun, decode, one, ten)
	}
}
