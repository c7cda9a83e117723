package cost

import (
	"math"
	"testing"
)

// Over tensor parallelism n, each GPU holds max(1, kv_heads/n) KV heads
// (vLLM replicates a KV head on every GPU past kv_heads): a model with one
// KV head (multi-query attention) at TP 8 keeps 8 copies of it. The fit
// divided the KV room by one copy's bytes, so it read 8 times the context
// that fits. Models of 8 KV heads, the catalog's, are unchanged.
func TestFitCountsReplicatedKVHeads(t *testing.T) {
	c := mustLoad(t, "models:\n  - id: mqa-70b\n    name: an MQA 70B\n    params_b: 70\n    layers: 80\n    kv_heads: 1\n    head_dim: 128\n    source: test\n    date: \"2026-12\"\n")
	g, _ := c.GPU("a10g")
	m, _ := c.Model("mqa-70b")
	f, err := FitModel(g, m, INT4, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	n := f.TensorParallel
	room := float64(n)*g.MemoryMiB*(1<<20)*0.9 - 70e9*0.5
	perGPUHeads := math.Max(1, float64(m.KVHeads)/float64(n))
	perToken := float64(n) * perGPUHeads * 2 * float64(m.Layers) * float64(m.HeadDim) * KVBytesBF16
	if n <= m.KVHeads {
		t.Fatalf("TP %d: want one past the model's %d KV head for the test", n, m.KVHeads)
	}
	if want := int64(math.Floor(room / perToken)); f.KVCacheTokens != want {
		t.Errorf("%s on %d× %s: %d tokens of KV cache; want %d (%d copies of its KV head)", m.ID, n, g.ID, f.KVCacheTokens, want, n)
	}
}
