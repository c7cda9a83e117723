package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// Energy sources, as GPULevel.EnergySource reports them.
const (
	// EnergyCounter: every GPU's energy counter bracketed the window, and
	// the energy is the counter difference, interpolated to the window's
	// edges.
	EnergyCounter = "counter"
	// EnergyPowerIntegral: no usable counter (absent, not bracketing the
	// window, or reset), so energy is ∫ power dt over the window.
	EnergyPowerIntegral = "power_integral"
	// EnergyMixed: some GPUs by counter, others by integral.
	EnergyMixed = "mixed"
)

// ThrottledMinShare is the share of a level's window in which a throttle
// reason must be active for GPULevel.Throttled to be set: 1%, so that one
// 250 ms power-cap tick in a minute-long level is reported in the shares
// but does not flag the level.
const ThrottledMinShare = 0.01

// MeanPeak is the mean and the peak (maximum) of a measured quantity.
type MeanPeak struct {
	Mean float64 `json:"mean"`
	Peak float64 `json:"peak"`
}

// GPULevel is the GPU telemetry of one load level over its measured window
// [StartNS, EndNS]. Fields are nil when no GPU reported the quantity.
//
// Definitions, with readings = non-gap samples, and ticks = readings that
// share a TNS (gpu.Watch stamps one tick's readings alike):
//   - UtilizationPct: over every reading of every GPU inside the window
//     (a per-GPU figure): arithmetic mean and maximum.
//   - MemoryUsedBytes, PowerW: per tick, summed over the GPUs (a whole-box
//     figure); mean and maximum over the ticks inside the window at which
//     every GPU reported the quantity. A tick's power is inside the window
//     when the middle of the span its readings average is
//     (GPUTick.PowerTNS): a 1 s trailing mean read just after a level
//     began is mostly the level before it.
//   - EnergyJ: summed over GPUs. Per GPU, the energy counter difference
//     E(EndNS) − E(StartNS), each end linearly interpolated between the
//     readings around it, when counter readings exist at or before StartNS
//     and at or after EndNS and do not decrease from the last reading at
//     or before StartNS to the first at or after EndNS (a counter that
//     went back elsewhere in the run, a reset, takes only the windows
//     that span it); otherwise the integral of
//     power, linear between readings and held flat before the first and
//     after the last (trapezoidal rule), each reading placed at the middle
//     of the span it averages (rundir.GPUSample.PowerWindowNS). EnergySource
//     says which.
//   - ThrottledShare: the fraction of the window during which any GPU had
//     a throttle reason (gpu.IsThrottle) active, each tick's state held
//     until the next tick; ThrottleReasons gives that fraction per reason.
type GPULevel struct {
	StartNS int64 `json:"start_ns"`
	EndNS   int64 `json:"end_ns"`
	// GPUs is the number of distinct GPUs with a reading in the window.
	GPUs int `json:"gpus"`
	// Samples counts the readings inside the window; Gaps the failed ticks.
	Samples int `json:"samples"`
	Gaps    int `json:"gaps"`
	// UtilizationPct is per GPU, in percent.
	UtilizationPct *MeanPeak `json:"utilization_pct,omitempty"`
	// MemoryUsedBytes is summed over the GPUs; MemoryTotalBytes is the
	// GPUs' summed capacity.
	MemoryUsedBytes  *MeanPeak `json:"memory_used_bytes,omitempty"`
	MemoryTotalBytes *uint64   `json:"memory_total_bytes,omitempty"`
	// PowerW is the board power summed over the GPUs, in watts.
	PowerW *MeanPeak `json:"power_w,omitempty"`
	// EnergyJ is the GPUs' energy over the window in joules, nil unless
	// every GPU had a counter or power readings.
	EnergyJ      *float64 `json:"energy_j,omitempty"`
	EnergySource string   `json:"energy_source,omitempty"`
	// EnergyNote says, in one line, which GPUs' energy was integrated from
	// their power although they have an energy counter, and why: the
	// counter went back between two readings inside the window (a reset or
	// a driver reload: the energy of that interval is lost to the counter)
	// or its readings do not cover the window; or a GPU without a counter
	// beside others with one. "" when every GPU's energy is its counter's,
	// or when no GPU has a counter (the source says it).
	EnergyNote string `json:"energy_note,omitempty"`
	// OutputTokensPerJ is the level's output tokens divided by EnergyJ.
	OutputTokensPerJ *float64 `json:"output_tokens_per_j,omitempty"`
	// ThrottledShare is the fraction (0–1) of the window with a throttle
	// reason active; nil when no GPU reported clock-event reasons.
	ThrottledShare  *float64           `json:"throttled_share,omitempty"`
	ThrottleReasons map[string]float64 `json:"throttle_reasons,omitempty"`
	// Throttled is set when ThrottledShare ≥ ThrottledMinShare.
	Throttled bool `json:"throttled"`
}

