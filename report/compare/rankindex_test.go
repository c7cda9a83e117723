package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// scanQuantiles is the comparison engine's percentiles of a resample as
// they were computed before rankIndex: count the resample, then walk the
// sorted values from the start to each rank. rankIndex must give the same
// bits.
func scanQuantiles(w weighted, counts []int32, ps []float64, dst []float64) {
	var n int64
	for _, o := range w.owner {
		n += int64(counts[o])
	}
	if n == 0 {
		for i := range ps {
			dst[i] = math.NaN()
		}
		return
	}
	at := func(start int, cum int64, r int64) (int, int64) {
		for i := start; i < len(w.values); i++ {
			c := int64(counts[w.owner[i]])
			if cum+c > r {
				return i, cum
			}
			cum += c
		}
		return len(w.values) - 1, cum
	}
	i, cum := 0, int64(0)
	for k, p := range ps {
		h := float64(n-1) * p / 100
		lo := int64(math.Floor(h))
		if lo >= n-1 {
			lo = n - 1
		}
		i, cum = at(i, cum, lo)
		v := w.values[i]
		if frac := h - float64(lo); frac > 0 && lo < n-1 {
			j, _ := at(i, cum, lo+1)
			v += frac * (w.values[j] - v)
		}
		dst[k] = v
	}
}

// TestRankIndexIsTheScan: on samples of many requests with 0–80 values
// each (ITL-like, with ties and requests drawn zero times) indexed with
// one of 0–1 values each (TTFT-like: a singleSample), as a level's fields
// are, the percentiles rankIndex finds from its pivots are bit for bit
// those of walking the values from the start, for the gate's percentiles,
// extreme ones and more than maxFastWidth pivots.
func TestRankIndexIsTheScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	pss := [][]float64{{50, 90, 95, 99}, {0, 0.1, 50, 99.9, 100}, {99}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		{5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100}} // more pivots than maxFastWidth
	for trial := range 60 {
		nReq := 1 + rng.IntN(400)
		var ws []weighted
		for _, most := range []int{81, 2} {
			var vals []float64
			var owners []int32
			for r := range nReq {
				for range rng.IntN(most) {
					vals = append(vals, math.Round(rng.ExpFloat64()*50)/10) // ties
					owners = append(owners, int32(r))
				}
			}
			ws = append(ws, newWeighted(vals, owners))
		}
		ps := pss[trial%len(pss)]
		x := newRankIndex(ws, ps, nReq)
		counts := make([]int32, nReq)
		got := [][]float64{make([]float64, len(ps)), make([]float64, len(ps))}
		want := make([]float64, len(ps))
		for rep := range 20 {
			resampleCounts(rng, counts)
			if rep == 0 {
				clear(counts) // the empty resample
			}
			x.quantiles(counts, got)
			for f, w := range ws {
				scanQuantiles(w, counts, ps, want)
				for k := range ps {
					if math.Float64bits(got[f][k]) != math.Float64bits(want[k]) {
						t.Fatalf("trial %d rep %d sample %d: p%g = %v; the scan gives %v", trial, rep, f, ps[k], got[f][k], want[k])
					}
				}
			}
		}
	}
}

// TestNewWeightedIsStable: newWeighted's in-place sort leaves equal values
// in the order they came, as the stable sort it replaced did, and each
// value with its owner, whether the owners come in order (a Collector's)
// or not.
func TestNewWeightedIsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, shuffled := range []bool{false, true} {
		vals := make([]float64, 5000)
		owners := make([]int32, len(vals))
		for i := range vals {
			vals[i], owners[i] = float64(rng.IntN(30)), int32(i)
		}
		if shuffled {
			rng.Shuffle(len(owners), func(i, j int) { owners[i], owners[j] = owners[j], owners[i] })
		}
		origV, origO := slices.Clone(vals), slices.Clone(owners)
		posOf := make([]int, len(owners)) // owner → its position
		for i, o := range owners {
			posOf[o] = i
		}
		w := newWeighted(vals, owners)
		for i := 1; i < len(w.values); i++ {
			a, b := w.values[i-1], w.values[i]
			if a > b || a == b && posOf[w.owner[i-1]] > posOf[w.owner[i]] {
				t.Fatalf("shuffled %v, position %d: (%g, %d) before (%g, %d)", shuffled, i, a, w.owner[i-1], b, w.owner[i])
			}
		}
		for i, o := range w.owner {
			if p := posOf[o]; origV[p] != w.values[i] || origO[p] != o {
				t.Fatalf("shuffled %v: value %g at %d has owner %d whose value is %g", shuffled, w.values[i], i, o, origV[p])
			}
		}
	}
}

