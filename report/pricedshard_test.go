package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestShardIsNotPriced: `cost --run` and `crossover --run` refuse one
// shard of a sharded run: its throughput is its part of the load, so it
// priced each token at N times the server's cost (shard 0/2 of the mock at
// -c 8: $5.40 per 1M output tokens on an H100 against $2.70 for the whole
// run) and sized the crossover's replicas on half the capacity. A merged
// run is priced.
func TestShardIsNotPriced(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile),
		[]byte(`{"levels":[{"level":8,"output_tokens_per_s":350,"total_tokens_per_s":1770,"requests_per_s":11,"window_s":5}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &rundir.Manifest{Target: rundir.TargetInfo{Kind: "vllm"}, Shard: &rundir.Shard{Index: 0, Count: 2}}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if _, err := RunPricedLevel(dir); err == nil || !strings.Contains(err.Error(), "shard 0/2") || !strings.Contains(err.Error(), "inferbench merge") {
		t.Errorf("RunPricedLevel of a shard: %v; want it refused, naming the shard and merge", err)
	}
	m.Shard = nil
	m.Merged = &rundir.Merged{Count: 2, Shards: []rundir.MergedShard{{Index: 0}, {Index: 1}}}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if _, err := RunPricedLevel(dir); err != nil {
		t.Errorf("RunPricedLevel of a merged run: %v", err)
	}
}
