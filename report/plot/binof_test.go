package plot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// logBinOf is binOf as it was before its tables: one logarithm a value.
// binOf must bin every value as it does, so that no histogram, figure or
// quantile of a report changes.
func logBinOf(v float64, n int) int {
	if !(v >= LogHistMin) {
		return -1
	}
	i := int(math.Floor(math.Log10(v/LogHistMin) * LogHistPerDecade))
	if i >= n {
		return n
	}
	return i
}

// ulpsAround calls f with every float64 within k steps of v (Nextafter).
func ulpsAround(v float64, k int, f func(float64)) {
	f(v)
	for _, dir := range []float64{math.Inf(-1), math.Inf(1)} {
		w := v
		for range k {
			w = math.Nextafter(w, dir)
			f(w)
		}
	}
}

func TestBinOfIsTheLogarithmsBin(t *testing.T) {
	h := NewLogHist()
	n := len(h.counts)
	checked, wrong := 0, 0
	check := func(v float64) {
		if math.IsInf(v/LogHistMin, 1) {
			return // TestBinOfOverflowIsOver
		}
		checked++
		if got, want := h.binOf(v), logBinOf(v, n); got != want {
			if wrong++; wrong <= 10 {
				t.Errorf("binOf(%v = %#x) = %d; the logarithm's bin is %d", v, math.Float64bits(v), got, want)
			}
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), -1, -LogHistMin, -1e300, math.Inf(-1), math.NaN(),
		5e-324, math.Float64frombits(0x000fffffffffffff), 0x1p-1022, 1e-300, 1, 10, 1e6, 1e300, math.MaxFloat64} {
		ulpsAround(v, 3, check)
	}
	// Every edge of a bin, from its definition (not binEdges), and the
	// floats around it, and each table slot's first float.
	for i := 0; i <= n; i++ {
		ulpsAround(LogHistMin*math.Pow(10, float64(i)/LogHistPerDecade), 1000, check)
	}
	for s := range h.bins.slots {
		ulpsAround(math.Float64frombits((h.bins.slotBase+uint64(s))<<binSlotShift), 2, check)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		check(math.Pow(10, r.Float64()*14-6)) // 1e-6 to 1e8 ms, log-uniform
		check(math.Float64frombits(r.Uint64()))
		check(float64(r.Int64N(10e9)) / 1e6 / float64(1+r.IntN(8))) // a gap in ns to ms, per token of an event of up to 8
	}
	if wrong > 0 {
		t.Errorf("%d of %d values binned apart from the logarithm's bin", wrong, checked)
	}
}

// A value whose quotient by LogHistMin overflows (over 1.8e305, +Inf) is
// over the range. The logarithm's bin was int(+Inf), which Go leaves to
// the machine: on amd64 the least int64, so these were counted under the
// range, on arm64 over it. Never met: an inter-token gap in ms is under
// 1e13.
func TestBinOfOverflowIsOver(t *testing.T) {
	h := NewLogHist()
	for _, v := range []float64{math.MaxFloat64 * LogHistMin * 1.0000001, math.MaxFloat64, math.Inf(1)} {
		if !math.IsInf(v/LogHistMin, 1) {
			t.Fatalf("%v / LogHistMin = %v; want +Inf", v, v/LogHistMin)
		}
		if got := h.binOf(v); got != len(h.counts) {
			t.Errorf("binOf(%v) = %d; want %d (over)", v, got, len(h.counts))
		}
	}
}

var sink int

func benchValues() []float64 {
	r := rand.New(rand.NewPCG(3, 4))
	vs := make([]float64, 4096)
	for i := range vs {
		vs[i] = float64(5e6+r.Int64N(40e6)) / 1e6 // gaps of 5–45 ms, as a synthetic run's
	}
	return vs
}

func BenchmarkBinOf(b *testing.B) {
	h, vs := NewLogHist(), benchValues()
	i := 0
	for b.Loop() {
		sink += h.binOf(vs[i&4095])
		i++
	}
}

func BenchmarkLogBinOf(b *testing.B) {
	vs := benchValues()
	i := 0
	for b.Loop() {
		sink += logBinOf(vs[i&4095], LogHistDecades*LogHistPerDecade)
		i++
	}
}

func BenchmarkLogHistAdd(b *testing.B) {
	h, vs := NewLogHist(), benchValues()
	i := 0
	for b.Loop() {
		h.Add(vs[i&4095], 1)
		i++
	}
}

// BenchmarkBinTables: what the tables cost every process that loads the
// package.
func BenchmarkBinTables(b *testing.B) {
	for b.Loop() {
		slotBins(logBinEdges())
	}
}
