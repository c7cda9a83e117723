package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSelectRanks: every wanted rank holds what a full sort puts there, on
// random, duplicated, sorted, reversed, constant and tiny inputs.
func TestSelectRanks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := map[string][]float64{"empty": {}, "one": {3}, "two": {2, 1}}
	for _, n := range []int{3, 17, 100, 1000, 100_000} {
		r := make([]float64, n)
		d := make([]float64, n)
		for i := range r {
			r[i] = rng.ExpFloat64()
			d[i] = float64(rng.IntN(5)) // few distinct values
		}
		asc := slices.Sorted(slices.Values(r))
		desc := slices.Clone(asc)
		slices.Reverse(desc)
		inputs["random"+strconv.Itoa(n)] = r
		inputs["dups"+strconv.Itoa(n)] = d
		inputs["asc"+strconv.Itoa(n)] = asc
		inputs["desc"+strconv.Itoa(n)] = desc
		inputs["const"+strconv.Itoa(n)] = slices.Repeat([]float64{7}, n)
	}
	for name, in := range inputs {
		want := slices.Sorted(slices.Values(in))
		n := len(in)
		var ranks []int
		if n > 0 {
			ranks = []int{0, n - 1, n / 2, min(n/2+1, n-1), n * 99 / 100, n * 999 / 1000}
		}
		v := slices.Clone(in)
		selectRanks(v, ranks)
		for _, k := range ranks {
			if v[k] != want[k] {
				t.Errorf("%s: rank %d = %v; a sort gives %v", name, k, v[k], want[k])
			}
		}
		if got := slices.Sorted(slices.Values(v)); !slices.Equal(got, want) {
			t.Errorf("%s: selectRanks lost or changed values", name)
		}
	}
}

// TestDistOfMatchesSort: distOf by selection gives the percentiles, min and
// max a full sort gives, exactly, and the same mean and deviation.
func TestDistOfMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 5, 31, 1000, 54_321} {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Round(rng.NormFloat64()*1000+10_000) / 1000 // ms with µs steps: ties
		}
		sorted := slices.Sorted(slices.Values(v))
		got := distOf(slices.Clone(v))
		want := Dist{N: n, Min: sorted[0], Max: sorted[n-1], P50: Quantile7(sorted, 50), P90: Quantile7(sorted, 90),
			P95: Quantile7(sorted, 95), P99: Quantile7(sorted, 99), P999: Quantile7(sorted, 99.9)}
		mean, sd := got.Mean, got.Stddev
		got.Mean, got.Stddev = 0, 0
		if got != want {
			t.Errorf("n=%d: distOf = %+v; by sorting %+v", n, got, want)
		}
		var sum float64
		for _, x := range sorted {
			sum += x
		}
		if m := sum / float64(n); math.Abs(mean-m) > 1e-9*math.Abs(m) || (n > 1 && sd <= 0) {
			t.Errorf("n=%d: mean %v (sorted sum gives %v), stddev %v", n, mean, m, sd)
		}
	}
}

// TestSelectRanksNaN: a NaN makes it sort, as distOf did before.
func TestSelectRanksNaN(t *testing.T) {
	v := []float64{3, math.NaN(), 1, 2}
	selectRanks(v, []int{0, 3})
	if !math.IsNaN(v[0]) || v[3] != 3 {
		t.Errorf("with a NaN: %v; want slices.Sort's order", v)
	}
}

// TestQuantileOf: on values in any order it equals Quantile7 of the sorted
// values, for percentiles between and on ranks.
func TestQuantileOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 10, 999} {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(50))
		}
		sorted := slices.Sorted(slices.Values(v))
		for _, p := range []float64{0, 2.5, 50, 90, 97.5, 99.9, 100} {
			if got, want := QuantileOf(slices.Clone(v), p), Quantile7(sorted, p); got != want {
				t.Errorf("n=%d p=%g: QuantileOf %v, Quantile7 of the sorted values %v", n, p, got, want)
			}
		}
	}
}
