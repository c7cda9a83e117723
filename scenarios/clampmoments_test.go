package scenarios

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestLoadRefusesClampsThatMoveTheMean: draws of a normal or lognormal
// length are clamped into [max(min, 1), max]; a mean inside the bounds was
// accepted however much of the distribution lay outside them.
// {dist: normal, mean: 100, stddev: 100} sent prompts of mean 108.8 and
// stddev 87.0 (4,000 requests against the mock), and {dist: lognormal,
// mean: 50, stddev: 100, max: 80} outputs of mean 32.4 and stddev 27.5,
// while run.json recorded what was asked. A distribution whose clamped
// mean is more than 1% off, or its stddev more than 10%, is refused,
// saying what the draws would have.
func TestLoadRefusesClampsThatMoveTheMean(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 1, requests: 8}\nworkload:\n  prompt_tokens: "
	for _, c := range []struct{ dist, want string }{
		{"{dist: normal, mean: 100, stddev: 100}", "mean 108 and stddev 86.5, not 100 and 100"},
		{"{dist: lognormal, mean: 50, stddev: 100, max: 80}", "mean 32.4 and stddev 27.2, not 50 and 100"},
		{"{dist: normal, mean: 7680, stddev: 256, min: 6144, max: 7936}", "mean 7659 and stddev 222, not 7680 and 256"},
	} {
		_, err := Load("s.yaml", []byte(head+c.dist+"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), "s.yaml:5:18: workload.prompt_tokens: draws are clamped into") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant s.yaml:5:18: workload.prompt_tokens: draws are clamped into … %s …", c.dist, err, c.want)
		}
	}
	for _, ok := range []string{
		"{dist: normal, mean: 400, stddev: 150}",
		"{dist: normal, mean: 96, stddev: 32, min: 16, max: 256}",
		"{dist: lognormal, mean: 512, stddev: 300}",
		"{dist: normal, mean: 512, stddev: 0, min: 512, max: 512}",
	} {
		if _, err := Load("s.yaml", []byte(head+ok+"\n")); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestClampedMomentsAreTheDraws: the moments the check computes are those
// of what Sample draws (rounded and clamped), within four standard errors
// of 200,000 draws.
func TestClampedMomentsAreTheDraws(t *testing.T) {
	for _, d := range []Distribution{
		{Kind: DistNormal, Mean: 100, Stddev: 100},
		{Kind: DistNormal, Mean: 7680, Stddev: 256, Min: 6144, Max: 7936},
		{Kind: DistNormal, Mean: 5, Stddev: 3, Max: 8},
		{Kind: DistLognormal, Mean: 50, Stddev: 100, Max: 80},
		{Kind: DistLognormal, Mean: 300, Stddev: 200, Min: 200, Max: 600},
	} {
		mean, sd := d.clampedMoments()
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 200000
		xs := make([]float64, n)
		var m float64
		for i := range xs {
			xs[i] = float64(d.Sample(rng))
			m += xs[i] / n
		}
		var v, m4 float64
		for _, x := range xs {
			v += (x - m) * (x - m) / n
			m4 += math.Pow(x-m, 4) / n
		}
		seMean := math.Sqrt(v / n)
		seSD := math.Sqrt((m4-v*v)/n) / (2 * math.Sqrt(v))
		if math.Abs(m-mean) > 4*seMean+0.01 || math.Abs(math.Sqrt(v)-sd) > 4*seSD+0.01 {
			t.Errorf("%v: computed mean %.3f stddev %.3f; drawn %.3f ± %.3f and %.3f ± %.3f", d, mean, sd, m, seMean, math.Sqrt(v), seSD)
		}
	}
}
