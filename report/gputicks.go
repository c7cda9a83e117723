package report

import (
	"maps"
	"slices"

	"github.com/inferbench/inferbench/rundir"
)

// A GPUTick is one telemetry tick of gpu.jsonl summed over the GPUs that
// reported each field: the report's per-level GPU summary and the
// timeline's GPU panels both read ticks so.
type GPUTick struct {
	TNS int64
	// UtilPct, MemoryUsedBytes and PowerW are sums over the GPUs; NUtil,
	// NMem and NPower how many GPUs reported each.
	UtilPct, MemoryUsedBytes, PowerW float64
	NUtil, NMem, NPower              int
	// powerWindowNS sums the spans the power readings average
	// (rundir.GPUSample.PowerWindowNS); PowerTNS places them.
	powerWindowNS int64
}

// PowerTNS is the time the tick's power stands for: the middle of the span
// its readings average (a 1 s trailing mean on Ampere and newer), as the
// energy integral places them (powerIntegralJ); TNS where the readings are
// instantaneous. With GPUs of different spans in one tick, the middle of
// their mean span.
func (t *GPUTick) PowerTNS() int64 {
	if t.NPower == 0 {
		return t.TNS
	}
	return t.TNS - t.powerWindowNS/int64(t.NPower)/2
}

// GPUTicks sums samples by tick (TNS).
type GPUTicks map[int64]*GPUTick

// Add adds s's utilization, memory and power to its tick; a field the
// backend did not report adds nothing.
func (ts GPUTicks) Add(s *rundir.GPUSample) {
	t := ts[s.TNS]
	if t == nil {
		t = &GPUTick{TNS: s.TNS}
		ts[s.TNS] = t
	}
	if s.UtilizationPct != nil {
		t.UtilPct += *s.UtilizationPct
		t.NUtil++
	}
	if s.MemoryUsedBytes != nil {
		t.MemoryUsedBytes += float64(*s.MemoryUsedBytes)
		t.NMem++
	}
	if s.PowerW != nil {
		t.PowerW += *s.PowerW
		t.NPower++
		t.powerWindowNS += s.PowerWindowNS
	}
}

// Sorted returns the ticks in time order, so that sums over them (and so
// means) are the same every time.
func (ts GPUTicks) Sorted() []*GPUTick {
	out := make([]*GPUTick, 0, len(ts))
	for _, tns := range slices.Sorted(maps.Keys(ts)) {
		out = append(out, ts[tns])
	}
	return out
}
