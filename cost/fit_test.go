package cost

import (
	"math"
	"testing"
)

func TestKVBytesPerToken(t *testing.T) {
	c := mustLoad(t, "")
	for _, tt := range []struct {
		model string
		want  float64
	}{
		{"llama-3-8b", 131072},    // 2×32×8×128×2 = 128 KiB
		{"llama-3-70b", 327680},   // 2×80×8×128×2 = 320 KiB
		{"codellama-34b", 196608}, // 2×48×8×128×2 = 192 KiB
	} {
		m, _ := c.Model(tt.model)
		if got := KVBytesPerToken(m, 2); got != tt.want {
			t.Errorf("KVBytesPerToken(%s) = %v; want %v", tt.model, got, tt.want)
		}
	}
}

func TestFitModel(t *testing.T) {
	c := mustLoad(t, "")
	const gib = 1 << 30
	tests := []struct {
		gpu, model string
		prec       Precision
		util       float64
		tp         int
		kvBytes    float64 // n × budget − weights, by hand
		kvPerToken float64
	}{
		// 70.55e9 × 2 = 141.1e9 B; H100 budget 81,080 MiB × 0.9 per GPU, 2 GPUs (doc example: 11.1 GiB, 36,417 tokens).
		{"h100-sxm", "llama-3-70b", BF16, 0.9, 2, 2*81080*(1<<20)*0.9 - 141.1e9, 327680},
		// 70B BF16 does not fit one H200 at 0.9 (135.1e9 B budget) but does at 0.95 (142.6e9 B).
		{"h200", "llama-3-70b", BF16, 0.9, 2, 2*143157*(1<<20)*0.9 - 141.1e9, 327680},
		{"h200", "llama-3-70b", BF16, 0.95, 1, 143157*(1<<20)*0.95 - 141.1e9, 327680},
		// Mixtral 46.7e9 × 2 = 93.4e9 B does not fit one 80 GB card.
		{"a100-80gb", "mixtral-8x7b", BF16, 0.9, 2, 2*81051*(1<<20)*0.9 - 93.4e9, 131072},
		// 8B in BF16 (16.06e9 B) fits an A10G (24 GB = 22,888 MiB).
		{"a10g", "llama-3-8b", BF16, 0.9, 1, 22888*(1<<20)*0.9 - 16.06e9, 131072},
		// 70B in int4 (35.275e9 B) fits an MI300X with room to spare.
		{"mi300x", "llama-3-70b", INT4, 0.9, 1, 196592*(1<<20)*0.9 - 35.275e9, 327680},
		// 34B in FP8 (33.7e9 B) on an L40S (45,459 MiB × 0.9 = 42.9e9 B).
		{"l40s", "codellama-34b", FP8, 0.9, 1, 45459*(1<<20)*0.9 - 33.7e9, 196608},
	}
	for _, tt := range tests {
		g, _ := c.GPU(tt.gpu)
		m, _ := c.Model(tt.model)
		f, err := FitModel(g, m, tt.prec, tt.util)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Fits || f.TensorParallel != tt.tp || !near(f.KVCacheGiB, tt.kvBytes/gib, 1e-6) ||
			f.KVCacheTokens != int64(math.Floor(tt.kvBytes/tt.kvPerToken)) {
			t.Errorf("FitModel(%s, %s, %s, %v) = TP %d, %.3f GiB, %d tokens; want TP %d, %.3f GiB, %d tokens",
				tt.gpu, tt.model, tt.prec, tt.util, f.TensorParallel, f.KVCacheGiB, f.KVCacheTokens,
				tt.tp, tt.kvBytes/gib, int64(math.Floor(tt.kvBytes/tt.kvPerToken)))
		}
	}
}

func TestFitModelTooBig(t *testing.T) {
	c := mustLoad(t, "")
	g, _ := c.GPU("rtx-4090")
	huge := &Model{ID: "huge", ParamsB: 405, Layers: 126, KVHeads: 8, HeadDim: 128}
	f, err := FitModel(g, huge, BF16, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Fits || f.TensorParallel != 0 {
		t.Errorf("405B on 8× RTX 4090 = %+v; want no fit", f)
	}
	if _, err := FitModel(g, huge, "fp3", 0); err == nil {
		t.Error("unknown precision accepted")
	}
	if _, err := FitModel(g, huge, BF16, 1.5); err == nil {
		t.Error("memory utilization 1.5 accepted")
	}
}
