package report

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// BenchmarkSelect measures the selection under every Dist: a level's
// inter-token latencies (6.4 M: 100,000 records of 64 tokens, gaps of
// 9–11 ms in whole nanoseconds, so about three values share each) as
// float64s (distOf) and as gap codes (gapCodes.dist).
func BenchmarkSelect(b *testing.B) {
	const n = 6_400_000
	r := rand.New(rand.NewPCG(1, 2))
	ns := make([]int64, n)
	for i := range ns {
		ns[i] = 9_000_000 + r.Int64N(2_000_000)
	}
	b.Run("float64", func(b *testing.B) {
		v := make([]float64, n)
		for b.Loop() {
			b.StopTimer()
			for i, x := range ns {
				v[i] = gapMS(x)
			}
			b.StartTimer()
			_ = distOf(v)
		}
	})
	b.Run("codes", func(b *testing.B) {
		var g gapCodes
		for b.Loop() {
			b.StopTimer()
			g.reset()
			for _, x := range ns {
				g.add(x, 1)
			}
			g.codes = slices.Clip(g.codes)
			b.StartTimer()
			_ = g.dist()
		}
	})
}
