package mock

import (
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/internal/typo"
)

// Byte units.
const (
	miB = 1 << 20
	giB = 1 << 30
)

// GPUProfile is what the simulator knows about one GPU model. Figures come
// from docs/notes/gpu-specs.md (the vendors' spec sheets as quoted
// there); the source tag of that note is given beside each profile.
type GPUProfile struct {
	// Name is the profile's key, e.g. "h100-sxm".
	Name string
	// ModelName is the device name NVML / dcgm-exporter report.
	ModelName string
	// MemoryMiB is the usable memory the driver reports (nvidia-smi
	// memory.total), in MiB.
	MemoryMiB int
	// BandwidthBps is the peak memory bandwidth in bytes per second.
	BandwidthBps float64
	// FLOPS is the dense BF16 tensor peak in FLOP per second.
	FLOPS float64
	// TDPW is the board power limit in watts; IdleW the draw when idle.
	TDPW, IdleW float64
	// LinkBps is the GPU-to-GPU bandwidth per GPU (NVLink, xGMI or PCIe) in
	// bytes per second, used for tensor-parallel all-reduce time.
	LinkBps float64
	// IdleClockMHz and MaxClockMHz bound the SM clock reported to telemetry.
	IdleClockMHz, MaxClockMHz float64
}

// gpuProfiles returns the built-in GPU profiles, in listing order.
// Idle power and clocks are not in the spec note: idle draws of H100/A100
// come from the dcgm-exporter fixtures (H100 66–115 W, A800 54–78 W); the
// others and all clocks are commonly published values, marked estimates.
func gpuProfiles() []GPUProfile {
	return []GPUProfile{
		// A100 80GB SXM4: 81,920 MiB [S11]; 2,039 GB/s [S1,S2]; 312 TFLOP/s dense BF16 [S1,S3]; 400 W [S2]; NVLink 3 600 GB/s [S2]. Clock 1410 MHz (estimate).
		{Name: "a100-80gb", ModelName: "NVIDIA A100-SXM4-80GB", MemoryMiB: 81920, BandwidthBps: 2039e9, FLOPS: 312e12, TDPW: 400, IdleW: 55, LinkBps: 600e9, IdleClockMHz: 210, MaxClockMHz: 1410},
		// A100 40GB SXM4: 40,441 MiB deviceQuery [S6]; 1,555 GB/s [S1,S2]; 312 TFLOP/s [S1,S3]; 400 W [S2,S6]; NVLink 3 600 GB/s [S2,S7].
		{Name: "a100-40gb", ModelName: "NVIDIA A100-SXM4-40GB", MemoryMiB: 40441, BandwidthBps: 1555e9, FLOPS: 312e12, TDPW: 400, IdleW: 50, LinkBps: 600e9, IdleClockMHz: 210, MaxClockMHz: 1410},
		// H100 80GB SXM5: 81,559 MiB [S14]; 3.35 TB/s [S4,S15]; 989.4 TFLOP/s dense BF16 [S4,S15]; 700 W [S14]; NVLink 4 900 GB/s [S4,S16]. Idle 66–115 W (dcgm fixture). Clock 1980 MHz (estimate).
		{Name: "h100-sxm", ModelName: "NVIDIA H100 80GB HBM3", MemoryMiB: 81559, BandwidthBps: 3.35e12, FLOPS: 989.4e12, TDPW: 700, IdleW: 70, LinkBps: 900e9, IdleClockMHz: 345, MaxClockMHz: 1980},
		// H200 141GB SXM: 143,771 MiB [S14]; 4.8 TB/s [S19,S20]; 989 TFLOP/s dense [S20]; 700 W [S14,S21]; NVLink 4 900 GB/s [S21].
		{Name: "h200", ModelName: "NVIDIA H200", MemoryMiB: 143771, BandwidthBps: 4.8e12, FLOPS: 989e12, TDPW: 700, IdleW: 75, LinkBps: 900e9, IdleClockMHz: 345, MaxClockMHz: 1980},
		// A10G 24GB: 24 GB GDDR6 (22,731 MiB usable, estimate); 600 GB/s [S23]; tensor rate not published (A10's 125 used, estimate, trap 5); 300 W on g5 [S24]; PCIe Gen4 (~32 GB/s per direction, estimate).
		{Name: "a10g", ModelName: "NVIDIA A10G", MemoryMiB: 22731, BandwidthBps: 600e9, FLOPS: 125e12, TDPW: 300, IdleW: 25, LinkBps: 32e9, IdleClockMHz: 210, MaxClockMHz: 1710},
		// RTX 4090 24GB: 24,564 MiB (estimate); 1,008 GB/s [S28,S29]; 165.2 TFLOP/s BF16 with FP32 accumulate [S28, trap 4]; 450 W [S29]; PCIe Gen4, no NVLink.
		{Name: "rtx-4090", ModelName: "NVIDIA GeForce RTX 4090", MemoryMiB: 24564, BandwidthBps: 1008e9, FLOPS: 165.2e12, TDPW: 450, IdleW: 20, LinkBps: 32e9, IdleClockMHz: 210, MaxClockMHz: 2520},
		// MI300X 192GB: 196,592 MiB [S30, low confidence]; 5.3 TB/s [S31,S32]; 1,307.4 TFLOP/s dense FP16 [S31, unverified]; 750 W [S31,S33]; xGMI 896 GB/s [S34].
		{Name: "mi300x", ModelName: "AMD Instinct MI300X", MemoryMiB: 196592, BandwidthBps: 5.3e12, FLOPS: 1307.4e12, TDPW: 750, IdleW: 140, LinkBps: 896e9, IdleClockMHz: 150, MaxClockMHz: 2100},
		// L40S 48GB: 46,068 MiB [S14]; 864 GB/s [S25]; 362.05 TFLOP/s dense BF16 [S25]; 350 W [S25,S14]; PCIe Gen4 x16, 64 GB/s bidirectional [S25].
		{Name: "l40s", ModelName: "NVIDIA L40S", MemoryMiB: 46068, BandwidthBps: 864e9, FLOPS: 362.05e12, TDPW: 350, IdleW: 35, LinkBps: 32e9, IdleClockMHz: 210, MaxClockMHz: 2520},
	}
}

