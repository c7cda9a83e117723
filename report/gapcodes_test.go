package report

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestGapCodesDistIsDistOf: the ITL and inter-chunk Dists of a level laid
// out as codes (tokenGaps.dists, 4 bytes a value) are those distOf gives of
// the values as float64, bit for bit — percentiles, mean and deviation —
// on levels of every size the selection treats apart (a sort below 17
// values, partitions above, a ninther from 128), with ties, events of
// several tokens, gaps of 2.1 s or more and negative ones, and input
// already in order or reversed.
func TestGapCodesDistIsDistOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	shapes := map[string]func(i int) (ns, k int64){
		"one token, ties": func(int) (int64, int64) { return int64(rng.IntN(50)) * 1e5, 1 },
		"distinct":        func(int) (int64, int64) { return int64(rng.IntN(1e9)), 1 },
		"several tokens": func(int) (int64, int64) {
			k := int64(1)
			if rng.IntN(8) == 0 {
				k = 2 + int64(rng.IntN(3))
			}
			return int64(rng.IntN(20)) * 1e6, k
		},
		"wide and negative": func(int) (int64, int64) {
			switch rng.IntN(10) {
			case 0:
				return 3e9 + int64(rng.IntN(1e9)), 1
			case 1:
				return -int64(rng.IntN(1e6)), 1
			}
			return int64(rng.IntN(1e7)), 1
		},
		"ascending":  func(i int) (int64, int64) { return int64(i) * 1000, 1 },
		"descending": func(i int) (int64, int64) { return 1e9 - int64(i)*1000, 1 },
	}
	for name, gap := range shapes {
		for _, n := range []int{1, 2, 16, 17, 127, 200, 5000, 70000} {
			var g tokenGaps
			var itl, gaps []float64
			var chunks [][2]int64
			at := int64(0)
			chunks = append(chunks, [2]int64{at, 1})
			for i := range n {
				ns, k := gap(i)
				at += ns
				chunks = append(chunks, [2]int64{at, k})
			}
			g.add(chunks)
			EachITL(chunks, func(gap float64, k int64) {
				gaps = append(gaps, gap)
				for range k {
					itl = append(itl, gap/float64(k))
				}
			})
			var codes gapCodes
			d, dg := g.dists(&codes)
			want, wantG := distOf(slices.Clone(itl)), distOf(slices.Clone(gaps))
			if d != want || dg != wantG {
				t.Errorf("%s, %d events: dists\n%+v\n%+v\nwant\n%+v\n%+v", name, n, d, dg, want, wantG)
			}
			if name == "wide and negative" && n > 100 && len(codes.side) == 0 {
				t.Errorf("%s, %d events: no value aside", name, n)
			}
		}
	}
}

// TestSummaryLaysOutFourBytesAValue: a summary of a level allocates 4
// bytes a per-token ITL (its codes, laid out once for the ITL and once
// more for the inter-chunk gaps in the same memory; 8 more an event of
// several tokens), not a float64's 8:
// counted bytes (runtime.MemStats.TotalAlloc), the same on any machine. A
// million records of 64 tokens took 512 MB here as float64.
func TestSummaryLaysOutFourBytesAValue(t *testing.T) {
	s := NewSummarizer(SLO{})
	tokens, multi := 0, 0
	for i := range 20000 {
		r := okRecord(i)
		s.Add(r)
		EachITL(r.Chunks, func(_ float64, k int64) {
			tokens += int(k)
			if k > 1 {
				multi++
			}
		})
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sum := s.Close()
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	// 4 bytes a token, 8 an event of several tokens (its value gap/k,
	// once), and 128 KB for the rest of the summary (its per-request Dists
	// select in place).
	limit := uint64(4*tokens + 8*multi + 128<<10)
	t.Logf("a summary of %d ITL values allocates %d bytes (%.2f a value); limit %d", tokens, got, float64(got)/float64(tokens), limit)
	if got > limit || sum.Levels[0].ITLMS.N != tokens {
		t.Errorf("a summary of %d ITL values (%d in its Dist) allocates %d bytes; want at most %d", tokens, sum.Levels[0].ITLMS.N, got, limit)
	}
}

// TestPlainBoundsDecideAsValues: partition3 compares a plain code with the
// pivot's value by the bounds plainBounds gives, and must decide as the
// values' own comparison does, at the bounds and away from them, for a
// pivot that is a plain code's value, one between two (a gap spread over k
// tokens), a negative one, one past every plain code and NaN.
func TestPlainBoundsDecideAsValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	pivots := []float64{0, gapMS(1), gapMS(1e6), gapMS(sideCode - 1), gapMS(20e6) / 3, gapMS(7) / 2, -gapMS(5), gapMS(3e9), math.NaN()}
	for range 200 {
		ns := rng.Int64N(sideCode)
		pivots = append(pivots, gapMS(ns), gapMS(ns)/float64(2+rng.IntN(7)))
	}
	for _, v := range pivots {
		below, above := plainBounds(v)
		codes := []uint32{0, 1, sideCode - 1}
		for _, b := range []uint32{below, above} {
			for d := -2; d <= 2; d++ {
				if c := int64(b) + int64(d); c >= 0 && c < sideCode {
					codes = append(codes, uint32(c))
				}
			}
		}
		for range 50 {
			codes = append(codes, uint32(rng.Int64N(sideCode)))
		}
		for _, c := range codes {
			x := gapMS(int64(c))
			if less, more := c < below, c >= above; less != (x < v) || more != (x > v) {
				t.Fatalf("pivot %v, code %d (%v ms): bounds [%d, %d) say below %v, above %v; the values say %v, %v", v, c, x, below, above, less, more, x < v, x > v)
			}
		}
	}
}