// ThrottleWords names the level's throttle reasons with the share of the
// window each was active, the longest first ("sw_power_cap 100 %"; ties
// by name), for the terminal table, the report's tables and its fairness
// notes; "reason not reported" when the GPUs named none.
func (g *GPULevel) ThrottleWords() string {
	m := g.ThrottleReasons
	keys := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(keys, func(x, y string) int { return cmp.Compare(m[y], m[x]) })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.0f %%", k, 100*m[k]))
	}
	if len(parts) == 0 {
		return "reason not reported"
	}
	return strings.Join(parts, ", ")
}

// deviceKey identifies a GPU across samples.
type deviceKey struct {
	index int
	uuid  string
}

// GPUIndex is a run's GPU samples grouped by device and sorted by time,
// once, so that each level's window is summarized from the readings in
// and around it, found by binary search, rather than by regrouping every
// sample of the run for every level (which took over a second for an
// hour of 8-GPU telemetry over 60 levels: BenchmarkSummarizeGPU). Build
// it with NewGPUIndex; it is not changed after, so Summarize may run
// concurrently.
type GPUIndex struct {
	devs []gpuDevice // by index, then UUID
	gaps []int64     // the failed ticks' times, sorted
	// maxPowerWindowNS is the longest span a power reading of the run
	// averages (rundir.GPUSample.PowerWindowNS), over every GPU.
	maxPowerWindowNS int64
}

// gpuDevice is one GPU's readings, and the series Summarize reads of them.
type gpuDevice struct {
	key deviceKey
	// samples are the readings in time order; readings of the same time
	// keep their order in the file (a stable sort).
	samples []rundir.GPUSample
	// memTotal is the last MemoryTotalBytes reported, in time order.
	memTotal *uint64
	// energy is the counter in mJ, in time order; drops are the indexes
	// in it of the readings below the one before (a reset, a driver reload
	// or a wrap), each of which rules the counter out for the windows
	// that span it, and those alone.
	energy []point
	drops  []int
	// power holds the power readings, each at the middle of the span it
	// averages, in time order.
	power []point
	// reasons are the readings that carried clock-event reasons, in time
	// order, each with the throttle reasons (gpu.IsThrottle) among them.
	reasons []reasonTick
}

// reasonTick is one reading's throttle reasons; throttle is empty when it
// named none (an unthrottled tick, which ends a throttled stretch).
type reasonTick struct {
	t        int64
	throttle []string
}

