package mock

// The simulated GPUs' power model. A GPU draws its idle power when no step
// runs; while a step runs it draws idle + (full-load − idle) · activity,
// where activity is how hard the step works the chip:
//
//	activity = min(1, compute share + MemoryBoundActivity · memory share)
//
// with compute share = the step's compute time / its duration and memory
// share = its memory time / its duration (the two roofline terms of
// engine.stepTime). A prefill-heavy or large-batch step is compute-bound and
// draws full load; a small-batch decode step is memory-bound and draws far
// less, so tokens per joule rise with the batch as on real GPUs.
//
// Which figures are sourced and which are a model:
//   - idle power: GPUProfile.IdleW (H100 and A100 from dcgm-exporter
//     captures; others estimates, see gpuProfiles);
//   - full-load power: FullLoadPowerShare × TDP, from one measurement (an
//     H100 80GB HBM3 under gpu-burn, applied to every profile);
//   - the memory-bound share (MemoryBoundActivity) and the linear mix are
//     modelling assumptions, not measurements.
const (
	// FullLoadPowerShare is a compute-bound GPU's draw as a share of its
	// TDP: an H100 80GB HBM3 under gpu-burn (SM 100 %) drew 631–636 W
	// against its 700 W limit in nvidia-smi dmon (capture
	// linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt of
	// github.com/utkuozdemir/nvidia_gpu_exporter, 2026-07-14; the shared
	// fixture nvidia-smi-query-gpu-csv-h100-idle-load.txt): 633.6 / 700.
	FullLoadPowerShare = 0.905
	// MemoryBoundActivity is the share of the dynamic power range a step
	// draws while memory bandwidth, not compute, limits it (a modelling
	// assumption: HBM traffic with idle tensor cores).
	MemoryBoundActivity = 0.45
)

// stepActivity is the activity of a step of sec seconds whose roofline
// compute and memory times are compute and memory seconds (see above).
func stepActivity(compute, memory, sec float64) float64 {
	if sec <= 0 {
		return 0
	}
	return min(1, (compute+MemoryBoundActivity*memory)/sec)
}

// fullLoadW is the modelled draw of g at full load.
func fullLoadW(g GPUProfile) float64 { return FullLoadPowerShare * g.TDPW }
