package scenarios

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// moments returns the mean and standard deviation of n samples of d drawn
// with a fixed seed, and their range.
func moments(d Distribution, n int) (mean, sd float64, lo, hi int) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sum, sum2 float64
	lo, hi = math.MaxInt, math.MinInt
	for range n {
		v := d.Sample(rng)
		sum += float64(v)
		sum2 += float64(v) * float64(v)
		lo, hi = min(lo, v), max(hi, v)
	}
	mean = sum / float64(n)
	return mean, math.Sqrt(sum2/float64(n) - mean*mean), lo, hi
}

// TestSampleMoments draws 100k samples of each distribution and compares
// the sample mean and standard deviation with the analytic ones. Each
// tolerance is 5 standard errors: for the mean σ/√n; for the standard
// deviation σ·√((2+κ)/n)/2 with κ the excess kurtosis (0 for the normal,
// −1.2 for the uniform, 7.5 for the log-normal with CV 0.586).
func TestSampleMoments(t *testing.T) {
	const n = 100_000
	se := func(sd float64) float64 { return sd / math.Sqrt(n) }
	seSD := func(sd, kurt float64) float64 { return sd * math.Sqrt((2+kurt)/n) / 2 }
	// Rounding to whole tokens adds a uniform error of variance 1/12.
	round := func(sd float64) float64 { return math.Sqrt(sd*sd + 1.0/12) }
	for _, tt := range []struct {
		name             string
		d                Distribution
		mean, sd, kurt   float64
		lo, hi           int // the range every sample must fall in
		wantLoHiAttained bool
	}{
		// Discrete uniform on 801 values: σ² = (801² − 1)/12.
		{"uniform", Distribution{Kind: DistUniform, Min: 100, Max: 900}, 500, math.Sqrt((801*801 - 1) / 12.0), -1.2, 100, 900, true},
		{"normal", Distribution{Kind: DistNormal, Mean: 512, Stddev: 64}, 512, round(64), 0, 1, MaxLength, false},
		// σ² = ln(1 + 300²/512²) = 0.29514; excess kurtosis
		// e^{4σ²} + 2e^{3σ²} + 3e^{2σ²} − 6 = 7.52.
		{"lognormal", Distribution{Kind: DistLognormal, Mean: 512, Stddev: 300}, 512, round(300), 7.52, 1, MaxLength, false},
		// Empirical {1, 1, 4}: mean 2, variance (1+1+16)/3 − 4 = 2.
		{"empirical", Empirical([]int{1, 1, 4}), 2, math.Sqrt(2), -1.5, 1, 4, true},
		{"fixed", Fixed(77), 77, 0, 0, 77, 77, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mean, sd, lo, hi := moments(tt.d, n)
			if tol := 5 * se(tt.sd); math.Abs(mean-tt.mean) > tol {
				t.Errorf("mean = %.3f; want %.3f ± %.3f", mean, tt.mean, tol)
			}
			if tol := 5 * seSD(tt.sd, tt.kurt); math.Abs(sd-tt.sd) > tol {
				t.Errorf("stddev = %.3f; want %.3f ± %.3f", sd, tt.sd, tol)
			}
			if lo < tt.lo || hi > tt.hi {
				t.Errorf("range [%d, %d]; want within [%d, %d]", lo, hi, tt.lo, tt.hi)
			}
			if tt.wantLoHiAttained && (lo != tt.lo || hi != tt.hi) {
				t.Errorf("range [%d, %d]; want both ends [%d, %d] drawn", lo, hi, tt.lo, tt.hi)
			}
		})
	}
}

func TestSampleClamps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Bounds well inside the bulk: many samples land on them, none beyond.
	for _, d := range []Distribution{
		{Kind: DistNormal, Mean: 100, Stddev: 50, Min: 80, Max: 120},
		{Kind: DistLognormal, Mean: 100, Stddev: 50, Min: 80, Max: 120},
	} {
		var atLo, atHi int
		for range 10_000 {
			v := d.Sample(rng)
			if v < 80 || v > 120 {
				t.Fatalf("%v: sample %d outside [80, 120]", d, v)
			}
			if v == 80 {
				atLo++
			}
			if v == 120 {
				atHi++
			}
		}
		if atLo == 0 || atHi == 0 {
			t.Errorf("%v: %d samples at min and %d at max; want both clamps hit", d, atLo, atHi)
		}
	}
	// No bound given: never below 1 token, even when the normal says so.
	d := Distribution{Kind: DistNormal, Mean: 2, Stddev: 10}
	for range 10_000 {
		if v := d.Sample(rng); v < 1 {
			t.Fatalf("sample %d < 1", v)
		}
	}
}