// NewGPUIndex indexes a run's samples, as read from gpu.jsonl, in any
// order.
func NewGPUIndex(samples []rundir.GPUSample) *GPUIndex {
	x := &GPUIndex{}
	count := map[deviceKey]int{}
	for i := range samples {
		s := &samples[i]
		if s.IsGap() {
			x.gaps = append(x.gaps, s.TNS)
			continue
		}
		x.maxPowerWindowNS = max(x.maxPowerWindowNS, s.PowerWindowNS)
		count[deviceKey{s.Index, s.UUID}]++
	}
	slices.Sort(x.gaps)
	keys := slices.SortedFunc(maps.Keys(count), func(a, b deviceKey) int {
		return cmp.Or(cmp.Compare(a.index, b.index), cmp.Compare(a.uuid, b.uuid))
	})
	// One copy of the readings, each GPU's in a slice of it.
	all := make([]rundir.GPUSample, 0, len(samples)-len(x.gaps))
	byDev := make(map[deviceKey][]rundir.GPUSample, len(keys))
	for _, k := range keys {
		n := len(all)
		all = all[:n+count[k]]
		byDev[k] = all[n:n:len(all)]
	}
	for i := range samples {
		if s := &samples[i]; !s.IsGap() {
			k := deviceKey{s.Index, s.UUID}
			byDev[k] = append(byDev[k], *s)
		}
	}
	x.devs = make([]gpuDevice, 0, len(keys))
	for _, k := range keys {
		ss := byDev[k]
		slices.SortStableFunc(ss, func(a, b rundir.GPUSample) int { return cmp.Compare(a.TNS, b.TNS) })
		x.devs = append(x.devs, newGPUDevice(k, ss))
	}
	return x
}

// newGPUDevice derives the series of one GPU's time-sorted readings.
func newGPUDevice(k deviceKey, ss []rundir.GPUSample) gpuDevice {
	d := gpuDevice{key: k, samples: ss}
	for i := range ss {
		s := &ss[i]
		if s.MemoryTotalBytes != nil {
			d.memTotal = s.MemoryTotalBytes
		}
		if s.EnergyMJ != nil {
			v := float64(*s.EnergyMJ)
			if n := len(d.energy); n > 0 && v < d.energy[n-1].v {
				d.drops = append(d.drops, n)
			}
			d.energy = appendSized(d.energy, point{s.TNS, v}, len(ss)-i)
		}
		if s.PowerW != nil {
			d.power = appendSized(d.power, point{s.TNS - s.PowerWindowNS/2, *s.PowerW}, len(ss)-i)
		}
		if s.ClockEventReasons != nil {
			rt := reasonTick{t: s.TNS}
			for _, r := range s.ClockEventReasons {
				if gpu.IsThrottle(r) {
					rt.throttle = append(rt.throttle, r)
				}
			}
			d.reasons = appendSized(d.reasons, rt, len(ss)-i)
		}
	}
	// Readings come in time order; spans of different lengths could
	// change it.
	slices.SortStableFunc(d.power, func(a, b point) int { return cmp.Compare(a.t, b.t) })
	return d
}

// appendSized appends v to vs, making room for up to left values at the
// first.
func appendSized[T any](vs []T, v T, left int) []T {
	if vs == nil {
		vs = make([]T, 0, left)
	}
	return append(vs, v)
}

// SummarizeGPU computes the GPU telemetry of the window [startNS, endNS]
// from a run's samples (as read from gpu.jsonl, in any order; samples
// outside the window are used to interpolate at its edges) and the level's
// output tokens. It is a pure function; see GPULevel for the definitions.
// It indexes the samples for the one window: for a run's levels, index
// once (NewGPUIndex) and summarize each with GPUIndex.Summarize.
func SummarizeGPU(samples []rundir.GPUSample, startNS, endNS int64, outputTokens int64) GPULevel {
	return NewGPUIndex(samples).Summarize(startNS, endNS, outputTokens)
}

// inWindow is one GPU with a reading in a window, and its readings from
// the window's start to half the run's longest power span past its end.
type inWindow struct {
	d  *gpuDevice
	ss []rundir.GPUSample
}

