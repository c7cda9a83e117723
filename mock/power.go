package mock

import "time"

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

// utilWindow is the span the page's utilization is the engine's busy share
// of: NVML's "past sample period", between 1/6 s and 1 s by product
// (docs/notes/nvml-and-cost.md, Utilization.Gpu); the longest, a modelling
// choice.
const utilWindow = time.Second

// span is [from, to) at activity act: a step of the engine at its
// activity (the power's history) or a busy span of it at 1 (the
// utilization's).
type span struct {
	from, to time.Time
	act      float64
}

// in is how much of s falls in [from, to).
func (s span) in(from, to time.Time) time.Duration {
	if s.from.After(from) {
		from = s.from
	}
	if s.to.Before(to) {
		to = s.to
	}
	return max(0, to.Sub(from))
}

// keep appends s, the span that has just ended, to hist, whose spans ended
// before it, oldest first, and forgets those that ended window or more
// before s: a reading from now on over the window before it takes no part
// of them.
func keep(hist []span, s span, window time.Duration) []span {
	hist = append(hist, s)
	cut := s.to.Add(-window)
	i := 0
	for i < len(hist) && !hist[i].to.After(cut) {
		i++
	}
	return hist[i:]
}

// mean is the activity of hist's spans and cur (the one under way, up to
// now; zero: none) over the window before now, per second: their
// activity-nanoseconds in it (whole numbers, so that at activity 1 the sum
// is exact) over the window's.
func mean(hist []span, cur span, now time.Time, window time.Duration) float64 {
	from := now.Add(-window)
	sum := cur.act * float64(cur.in(from, now))
	for _, s := range hist {
		sum += s.act * float64(s.in(from, now))
	}
	return sum / float64(window)
}

// ranAt is how much of the step under way has run at now (none when no
// step runs: its length is cleared when it ends), under e.mu.
func (e *engine) ranAt(now time.Time) time.Duration {
	return min(max(now.Sub(e.stepFrom), 0), e.stepDur)
}

// activeAt is the activity-seconds of every step up to now
// (EngineStats.ActiveS: the energy above idle, in seconds at full load):
// the steps ended and the part of the one under way that has run, under
// e.mu.
func (e *engine) activeAt(now time.Time) float64 {
	return e.activeS + e.stepAct*e.ranAt(now).Seconds()
}

// gpuReading is the simulated GPUs at one instant, now.
type gpuReading struct {
	now time.Time
	// st is the engine's state at now: its ActiveS is the energy above
	// idle, its KVUsedTokens the memory in use.
	st EngineStats
	// act is the activity the power reading reports: the mean over the
	// window before now when the real GPU averages (engine.window), else
	// that of the step under way at now.
	act float64
	// busy is the engine's busy share of the utilWindow before now.
	busy float64
}

// read reads the simulated GPUs at one instant. The power and the energy
// come from the same steps at the same instant, so the energy counter
// grows by idle + (full load − idle) · act times the window over each
// window: a reader that integrates the readings by their span (report,
// gpu.PowerWindowOf) meets the counter, whoever else reads the page.
func (e *engine) read() gpuReading {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	r := gpuReading{now: now, st: e.statsAt(now)}
	// The busy share: the spans ended and the one under way.
	var busy span
	if e.looping {
		busy = span{e.busyFrom, now, 1}
	}
	r.busy = mean(e.busyRecent, busy, now, utilWindow)
	// The step under way, for the part of it that has run.
	ran := e.ranAt(now)
	if e.window <= 0 {
		if ran < e.stepDur && !now.Before(e.stepFrom) {
			r.act = e.stepAct
		}
		return r
	}
	r.act = mean(e.recent, span{e.stepFrom, e.stepFrom.Add(ran), e.stepAct}, now, e.window)
	return r
}
