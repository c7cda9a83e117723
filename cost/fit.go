package cost

import (
	"fmt"
	"math"
)

// Precision is how many bytes a weight takes.
type Precision string

// Precisions the fit check knows.
const (
	BF16 Precision = "bf16"
	FP8  Precision = "fp8"
	INT4 Precision = "int4"
)

// BytesPerParam returns the bytes one weight takes at precision p.
func (p Precision) BytesPerParam() (float64, error) {
	switch p {
	case BF16:
		return 2, nil
	case FP8:
		return 1, nil
	case INT4:
		return 0.5, nil
	}
	return 0, fmt.Errorf("unknown precision %q (bf16, fp8 or int4)", p)
}

// DefaultMemoryUtilization is the share of GPU memory a serving engine
// takes for weights and KV cache: vLLM's default gpu_memory_utilization,
// 0.9. The rest is left to activations, CUDA graphs and the driver.
const DefaultMemoryUtilization = 0.9

// KVBytesBF16 is the KV cache element size the fit assumes (BF16).
const KVBytesBF16 = 2

// tensorParallelSizes are the tensor-parallel degrees tried, smallest first.
var tensorParallelSizes = []int{1, 2, 4, 8}

// Fit says whether a model fits a GPU and with how many GPUs. JSON keys are
// snake_case.
type Fit struct {
	GPU       string    `json:"gpu"`
	Model     string    `json:"model"`
	Precision Precision `json:"precision"`
	// WeightsGiB is the model's weights; BudgetGiBPerGPU the memory per GPU
	// the engine may use (usable memory × utilization).
	WeightsGiB      float64 `json:"weights_gib"`
	BudgetGiBPerGPU float64 `json:"budget_gib_per_gpu"`
	// Fits is false when even 8 GPUs are not enough; TensorParallel is then 0.
	Fits           bool `json:"fits"`
	TensorParallel int  `json:"tensor_parallel"`
	// KVCacheGiB is the memory left for KV cache over all TensorParallel GPUs;
	// KVCacheTokens how many tokens of context that holds (BF16 KV).
	KVCacheGiB    float64 `json:"kv_cache_gib"`
	KVCacheTokens int64   `json:"kv_cache_tokens"`
}

// KVBytesPerToken is the KV cache one token takes, all layers:
//
//	kv_bytes_per_token = 2 (K and V) × layers × kv_heads × head_dim × bytes
//
// Example: Llama-3-8B (32 layers, 8 KV heads, head_dim 128) in BF16 →
// 2 × 32 × 8 × 128 × 2 = 131,072 B = 128 KiB; Llama-3-70B (80 layers) → 320 KiB.
func KVBytesPerToken(m *Model, bytesPerElement float64) float64 {
	return 2 * float64(m.Layers) * float64(m.KVHeads) * float64(m.HeadDim) * bytesPerElement
}

// FitModel checks model m at precision p on GPU g, with the engine taking a
// share memUtil of each GPU's usable memory (0 means
// DefaultMemoryUtilization). It tries tensor parallelism 1, 2, 4 and 8:
//
//	weights   = params × bytes_per_param
//	budget    = usable_memory × memUtil                (per GPU)
//	fits at n when weights / n < budget
//	kv_cache  = n × budget − weights
//	kv_tokens = kv_cache / (kv_bytes_per_token × max(1, n / kv_heads))
//
// (past kv_heads GPUs, each KV head is replicated on every GPU, as vLLM
// does, so n GPUs hold n / kv_heads copies of it).
//
// Example: Llama-3-70B in BF16 is 141.1 GB (131.4 GiB); an H100's budget is
// 81,080 MiB × 0.9 = 71.3 GiB, so it needs 2 GPUs and leaves 11.1 GiB of KV
// cache, 36,417 tokens of context.
func FitModel(g *GPU, m *Model, p Precision, memUtil float64) (Fit, error) {
	bpp, err := p.BytesPerParam()
	if err != nil {
		return Fit{}, err
	}
	if memUtil == 0 {
		memUtil = DefaultMemoryUtilization
	}
	if !(memUtil > 0 && memUtil <= 1) {
		return Fit{}, fmt.Errorf("memory utilization must be in (0, 1], got %v", memUtil)
	}
	const gib = 1 << 30
	weights := m.ParamsB * 1e9 * bpp
	budget := g.MemoryMiB * (1 << 20) * memUtil
	f := Fit{GPU: g.ID, Model: m.ID, Precision: p, WeightsGiB: weights / gib, BudgetGiBPerGPU: budget / gib}
	for _, n := range tensorParallelSizes {
		if weights/float64(n) < budget {
			kv := float64(n)*budget - weights
			f.Fits, f.TensorParallel = true, n
			f.KVCacheGiB = kv / gib
			// Each GPU holds max(1, kv_heads/n) KV heads: past kv_heads,
			// vLLM replicates a head on every GPU, so n GPUs keep n copies.
			copies := math.Max(1, float64(n)/float64(m.KVHeads))
			f.KVCacheTokens = int64(math.Floor(kv / (copies * KVBytesPerToken(m, KVBytesBF16))))
			break
		}
	}
	return f, nil
}

// GuideTable lays out the GPU guide: one row per GPU with its specs, its
// default on-demand price (DefaultOffer, the price every command uses) with
// its provider, the cheapest other on-demand offer when it is cheaper, and, when fits is
// not nil, whether the model fits it (fits[i] belongs to c.GPUs[i]).
func GuideTable(c *Catalog, fits []Fit) *Table {
	t := &Table{Title: "GPU guide", Columns: []string{"gpu", "name", "memory", "bandwidth", "bf16 dense", "tdp", "on-demand $/gpu-h (default)", "cheaper alternative", "guide"}}
	if fits != nil {
		t.Title = fmt.Sprintf("GPU guide: %s at %s", fits[0].Model, fits[0].Precision)
		t.Columns = append(t.Columns, "fits", "kv cache")
	}
	for i, g := range c.GPUs {
		od, alt := "-", "-"
		if o, err := g.DefaultOffer(string(DefaultOfferKind)); err == nil {
			od = USD(o.USDPerGPUHour) + " (" + o.Provider + ")"
			best := cheapest(g.Alternatives(o))
			switch {
			case best != nil && best.USDPerGPUHour < o.USDPerGPUHour:
				alt = USD(best.USDPerGPUHour) + " (" + best.Provider + ", " + best.Date + ")"
			case best != nil:
				// The default is the cheapest: an "alternative" dearer than
				// it (rtx-4090's $0.74 beside its $0.34) read as a saving.
				alt = "none cheaper"
			default:
				// "-" read as a price not known (the L40S, the MI300X).
				alt = "no other on-demand offer"
			}
		}
		tflops := "n/a"
		if g.BF16TFLOPS > 0 {
			tflops = num(g.BF16TFLOPS) + " TFLOP/s"
		}
		row := []string{g.ID, g.Name, num(g.MemoryGB) + " GB", num(g.BandwidthGBPerS) + " GB/s", tflops, num(g.TDPW) + " W", od, alt, g.Guide}
		if fits != nil {
			f := fits[i]
			if f.Fits {
				row = append(row, fmt.Sprintf("yes, TP=%d", f.TensorParallel), fmt.Sprintf("%.1f GiB, %s tokens", f.KVCacheGiB, num(float64(f.KVCacheTokens))))
			} else {
				row = append(row, "no (needs > 8 GPUs)", "-")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