// Summarize computes the GPU telemetry of the window [startNS, endNS] and
// the level's output tokens, as SummarizeGPU does over the indexed
// samples; see GPULevel for the definitions. Its cost grows with the
// readings in and near the window, not with the run.
func (x *GPUIndex) Summarize(startNS, endNS int64, outputTokens int64) GPULevel {
	lv := GPULevel{StartNS: startNS, EndNS: endNS}
	if endNS <= startNS {
		return lv
	}
	lv.Gaps = sort.Search(len(x.gaps), func(i int) bool { return x.gaps[i] > endNS }) -
		sort.Search(len(x.gaps), func(i int) bool { return x.gaps[i] >= startNS })
	// Up to half a span past the window: a tick's power stands inside it
	// while its time is after it (GPUTick.PowerTNS).
	late := endNS + x.maxPowerWindowNS/2
	var in []inWindow
	for i := range x.devs {
		d := &x.devs[i]
		ss := d.samples
		lo := sort.Search(len(ss), func(i int) bool { return ss[i].TNS >= startNS })
		if lo == len(ss) || ss[lo].TNS > endNS {
			continue // no reading in the window
		}
		hi := max(lo, sort.Search(len(ss), func(i int) bool { return ss[i].TNS > late }))
		in = append(in, inWindow{d, ss[lo:hi]})
	}
	lv.GPUs = len(in)
	if lv.GPUs == 0 {
		return lv
	}

	// Per-GPU utilization, and per-tick sums of memory and power.
	var util []float64
	ticks := GPUTicks{}
	var memTotal uint64
	memTotalKnown := true
	for _, w := range in {
		for i := range w.ss {
			s := &w.ss[i]
			ticks.Add(s)
			if s.TNS > endNS {
				continue
			}
			lv.Samples++
			if s.UtilizationPct != nil {
				util = append(util, *s.UtilizationPct)
			}
		}
		if w.d.memTotal == nil {
			memTotalKnown = false
		} else {
			memTotal += *w.d.memTotal
		}
	}
	lv.UtilizationPct = meanPeak(util)
	setTickMeans(&lv, ticks, startNS, endNS)
	if memTotalKnown {
		lv.MemoryTotalBytes = &memTotal
	}

	// Energy, per GPU then summed.
	var e energySum
	for _, w := range in {
		j, miss := w.d.counterEnergyJ(startNS, endNS)
		e.add(w.d.key, j, miss, func() (float64, bool) { return w.d.powerIntegralJ(startNS, endNS) })
	}
	e.set(&lv, outputTokens)
	throttleShares(&lv, in, startNS, endNS)
	return lv
}

// setTickMeans sets the window's memory used and power, summed over its
// GPUs, from the ticks every one of them reported in (the power's own
// time, GPUTick.PowerTNS, in the window), in tick order, so that sums and
// so means are the same every time.
func setTickMeans(lv *GPULevel, ticks GPUTicks, start, end int64) {
	var mem, power []float64
	inside := func(tns int64) bool { return tns >= start && tns <= end }
	for _, t := range ticks.Sorted() {
		if t.NMem == lv.GPUs && inside(t.TNS) {
			mem = append(mem, t.MemoryUsedBytes)
		}
		if t.NPower == lv.GPUs && inside(t.PowerTNS()) {
			power = append(power, t.PowerW)
		}
	}
	lv.MemoryUsedBytes = meanPeak(mem)
	lv.PowerW = meanPeak(power)
}

// energySum is a window's energy, summed over its GPUs as each is had:
// from its counter, else from its power, with why the counter was not
// used.
type energySum struct {
	j                     float64
	byCounter, byIntegral int
	counters              bool     // a GPU of the window has an energy counter
	why                   []string // why each integrated GPU's counter was not used
}

// add adds one GPU's energy: j from its counter when miss is nil, else
// the integral of its power, when it has one.
func (e *energySum) add(k deviceKey, j float64, miss *counterMiss, integral func() (float64, bool)) {
	if miss == nil || !miss.none {
		e.counters = true
	}
	if miss == nil {
		e.j += j
		e.byCounter++
		return
	}
	if j, ok := integral(); ok {
		e.j += j
		e.byIntegral++
		e.why = append(e.why, miss.words(k))
	}
}

// set sets the window's energy (setEnergy) and, where a GPU's was
// integrated from its power while a GPU of the window has a counter, the
// one line that says which and why.
func (e *energySum) set(lv *GPULevel, outputTokens int64) {
	setEnergy(lv, e.j, e.byCounter, e.byIntegral, outputTokens)
	if lv.EnergyJ != nil && e.counters && len(e.why) > 0 {
		lv.EnergyNote = "energy integrated from power: " + strings.Join(e.why, "; ")
	}
}