// TestMannWhitneySortedIsMannWhitneyU: ranked by merging the sorted
// samples, the test gives MannWhitneyU's U, P and effect bit for bit, with
// ties within and across the samples, small (exact P) and large.
func TestMannWhitneySortedIsMannWhitneyU(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for trial := range 300 {
		n1, n2 := rng.IntN(25), rng.IntN(25)
		if trial%3 == 0 {
			n1, n2 = rng.IntN(3000), rng.IntN(3000)
		}
		levels := 5 + rng.IntN(1000)
		draw := func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(levels)) / 7
			}
			return v
		}
		x, y := draw(n1), draw(n2)
		want := MannWhitneyU(x, y)
		slices.Sort(x)
		slices.Sort(y)
		got := mannWhitneySorted(x, y)
		same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
		if !same(got.U, want.U) || !same(got.P, want.P) || !same(got.Effect, want.Effect) || got.Exact != want.Exact {
			t.Fatalf("trial %d (n %d, %d): %+v; MannWhitneyU %+v", trial, n1, n2, got, want)
		}
	}
}

// TestResamplesSameOnAnyCPUs: the bootstrap's resamples are drawn in order
// and only their stats computed concurrently, so a comparison's every
// output, and the report's ratios, are the same bytes on one CPU as on
// several (the golden test pins the bytes themselves).
func TestResamplesSameOnAnyCPUs(t *testing.T) {
	a, b := goldenLarge(t, 3), goldenLarge(t, 4)
	fixed := Baseline{Label: "x", Meta: a.Meta, Summaries: []*report.Summary{a.Summary}}
	outputs := func(procs int) string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out string
		for _, base := range []Baseline{RunBaseline(a), fixed} {
			res, err := Compare(base, b, Options{Resamples: 200})
			if err != nil {
				t.Fatal(err)
			}
			out += string(renderAll(t, res))
		}
		for lv, bs := range a.levels {
			out += fmt.Sprintf("%+v", Ratios(bs, b.levels[lv], Metrics(), 0.05, 200, 5, "k"))
		}
		return out
	}
	one := outputs(1)
	for _, procs := range []int{2, 4, 7} {
		if got := outputs(procs); got != one {
			t.Errorf("GOMAXPROCS %d: outputs differ from GOMAXPROCS 1", procs)
		}
	}
}

// TestSortByValue: sortByValue orders (value, position) pairs as a stable
// sort of the values does, on random values with many or few ties, sorted,
// reversed and constant input, and sizes around its insertion-sort cutoff;
// and an input that defeats its median of three still sorts (heapsort).
func TestSortByValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	inputs := map[string]func(n int) []float64{
		"random":   func(n int) []float64 { return randomValues(rng, n, 1<<30) },
		"ties":     func(n int) []float64 { return randomValues(rng, n, 3) },
		"sorted":   func(n int) []float64 { v := randomValues(rng, n, 50); slices.Sort(v); return v },
		"reversed": func(n int) []float64 { v := randomValues(rng, n, 50); slices.Sort(v); slices.Reverse(v); return v },
		"constant": func(n int) []float64 { return make([]float64, n) },
	}
	for name, gen := range inputs {
		for _, n := range []int{0, 1, 2, 3, 12, 13, 14, 100, 5000} {
			vals := gen(n)
			want := make([]int32, n)
			for i := range want {
				want[i] = int32(i)
			}
			slices.SortStableFunc(want, func(a, b int32) int { return cmpValues(vals[a], vals[b]) })
			pos := make([]int32, n)
			for i := range pos {
				pos[i] = int32(i)
			}
			orig := slices.Clone(vals)
			sortByValue(vals, pos)
			if !slices.Equal(pos, want) {
				t.Fatalf("%s, n %d: order %v; a stable sort gives %v", name, n, pos[:min(n, 20)], want[:min(n, 20)])
			}
			for i, p := range pos {
				if vals[i] != orig[p] {
					t.Fatalf("%s, n %d: value %g at %d is not position %d's %g", name, n, vals[i], i, p, orig[p])
				}
			}
		}
	}
	// depth 0 from the start: the heapsort alone.
	vals := randomValues(rng, 1000, 40)
	pos := make([]int32, len(vals))
	for i := range pos {
		pos[i] = int32(i)
	}
	pairSorter{vals, pos}.quick(0, len(vals), 0)
	for i := 1; i < len(vals); i++ {
		if vals[i-1] > vals[i] || vals[i-1] == vals[i] && pos[i-1] > pos[i] {
			t.Fatalf("heapsort: position %d out of order", i)
		}
	}
}

