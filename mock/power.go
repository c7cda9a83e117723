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

// drawn is a step of sec seconds from from, drawn at activity act.
type drawn struct {
	from     time.Time
	sec, act float64
}

// remember keeps d, the step that has just ended, for the power reading
// (read), under e.mu, and forgets the steps that ended a window or more
// before it: a reading from now on averages over no part of them.
func (e *engine) remember(d drawn) {
	if e.window <= 0 {
		return
	}
	e.recent = append(e.recent, d)
	cut := d.sec - e.window.Seconds() // from d.from
	i := 0
	for i < len(e.recent) && e.recent[i].from.Sub(d.from).Seconds()+e.recent[i].sec <= cut {
		i++
	}
	e.recent = e.recent[i:]
}

// utilWindow is the span the page's utilization is the engine's busy share
// of: NVML's "past sample period", between 1/6 s and 1 s by product
// (docs/notes/nvml-and-cost.md, Utilization.Gpu); the longest, a modelling
// choice.
const utilWindow = time.Second

// span is a busy span of the engine, [from, to).
type span struct{ from, to time.Time }

// rememberBusy keeps b, the busy span that has just ended, for the
// utilization (read), under e.mu, and forgets those that ended utilWindow
// or more before it.
func (e *engine) rememberBusy(b span) {
	e.busyRecent = append(e.busyRecent, b)
	cut := b.to.Add(-utilWindow)
	i := 0
	for i < len(e.busyRecent) && !e.busyRecent[i].to.After(cut) {
		i++
	}
	e.busyRecent = e.busyRecent[i:]
}

// gpuReading is the simulated GPUs at one instant, now.
type gpuReading struct {
	now time.Time
	// activeS is the activity-seconds of every step up to now
	// (EngineStats.ActiveS: the energy above idle, in seconds at full
	// load).
	activeS float64
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
	r := gpuReading{now: now}
	// The busy share: the spans ended and the one under way.
	from := now.Add(-utilWindow)
	var busy time.Duration
	for _, b := range e.busyRecent {
		busy += overlapNS(b, from, now)
	}
	if e.looping {
		busy += overlapNS(span{e.busyFrom, now}, from, now)
	}
	r.busy = busy.Seconds() / utilWindow.Seconds()
	// The step under way, for the part of it that has run (0 when none
	// runs: its activity is cleared when it ends).
	cur := drawn{e.stepFrom, e.stepSec, e.stepAct}
	ran := min(max(now.Sub(cur.from).Seconds(), 0), cur.sec)
	r.activeS = e.activeS + cur.act*ran
	if e.window <= 0 {
		if ran < cur.sec && !now.Before(cur.from) {
			r.act = cur.act
		}
		return r
	}
	w := e.window.Seconds()
	from = now.Add(-e.window)
	var sum float64
	for _, d := range e.recent {
		sum += d.act * overlap(d, from, w)
	}
	cur.sec = ran
	sum += cur.act * overlap(cur, from, w)
	r.act = sum / w
	return r
}

// overlap is how many of d's seconds fall in the w seconds from from.
func overlap(d drawn, from time.Time, w float64) float64 {
	lo := d.from.Sub(from).Seconds()
	return max(0, min(lo+d.sec, w)-max(lo, 0))
}

// overlapNS is how much of b falls in [from, to).
func overlapNS(b span, from, to time.Time) time.Duration {
	lo, hi := b.from, b.to
	if lo.Before(from) {
		lo = from
	}
	if hi.After(to) {
		hi = to
	}
	return max(0, hi.Sub(lo))
}
