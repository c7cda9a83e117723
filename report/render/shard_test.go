package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// TestShardIsNotPriced: a report of one shard of a sharded run leaves its
// cost out and says why: its throughput is its part of the load, so each
// token was priced at N times what the server's costs (`cost --run` and
// `crossover --run` refuse it, report.RunPricedLevel).
func TestShardIsNotPriced(t *testing.T) {
	dir := writeRuns(t, map[string]rendertest.Spec{"s0": rendertest.H100()})
	path := filepath.Join(dir, "s0", "run.json")
	editManifest(t, path, func(m map[string]any) {
		m["shard"] = map[string]any{"index": 0, "count": 2}
	})
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs, _, _, err := LoadRuns([]string{filepath.Join(dir, "s0")}, slo)
	if err != nil {
		t.Fatal(err)
	}
	if runs[0].Manifest.Shard == nil {
		t.Fatal("run.json's shard was not read")
	}
	rep, err := Build(runs, Options{SLO: slo, Resamples: 100, Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	rr := rep.Runs[0]
	if len(rr.Costs) > 0 || !strings.Contains(strings.Join(rr.Warnings, "\n"), "shard 0/2 of a sharded run") {
		t.Errorf("report of a shard: %d cost rows, warnings %q; want none, and a warning naming the shard", len(rr.Costs), rr.Warnings)
	}
}

// editManifest rewrites the run.json at path as edit changes its fields.
func editManifest(t *testing.T, path string, edit func(m map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFairnessNamesAShard: a qualification of a shard against a whole run
// is not like-for-like; it read "s0 serves 0.50× the output tokens/s of
// c8" as a finding, with nothing said of the shard's part of the load.
// Two runs sharded alike are.
func TestFairnessNamesAShard(t *testing.T) {
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs := loadPair(t, rendertest.H100(), rendertest.H100(), slo)
	runs[1].Manifest.Shard = &rundir.Shard{Index: 0, Count: 2}
	rep, err := Build(runs, Options{SLO: slo, Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(rep.Comparisons[0].Unfair, "\n"); !strings.Contains(all, "shard 0/2 of a sharded run") {
		t.Errorf("unfair list of a whole run against a shard:\n%s\nwant the shard named", all)
	}
	runs[0].Manifest.Shard = &rundir.Shard{Index: 0, Count: 2}
	if rep, err = Build(runs, Options{SLO: slo, Resamples: 100}); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(rep.Comparisons[0].Unfair, "\n"); strings.Contains(all, "shard") {
		t.Errorf("unfair list of two shards 0/2: %s; want no shard named", all)
	}
}