func randomValues(rng *rand.Rand, n, levels int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(rng.IntN(levels)) / 4
	}
	return v
}

// TestITLEventsExpand: the ITL values kept per event and laid out per token
// are those of spreading each event's gap over its k tokens (report.EachITL),
// token by token, with each token's request, including requests without an
// ITL and events of more than one token.
func TestITLEventsExpand(t *testing.T) {
	recs := [][][2]int64{
		{{0, 1}, {7e6, 1}, {16e6, 3}, {17e6, 1}}, // gaps 7, 9 over 3, 1
		nil,                                      // a failed request: no ITL
		{{5e6, 2}},                               // one event: no gap
		{{0, 1}, {1, 0}, {4e6, 2}},               // 1 ns (k 0 counts 1), 4 ms − 1 ns over 2
		{{10, 1}, {5e9, 1}, {5e9 - 3, 1}, {5e9 + 123456789, 1}}, // 5 s: aside; −3 ns: aside; 123.456789 ms
	}
	var ev itlEvents
	var wantV []float64
	var wantO []int32
	for r, ch := range recs {
		if ch == nil {
			continue
		}
		ev.add(int32(r), ch)
		report.EachITL(ch, func(gap float64, k int64) {
			for range k {
				wantV, wantO = append(wantV, gap/float64(k)), append(wantO, int32(r))
			}
		})
	}
	if len(ev.aside) != 2+2 {
		t.Errorf("%d events aside; want the 2 of 2 or 3 tokens, the 5 s gap and the negative one", len(ev.aside))
	}
	v, o := ev.expand()
	if !slices.Equal(v, wantV) || !slices.Equal(o, wantO) || len(v) != 1+3+1+1+2+3 || len(ev.aside) != 0 {
		t.Errorf("expand = %v, %v; want %v, %v", v, o, wantV, wantO)
	}
}

// TestITLSortedIsNewWeighted: the packed ITL sample (itlEvents.sorted) holds
// the values and owners newWeighted gives those expand lays out, position
// by position, with values aside (k-token events, gaps of 4.3 s or more,
// negative ones) among them, ties between a packed value and one aside
// included, over more than one block of events; with most values aside it
// is not packed, and the same.
func TestITLSortedIsNewWeighted(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		name   string
		aside  float64 // share of events aside
		packed bool
	}{{"none aside", 0, true}, {"few aside", 0.05, true}, {"most aside", 0.8, false}} {
		var a, b itlEvents
		for r := range int32(15000) { // over one block of events
			var ch [][2]int64
			at := int64(0)
			for range rng.IntN(12) {
				gap := int64(rng.IntN(4)) * 1e6 // many ties
				k := int64(1)
				if rng.Float64() < tc.aside {
					switch rng.IntN(3) {
					case 0:
						k = 2 // gap/2: ties with the packed values
					case 1:
						gap = 5e9
					default:
						gap = -int64(rng.IntN(3)) * 1e6
					}
				}
				at += gap
				ch = append(ch, [2]int64{at, k})
			}
			a.add(r, ch)
			b.add(r, ch)
		}
		if a.n <= itlBlock {
			t.Fatalf("%d events: want more than a block's %d", a.n, itlBlock)
		}
		got, want := a.sorted(), newWeighted(b.expand())
		if (got.packed != nil) != tc.packed {
			t.Errorf("%s: packed %v; want %v", tc.name, got.packed != nil, tc.packed)
		}
		if got.len() != want.len() || got.len() == 0 {
			t.Fatalf("%s: %d values; want %d", tc.name, got.len(), want.len())
		}
		c := got.cursor()
		for i := range want.len() {
			if v, o := got.value(i), got.ownerOf(i); v != want.values[i] || o != want.owner[i] || c.at(i) != v {
				t.Fatalf("%s: position %d: (%g, %d); want (%g, %d)", tc.name, i, v, o, want.values[i], want.owner[i])
			}
		}
	}
}