// A counterMiss is why a GPU's energy counter could not give a window's
// energy: it has none, its readings do not cover the window (first and
// last are their times), or it went back inside the window (from and to
// are the readings either side of the drop).
type counterMiss struct {
	none        bool
	first, last int64
	from, to    *point
}

// words says the miss in a clause naming the GPU k.
func (m *counterMiss) words(k deviceKey) string {
	name := fmt.Sprintf("gpu %d", k.index)
	switch {
	case m.none:
		return name + " reports no energy counter"
	case m.from != nil:
		return fmt.Sprintf("%s's energy counter went back from %.0f J to %.0f J between %.1f s and %.1f s (a reset or a driver reload: the counter lost that interval's energy)",
			name, m.from.v/1000, m.to.v/1000, float64(m.from.t)/1e9, float64(m.to.t)/1e9)
	}
	return fmt.Sprintf("%s's energy counter was read from %.1f s to %.1f s, not over the whole window", name, float64(m.first)/1e9, float64(m.last)/1e9)
}

// setEnergy sets the window's energy, energyJ summed over its GPUs of which
// byCounter read it from their energy counter and byIntegral from their
// power, when every GPU's was had, with its source and the output tokens
// per joule.
func setEnergy(lv *GPULevel, energyJ float64, byCounter, byIntegral int, outputTokens int64) {
	if byCounter+byIntegral != lv.GPUs {
		return
	}
	lv.EnergyJ = &energyJ
	switch {
	case byIntegral == 0:
		lv.EnergySource = EnergyCounter
	case byCounter == 0:
		lv.EnergySource = EnergyPowerIntegral
	default:
		lv.EnergySource = EnergyMixed
	}
	if energyJ > 0 {
		tpj := TokensPerJoule(outputTokens, energyJ)
		lv.OutputTokensPerJ = &tpj
	}
}

func meanPeak(vs []float64) *MeanPeak {
	if len(vs) == 0 {
		return nil
	}
	mp := MeanPeak{Peak: vs[0]}
	var sum float64
	for _, v := range vs {
		sum += v
		mp.Peak = max(mp.Peak, v)
	}
	mp.Mean = sum / float64(len(vs))
	return &mp
}

// point is one (time, value) reading of a series.
type point struct {
	t int64
	v float64
}

// interp returns the series' value at t: linear between the readings
// around t, the first or last value outside their range; at a reading's
// time, its value (the first's, where readings share the time). pts is
// sorted and not empty.
func interp(pts []point, t int64) float64 {
	i, _ := slices.BinarySearchFunc(pts, t, func(p point, t int64) int { return cmp.Compare(p.t, t) })
	switch {
	case i == 0:
		return pts[0].v
	case i == len(pts):
		return pts[len(pts)-1].v
	}
	// pts[i] is the first reading at or after t: pts[i-1].t < t <= pts[i].t.
	a, b := pts[i-1], pts[i]
	return a.v + (b.v-a.v)*float64(t-a.t)/float64(b.t-a.t)
}

// counterEnergyJ is E(end) − E(start) of the device's energy counter in
// joules, when its readings bracket the window and do not decrease from
// the last at or before start to the first at or after end (the readings
// interp reads at the window's ends, and those between); else why not.
func (d *gpuDevice) counterEnergyJ(start, end int64) (float64, *counterMiss) {
	pts := d.energy
	if len(pts) == 0 {
		return 0, &counterMiss{none: true}
	}
	if len(pts) < 2 || pts[0].t > start || pts[len(pts)-1].t < end {
		return 0, &counterMiss{first: pts[0].t, last: pts[len(pts)-1].t}
	}
	lo := sort.Search(len(pts), func(i int) bool { return pts[i].t >= start })
	if pts[lo].t > start {
		lo--
	}
	hi := sort.Search(len(pts), func(i int) bool { return pts[i].t >= end })
	k := sort.SearchInts(d.drops, lo+1)
	if k < len(d.drops) && d.drops[k] <= hi {
		n := d.drops[k]
		return 0, &counterMiss{from: &pts[n-1], to: &pts[n]}
	}
	return (interp(pts, end) - interp(pts, start)) / 1000, nil
}

