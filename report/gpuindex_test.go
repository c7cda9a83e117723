package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// randomGPURun is a run's gpu.jsonl as the ways it can differ from the
// plain case make it: 0–4 GPUs, some sharing an index or without a UUID,
// ticks not aligned across GPUs, readings missing or repeated at one
// time, fields a GPU never or only sometimes reports, power spans of
// different lengths, energy counters that reset, clock-event reasons
// absent, empty or named, failed ticks, and the lines in time order or
// shuffled.
func randomGPURun(r *rand.Rand) []rundir.GPUSample {
	reasons := []string{gpu.ReasonSWPowerCap, gpu.ReasonHWThermalSlowdown, gpu.ReasonHWSlowdown, "gpu_idle", "sync_boost"}
	spans := []int64{0, 0, sec, sec, sec / 4, sec / 2}
	var out []rundir.GPUSample
	step := sec / int64(1+r.IntN(4))
	ticks := r.IntN(30)
	for g := range r.IntN(5) {
		dev := rundir.GPUSample{Index: r.IntN(3) - r.IntN(2), UUID: []string{"", "GPU-a", "GPU-b"}[r.IntN(3)]}
		// How often this GPU reports each field: never, sometimes, always.
		often := func() float64 { return []float64{0, 0.6, 1, 1, 1}[r.IntN(5)] }
		pUtil, pMem, pTotal, pPower, pEnergy, pReasons := often(), often(), often(), often(), often(), often()
		span := spans[r.IntN(len(spans))]
		offset := []int64{0, 0, sec / 10, int64(g) * sec / 3}[r.IntN(4)]
		energy := uint64(r.IntN(1e9))
		reset := -1 // the tick at which the driver reloads, if it does
		if r.IntN(4) == 0 {
			reset = r.IntN(ticks + 1)
		}
		for tick := range ticks {
			if r.Float64() < 0.1 {
				continue // a missed reading
			}
			for range 1 + r.IntN(2)*r.IntN(2) { // sometimes twice at one time
				s := dev
				s.TNS = int64(tick)*step + offset
				if r.Float64() < 0.1 {
					s.TNS += r.Int64N(step) - step/2
				}
				if r.Float64() < pUtil {
					s.UtilizationPct = gpu.Ptr(100 * r.Float64())
				}
				if r.Float64() < pMem {
					s.MemoryUsedBytes = gpu.Ptr(uint64(r.Int64N(80 << 30)))
				}
				if r.Float64() < pTotal {
					s.MemoryTotalBytes = gpu.Ptr([]uint64{80 << 30, 80 << 30, 141 << 30}[r.IntN(3)])
				}
				if r.Float64() < pPower {
					s.PowerW = gpu.Ptr(700 * r.Float64())
					s.PowerWindowNS = span
					if r.Float64() < 0.05 {
						s.PowerWindowNS = r.Int64N(2 * sec)
					}
				}
				if r.Float64() < pEnergy {
					energy += uint64(r.IntN(700000))
					if tick == reset {
						energy = uint64(r.IntN(1000))
					}
					s.EnergyMJ = gpu.Ptr(energy)
				}
				if r.Float64() < pReasons {
					s.ClockEventReasons = []string{}
					for _, reason := range reasons {
						if r.Float64() < 0.2 {
							s.ClockEventReasons = append(s.ClockEventReasons, reason)
						}
					}
				}
				out = append(out, s)
			}
		}
	}
	for range r.IntN(4) {
		out = append(out, rundir.GPUSample{TNS: r.Int64N(int64(ticks+1) * step), Index: -1, Error: "scrape timeout"})
	}
	if r.IntN(2) == 0 {
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	} else {
		slices.SortStableFunc(out, func(a, b rundir.GPUSample) int { return int(a.TNS - b.TNS) })
	}
	return out
}

// randomWindows are windows over a run of samples: on readings' times,
// between them, before and after them all, empty and reversed.
func randomWindows(r *rand.Rand, samples []rundir.GPUSample) [][2]int64 {
	var times []int64
	end := 2 * sec
	for _, s := range samples {
		times = append(times, s.TNS)
		end = max(end, s.TNS+sec)
	}
	at := func() int64 {
		switch {
		case len(times) > 0 && r.IntN(3) == 0:
			return times[r.IntN(len(times))]
		case r.IntN(10) == 0:
			return -sec
		default:
			return r.Int64N(end+sec) - sec
		}
	}
	ws := [][2]int64{{math.MinInt64 / 4, math.MaxInt64 / 4}, {5 * sec, 5 * sec}}
	for range 12 {
		a, b := at(), at()
		if r.IntN(8) != 0 && a > b {
			a, b = b, a
		}
		ws = append(ws, [2]int64{a, b})
	}
	return ws
}

// bitsEqual compares floats bit for bit: the index must sum in the same
// order as the function it replaced.
var bitsEqual = gocmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })

// checkGPUIndex summarizes every window of one run by the index, built
// once, and by the reference (SummarizeGPU before the index), and reports
// any difference.
func checkGPUIndex(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	samples := randomGPURun(r)
	before := slices.Clone(samples)
	x := NewGPUIndex(samples)
	for _, w := range randomWindows(r, samples) {
		tokens := r.Int64N(1 << 20)
		want := refSummarizeGPU(samples, w[0], w[1], tokens)
		if diff := gocmp.Diff(want, x.Summarize(w[0], w[1], tokens), bitsEqual); diff != "" {
			t.Fatalf("seed %d, window %v: GPUIndex.Summarize differs from the reference (-want +got):\n%s", seed, w, diff)
		}
		if diff := gocmp.Diff(want, SummarizeGPU(samples, w[0], w[1], tokens), bitsEqual); diff != "" {
			t.Fatalf("seed %d, window %v: SummarizeGPU differs from the reference (-want +got):\n%s", seed, w, diff)
		}
	}
	if diff := gocmp.Diff(before, samples); diff != "" {
		t.Fatalf("seed %d: the samples changed (-before +after):\n%s", seed, diff)
	}
}

// TestGPUIndexMatchesReference: a run indexed once summarizes every window
// bit for bit as SummarizeGPU did when it regrouped the run per window
// (refSummarizeGPU), over runs of every shape randomGPURun makes.
func TestGPUIndexMatchesReference(t *testing.T) {
	n := uint64(800)
	if testing.Short() {
		n = 200
	}
	for seed := range n {
		checkGPUIndex(t, seed)
	}
	// The hour of eight GPUs the benchmark summarizes, level by level.
	samples, sum := hourOfGPUs(8, 60)
	x := NewGPUIndex(samples)
	for _, l := range sum.Levels[:5] {
		want := refSummarizeGPU(samples, l.StartNS, l.EndNS, l.OutputTokens)
		if diff := gocmp.Diff(want, x.Summarize(l.StartNS, l.EndNS, l.OutputTokens), bitsEqual); diff != "" {
			t.Fatalf("level [%d, %d] (-want +got):\n%s", l.StartNS, l.EndNS, diff)
		}
	}
}

// FuzzGPUIndex is TestGPUIndexMatchesReference over any seed.
func FuzzGPUIndex(f *testing.F) {
	for _, seed := range []uint64{0, 1, 2, 3} {
		f.Add(seed)
	}
	f.Fuzz(checkGPUIndex)
}
