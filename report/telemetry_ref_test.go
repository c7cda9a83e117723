package report

import (
	"cmp"
	"slices"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// SummarizeGPU computes the GPU telemetry of the window [startNS, endNS]
// from a run's samples (as read from gpu.jsonl, in any order; samples
// outside the window are used to interpolate at its edges) and the level's
// output tokens. It is a pure function; see GPULevel for the definitions.
func refSummarizeGPU(samples []rundir.GPUSample, startNS, endNS int64, outputTokens int64) GPULevel {
	lv := GPULevel{StartNS: startNS, EndNS: endNS}
	if endNS <= startNS {
		return lv
	}
	byDev := map[deviceKey][]rundir.GPUSample{}
	var maxWindow int64 // the longest span a power reading averages
	for _, s := range samples {
		if s.IsGap() {
			if s.TNS >= startNS && s.TNS <= endNS {
				lv.Gaps++
			}
			continue
		}
		maxWindow = max(maxWindow, s.PowerWindowNS)
		k := deviceKey{s.Index, s.UUID}
		byDev[k] = append(byDev[k], s)
	}
	keys := make([]deviceKey, 0, len(byDev))
	for k, ss := range byDev {
		slices.SortStableFunc(ss, func(a, b rundir.GPUSample) int { return cmp.Compare(a.TNS, b.TNS) })
		for _, s := range ss {
			if s.TNS >= startNS && s.TNS <= endNS {
				keys = append(keys, k)
				break
			}
		}
	}
	slices.SortFunc(keys, func(a, b deviceKey) int {
		return cmp.Or(cmp.Compare(a.index, b.index), cmp.Compare(a.uuid, b.uuid))
	})
	lv.GPUs = len(keys)
	if lv.GPUs == 0 {
		return lv
	}

	// Per-GPU utilization, and per-tick sums of memory and power.
	var util []float64
	ticks := GPUTicks{}
	var memTotal uint64
	memTotalKnown := true
	for _, k := range keys {
		var total *uint64
		for _, s := range byDev[k] {
			if s.MemoryTotalBytes != nil {
				total = s.MemoryTotalBytes
			}
			if s.TNS < startNS || s.TNS > endNS+maxWindow/2 {
				continue
			}
			// Up to half a span past the window: a tick's power stands
			// inside it while its time is after it (GPUTick.PowerTNS).
			ticks.Add(&s)
			if s.TNS > endNS {
				continue
			}
			lv.Samples++
			if s.UtilizationPct != nil {
				util = append(util, *s.UtilizationPct)
			}
		}
		if total == nil {
			memTotalKnown = false
		} else {
			memTotal += *total
		}
	}
	lv.UtilizationPct = meanPeak(util)
	setTickMeans(&lv, ticks, startNS, endNS)
	if memTotalKnown {
		lv.MemoryTotalBytes = &memTotal
	}

	// Energy, per GPU then summed.
	var e energySum
	for _, k := range keys {
		j, miss := refCounterEnergyJ(byDev[k], startNS, endNS)
		e.add(k, j, miss, func() (float64, bool) { return refPowerIntegralJ(byDev[k], startNS, endNS) })
	}
	e.set(&lv, outputTokens)
	refThrottleShares(&lv, byDev, keys, startNS, endNS)
	return lv
}

// refCounterEnergyJ is E(end) − E(start) of the device's energy counter in
// joules, when its readings bracket the window and do not decrease from
// the last reading at or before start to the first at or after end; else
// why not.
func refCounterEnergyJ(ss []rundir.GPUSample, start, end int64) (j float64, miss *counterMiss) {
	var pts []point
	for _, s := range ss {
		if s.EnergyMJ != nil {
			pts = append(pts, point{s.TNS, float64(*s.EnergyMJ)})
		}
	}
	if len(pts) == 0 {
		return 0, &counterMiss{none: true}
	}
	if len(pts) < 2 || pts[0].t > start || pts[len(pts)-1].t < end {
		return 0, &counterMiss{first: pts[0].t, last: pts[len(pts)-1].t}
	}
	// lo: the reading interp starts from at start (the first at start, else
	// the last before it); hi: the first at or after end.
	lo, hi := -1, -1
	for i, p := range pts {
		if p.t < start || (p.t == start && lo < 0) || (lo >= 0 && pts[lo].t < start && p.t == start) {
			lo = i
		}
		if hi < 0 && p.t >= end {
			hi = i
		}
	}
	for i := lo + 1; i <= hi; i++ {
		if pts[i].v < pts[i-1].v {
			return 0, &counterMiss{from: &pts[i-1], to: &pts[i]}
		}
	}
	return (interp(pts, end) - interp(pts, start)) / 1000, nil
}

// refPowerIntegralJ is ∫ P dt over [start, end] in joules, P linear between
// readings and flat outside them. A reading that is the mean over the
// span before it (PowerWindowNS: 1 s on Ampere and newer) stands at the
// middle of that span: taken at its own time it lags the power by half the
// span, and a window that ends on a rise (idle to a 700 W cap on an H200)
// read 20 % low against the energy counter (TestPowerIntegralOnH200Transition).
func refPowerIntegralJ(ss []rundir.GPUSample, start, end int64) (float64, bool) {
	var pts []point
	for _, s := range ss {
		if s.PowerW != nil {
			pts = append(pts, point{s.TNS - s.PowerWindowNS/2, *s.PowerW})
		}
	}
	if len(pts) == 0 {
		return 0, false
	}
	// Samples come in time order; readings of spans of different lengths
	// could change it.
	slices.SortStableFunc(pts, func(a, b point) int { return cmp.Compare(a.t, b.t) })
	// Knots: start, every reading strictly inside, end.
	knots := []point{{start, interp(pts, start)}}
	for _, p := range pts {
		if p.t > start && p.t < end {
			knots = append(knots, p)
		}
	}
	knots = append(knots, point{end, interp(pts, end)})
	var ws float64 // watt-nanoseconds
	for i := 1; i < len(knots); i++ {
		a, b := knots[i-1], knots[i]
		ws += (a.v + b.v) / 2 * float64(b.t-a.t)
	}
	return ws / 1e9, true
}

// refThrottleShares sets the throttle fields from the ticks that carried
// clock-event reasons, each tick's state held until the next.
func refThrottleShares(lv *GPULevel, byDev map[deviceKey][]rundir.GPUSample, keys []deviceKey, start, end int64) {
	byTick := map[int64]map[string]bool{} // throttle reasons active on any GPU
	for _, k := range keys {
		for _, s := range byDev[k] {
			if s.ClockEventReasons == nil {
				continue
			}
			m := byTick[s.TNS]
			if m == nil {
				m = map[string]bool{}
				byTick[s.TNS] = m
			}
			for _, r := range s.ClockEventReasons {
				if gpu.IsThrottle(r) {
					m[r] = true
				}
			}
		}
	}
	if len(byTick) == 0 {
		return
	}
	setThrottle(lv, byTick, start, end) // the shares of the ticks chosen: one definition
}