func TestSampleIsSeeded(t *testing.T) {
	d := Distribution{Kind: DistLognormal, Mean: 300, Stddev: 100}
	draw := func() []int {
		rng := rand.New(rand.NewPCG(42, 0))
		out := make([]int, 100)
		for i := range out {
			out[i] = d.Sample(rng)
		}
		return out
	}
	if a, b := draw(), draw(); !slices.Equal(a, b) {
		t.Error("the same seed gave different lengths")
	}
}

func TestDistributionValidate(t *testing.T) {
	for _, tt := range []struct {
		d    Distribution
		want string
	}{
		{Fixed(1), ""},
		{Fixed(0), "must be between 1 and 16777216 tokens, got 0"},
		{Distribution{Kind: DistUniform, Min: 5, Max: 5}, ""},
		{Distribution{Kind: DistUniform, Min: 6, Max: 5}, "max: must be ≥ min (6), got 5"},
		{Distribution{Kind: DistUniform, Max: 5}, "min: is required with dist: uniform"},
		{Distribution{Kind: DistNormal, Mean: 10}, ""},
		{Distribution{Kind: DistNormal, Mean: 10, Stddev: math.NaN()}, "stddev: must be ≥ 0, got NaN"},
		{Distribution{Kind: DistLognormal, Mean: 0, Stddev: 1}, "mean: must be a length between 1 and 16777216 tokens, got 0"},
		{Distribution{Kind: DistLognormal, Mean: 5, File: "x"}, "file: not used by dist: lognormal"},
		{Distribution{Kind: DistEmpirical}, "file: is required with dist: empirical"},
		{Distribution{Kind: DistEmpirical, File: "x.txt"}, "file: has not been read (load the scenario with Load or LoadFile)"},
		{Empirical([]int{3, 0}), "file: lengths must be between 1 and 16777216 tokens, got 0"},
		{Distribution{Kind: "zipf"}, `dist: unknown distribution "zipf" (want one of uniform, normal, lognormal, empirical)`},
	} {
		err := tt.d.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%v.Validate() = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func TestReadLengths(t *testing.T) {
	got, err := ReadLengths(strings.NewReader("# header\n10\n\n 20 \n30"))
	if err != nil || !slices.Equal(got, []int{10, 20, 30}) {
		t.Errorf("ReadLengths = %v, %v; want [10 20 30]", got, err)
	}
	for _, tt := range []struct{ in, want string }{
		{"1\n2\nthree\n", `line 3: want a length in tokens between 1 and 16777216, got "three"`},
		{"1\n0\n", `line 2: want a length in tokens between 1 and 16777216, got "0"`},
		{"1.5\n", `line 1: want a length in tokens between 1 and 16777216, got "1.5"`},
		{"# only a comment\n", "no lengths in the file"},
	} {
		if _, err := ReadLengths(strings.NewReader(tt.in)); err == nil || err.Error() != tt.want {
			t.Errorf("ReadLengths(%q) = %v; want %q", tt.in, err, tt.want)
		}
	}
}

func BenchmarkSampleLognormal(b *testing.B) {
	d := Distribution{Kind: DistLognormal, Mean: 512, Stddev: 300}
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		d.Sample(rng)
	}
}

// TestTypical: a distribution's typical length is its mean, rounded and
// within its bounds.
func TestTypical(t *testing.T) {
	for _, c := range []struct {
		d    Distribution
		want int
	}{
		{Fixed(300), 300},
		{Distribution{Kind: DistUniform, Min: 256, Max: 768}, 512},
		{Distribution{Kind: DistUniform, Min: 64, Max: 192}, 128},
		{Distribution{Kind: DistNormal, Mean: 100.4, Stddev: 10}, 100},
		{Distribution{Kind: DistLognormal, Mean: 50, Stddev: 80, Max: 40}, 40},
		{Distribution{Kind: DistEmpirical, values: []int{100, 200, 601}}, 300}, // mean 300.33
	} {
		if got := c.d.Typical(); got != c.want {
			t.Errorf("%s: typical %d; want %d", c.d.String(), got, c.want)
		}
	}
}