// ModelProfile is what the simulator knows about one model.
type ModelProfile struct {
	// Name is the profile's key and the served model name, e.g. "llama-3-8b".
	Name string
	// Params is the total parameter count (resident in memory).
	Params float64
	// ActiveParams is the parameter count used per token (Params for dense
	// models, less for mixture-of-experts).
	ActiveParams float64
	// Layers, Hidden, KVHeads and HeadDim are the config.json fields the KV
	// cache and all-reduce sizes follow.
	Layers, Hidden, KVHeads, HeadDim int
	// BytesPerParam is the weight storage size (2 for BF16, 0.5 for int4).
	BytesPerParam float64
	// KVBytesPerElem is the KV-cache element size (2 for a BF16 cache).
	KVBytesPerElem int
	// MaxModelLen is the context length in tokens (prompt + output).
	MaxModelLen int
}

// WeightBytes is the memory the weights take, in bytes.
func (m ModelProfile) WeightBytes() float64 { return m.Params * m.BytesPerParam }

// KVBytesPerToken is 2 (K and V) × layers × KV heads × head dim × element size.
func (m ModelProfile) KVBytesPerToken() int {
	return 2 * m.Layers * m.KVHeads * m.HeadDim * m.KVBytesPerElem
}

// modelProfiles returns the built-in model profiles. Shapes and parameter
// counts are from docs/notes/gpu-specs.md "Model memory facts" ([M1]–[M5]).
func modelProfiles() []ModelProfile {
	return []ModelProfile{
		// Llama-3-8B [M1]: 32 / 4096 / 8 KV heads / 128; 8.03 B params.
		{Name: "llama-3-8b", Params: 8.03e9, ActiveParams: 8.03e9, Layers: 32, Hidden: 4096, KVHeads: 8, HeadDim: 128, BytesPerParam: 2, KVBytesPerElem: 2, MaxModelLen: 8192},
		// Llama-3-70B [M2]: 80 / 8192 / 8 / 128; 70.55 B params.
		{Name: "llama-3-70b", Params: 70.55e9, ActiveParams: 70.55e9, Layers: 80, Hidden: 8192, KVHeads: 8, HeadDim: 128, BytesPerParam: 2, KVBytesPerElem: 2, MaxModelLen: 8192},
		// CodeLlama-34B [M5] with int4 weight-only quantization (0.5 B/param,
		// group scales ignored); compute stays BF16. 48 / 8192 / 8 / 128; 33.7 B.
		{Name: "codellama-34b-int4", Params: 33.7e9, ActiveParams: 33.7e9, Layers: 48, Hidden: 8192, KVHeads: 8, HeadDim: 128, BytesPerParam: 0.5, KVBytesPerElem: 2, MaxModelLen: 8192},
		// Mixtral 8x7B [M3,M4]: 46.7 B resident, 12.9 B active; 32 / 4096 / 8 / 128.
		{Name: "mixtral-8x7b", Params: 46.7e9, ActiveParams: 12.9e9, Layers: 32, Hidden: 4096, KVHeads: 8, HeadDim: 128, BytesPerParam: 2, KVBytesPerElem: 2, MaxModelLen: 8192},
	}
}

