package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/cost"
)

// shardedRuns are real runs of the mock (h100-sxm, llama-3-8b, -c 4 -n 12
// --max-tokens 8 --gpu h100-sxm): `run --shard 0/2` and `1/2` started
// together, `merge` of both and `merge --partial` of shard 0 alone.
const shardedRuns = "testdata/sharded"

// TestPartOfTheLoadIsNotPriced: `cost --run` and `crossover --run` of a
// `merge --partial` of one shard of two priced its throughput as the
// server's (220.8 output tokens/s, while the server served 444.4 to both
// shards): $/1M output tokens read twice the whole run's, and crossover
// sized its replicas on half the capacity. A partial merge is refused as a
// shard is, in words naming its shards and the way out; the merge of every
// shard is priced.
func TestPartOfTheLoadIsNotPriced(t *testing.T) {
	for _, tt := range []struct {
		run, want string // want "" when priced
	}{
		{"merged", ""},
		{"partial", "is shard 0 of 2 merged (partial) of a sharded run"},
		{"shard-0", "is shard 0/2 of a sharded run"},
		{"shard-1", "is shard 1/2 of a sharded run"},
	} {
		dir := filepath.Join(shardedRuns, tt.run)
		lv, err := RunPricedLevel(dir)
		if tt.want == "" {
			if err != nil || !(lv.Throughput.OutputTokensPerS > 0) {
				t.Errorf("RunPricedLevel(%s) = %+v, %v; want it priced", tt.run, lv, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "inferbench merge, without --partial") {
			t.Errorf("RunPricedLevel(%s) = %+v, %v; want %q and the way out", tt.run, lv, err, tt.want)
		}
		var out bytes.Buffer
		errCost := cost.RunCost(&out, cost.CostOptions{RunDir: dir, USDPerGPUHour: 2, Runs: CostRuns})
		errX := cost.RunCrossover(&out, cost.CrossoverOptions{RunDir: dir, GPUMonthUSD: 1500, Runs: CostRuns,
			Volume: cost.Volume{TokensPerDay: 1e9, APIPricePerM: 5}})
		for name, err := range map[string]error{"cost": errCost, "crossover": errX} {
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("%s --run %s: %v; want %q", name, tt.run, err, tt.want)
			}
		}
	}
}