// powerIntegralJ is ∫ P dt over [start, end] in joules, P linear between
// readings and flat outside them. A reading that is the mean over the
// span before it (PowerWindowNS: 1 s on Ampere and newer) stands at the
// middle of that span: taken at its own time it lags the power by half the
// span, and a window that ends on a rise (idle to a 700 W cap on an H200)
// read 20 % low against the energy counter (TestPowerIntegralOnH200Transition).
func (d *gpuDevice) powerIntegralJ(start, end int64) (float64, bool) {
	pts := d.power
	if len(pts) == 0 {
		return 0, false
	}
	// Knots: start, every reading strictly inside, end.
	lo := sort.Search(len(pts), func(i int) bool { return pts[i].t > start })
	hi := max(lo, sort.Search(len(pts), func(i int) bool { return pts[i].t >= end }))
	var ws float64 // watt-nanoseconds
	a := point{start, interp(pts, start)}
	for _, b := range pts[lo:hi] {
		ws += (a.v + b.v) / 2 * float64(b.t-a.t)
		a = b
	}
	b := point{end, interp(pts, end)}
	ws += (a.v + b.v) / 2 * float64(b.t-a.t)
	return ws / 1e9, true
}

// throttleShares sets the throttle fields from the ticks of the window's
// GPUs that carried clock-event reasons, each tick's state held until the
// next: the first from −∞, the last to +∞. Only the ticks from the one
// whose state holds at the window's start (the last at or before it, else
// the first) to the window's end count.
func throttleShares(lv *GPULevel, in []inWindow, start, end int64) {
	var from int64
	found := false
	for _, w := range in {
		r := w.d.reasons
		if j := sort.Search(len(r), func(i int) bool { return r[i].t > start }); j > 0 && (!found || r[j-1].t > from) {
			from, found = r[j-1].t, true
		}
	}
	if !found {
		for _, w := range in {
			if r := w.d.reasons; len(r) > 0 && (!found || r[0].t < from) {
				from, found = r[0].t, true
			}
		}
	}
	if !found {
		return // no GPU of the window reported reasons
	}
	byTick := map[int64]map[string]bool{} // throttle reasons active on any GPU
	for _, w := range in {
		r := w.d.reasons
		for k := sort.Search(len(r), func(i int) bool { return r[i].t >= from }); k < len(r) && (r[k].t < end || r[k].t == from); k++ {
			m := byTick[r[k].t]
			if m == nil {
				m = map[string]bool{}
				byTick[r[k].t] = m
			}
			for _, reason := range r[k].throttle {
				m[reason] = true
			}
		}
	}
	setThrottle(lv, byTick, start, end)
}

// setThrottle sets lv's throttle fields from byTick, the throttle reasons
// active on any GPU at each tick that carried reasons, each tick's state
// held until the next: the first from the window's start (it holds
// there), the last to its end.
func setThrottle(lv *GPULevel, byTick map[int64]map[string]bool, start, end int64) {
	type state struct {
		t       int64
		reasons map[string]bool
	}
	states := make([]state, 0, len(byTick))
	for t, m := range byTick {
		states = append(states, state{t, m})
	}
	slices.SortFunc(states, func(a, b state) int { return cmp.Compare(a.t, b.t) })
	window := float64(end - start)
	var throttled float64
	perReason := map[string]float64{}
	for i, st := range states {
		// State i holds over [t_i, t_{i+1}).
		from, to := st.t, end
		if i == 0 {
			from = start
		}
		if i+1 < len(states) {
			to = states[i+1].t
		}
		from, to = max(from, start), min(to, end)
		if to <= from {
			continue
		}
		d := float64(to - from)
		if len(st.reasons) > 0 {
			throttled += d
		}
		for r := range st.reasons {
			perReason[r] += d
		}
	}
	share := throttled / window
	lv.ThrottledShare = &share
	if len(perReason) > 0 {
		lv.ThrottleReasons = map[string]float64{}
		for r, d := range perReason {
			lv.ThrottleReasons[r] = d / window
		}
	}
	lv.Throttled = share >= ThrottledMinShare
}