// GPUProfiles returns the built-in GPU profiles (a fresh slice).
func GPUProfiles() []GPUProfile { return gpuProfiles() }

// ModelProfiles returns the built-in model profiles (a fresh slice).
func ModelProfiles() []ModelProfile { return modelProfiles() }

// LookupGPU returns the GPU profile named name (case-insensitive).
func LookupGPU(name string) (GPUProfile, error) {
	for _, g := range gpuProfiles() {
		if strings.EqualFold(g.Name, name) {
			return g, nil
		}
	}
	return GPUProfile{}, unknown("GPU", name, names(gpuProfiles(), func(g GPUProfile) string { return g.Name }))
}

// LookupModel returns the model profile named name (case-insensitive).
func LookupModel(name string) (ModelProfile, error) {
	for _, m := range modelProfiles() {
		if strings.EqualFold(m.Name, name) {
			return m, nil
		}
	}
	return ModelProfile{}, unknown("model", name, names(modelProfiles(), func(m ModelProfile) string { return m.Name }))
}

// unknown is the error of a profile name not among known, with the one it
// is near (internal/typo: "H100", did you mean h100-sxm?), as run --gpu's.
func unknown(what, name string, known []string) error {
	near := ""
	if s := typo.Nearest(name, known); s != "" {
		near = ", did you mean " + s + "?"
	}
	return fmt.Errorf("unknown %s %q%s (known: %s)", what, name, near, strings.Join(known, ", "))
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, name(x))
	}
	return slices.Clip(out)
}

// Memory model constants (vLLM-like defaults).
const (
	// GPUMemoryUtilization is the share of each GPU's memory the engine may
	// use (vLLM's --gpu-memory-utilization default, 0.9).
	GPUMemoryUtilization = 0.9
	// ActivationReserveBytes is the memory per GPU kept for activations,
	// CUDA graphs and the CUDA context, beside weights and KV cache
	// (a modelling assumption).
	ActivationReserveBytes = 2 * giB
	// KVBlockTokens is the KV-cache block size in tokens (vLLM's default 16).
	KVBlockTokens = 16
)

// Fit is how a model lays out on n GPUs.
type Fit struct {
	// UsableBytes is the memory the engine may use over all GPUs.
	UsableBytes float64
	// WeightBytes is the weights' size; ReserveBytes the activation reserve over all GPUs.
	WeightBytes, ReserveBytes float64
	// KVBytes is what remains for the KV cache; KVTokens how many tokens it holds.
	KVBytes  float64
	KVTokens int
}

// PlanFit computes the memory layout of model m on n GPUs of profile g
// (tensor parallel), or an error saying how much memory the model needs
// when it does not fit: weights, reserve and the KV cache of one
// sequence of MaxModelLen tokens.
func PlanFit(g GPUProfile, m ModelProfile, n int) (Fit, error) {
	if n < 1 {
		return Fit{}, fmt.Errorf("gpu count %d must be at least 1", n)
	}
	f := Fit{
		UsableBytes:  GPUMemoryUtilization * float64(g.MemoryMiB) * miB * float64(n),
		WeightBytes:  m.WeightBytes(),
		ReserveBytes: ActivationReserveBytes * float64(n),
	}
	f.KVBytes = f.UsableBytes - f.WeightBytes - f.ReserveBytes
	perTok := float64(m.KVBytesPerToken())
	minKV := perTok * float64(m.MaxModelLen)
	if f.KVBytes < minKV {
		need := f.WeightBytes + f.ReserveBytes + minKV
		return Fit{}, fmt.Errorf("model %s does not fit on %d× %s: it needs %.1f GB (weights %.1f GB + reserve %.1f GB + KV cache for one %d-token sequence %.1f GB), the GPUs offer %.1f GB (%.0f%% of %.1f GB)",
			m.Name, n, g.Name, need/1e9, f.WeightBytes/1e9, f.ReserveBytes/1e9, m.MaxModelLen, minKV/1e9,
			f.UsableBytes/1e9, GPUMemoryUtilization*100, float64(g.MemoryMiB)*miB*float64(n)/1e9)
	}
	f.KVTokens = int(f.KVBytes/perTok) / KVBlockTokens * KVBlockTokens
	return f, nil
}
