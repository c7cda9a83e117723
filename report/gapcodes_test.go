package report

import (
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
