package compare

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSessionsResampledWhole: the turns of one conversation are not
// independent (its context, its user's lengths, the cache it warms), so a
// resample draws whole sessions. Here each session's TTFTs share a factor
// of its own (lognormal, σ 0.3) and vary by ±5 % turn to turn, and two runs
// of other seeds are the same server: the interval of later turns' TTFT
// p50 (a gated metric) must hold the true ratio 1 for about 95 % of such
// pairs. Drawn turn by turn, it took 180 later turns of 60 sessions for
// 180 independent values and was too narrow by about √3.
func TestSessionsResampledWhole(t *testing.T) {
	m, ok := LookupMetric("ttft_later_p50")
	if !ok {
		t.Fatal("no metric ttft_later_p50")
	}
	run := func(seed uint64) *Run {
		factor := map[int]float64{}
		return sessionRun{seed: seed, levels: []float64{8}, sessions: 60, turns: 4, ttft: func(rng *rand.Rand, j, turn int) float64 {
			f, ok := factor[j]
			if !ok {
				f = math.Exp(0.3 * rng.NormFloat64())
				factor[j] = f
			}
			v := 80.0
			if turn == 1 {
				v = 400
			}
			return v * f * (1 + 0.05*(2*rng.Float64()-1))
		}}.load(t)
	}
	const pairs = 40
	covered := 0
	for k := range uint64(pairs) {
		a, b := run(2*k+1), run(2*k+2)
		if a.levels[8].nClusters != 60 {
			t.Fatalf("%d sessions taken; want 60", a.levels[8].nClusters)
		}
		rs := Ratios(a.levels[8], b.levels[8], []Metric{m}, 0.05, 400, 1, "s")
		if len(rs) != 1 {
			t.Fatalf("pair %d: no ratio", k)
		}
		if rs[0].Low <= 1 && 1 <= rs[0].High {
			covered++
		}
	}
	t.Logf("the interval held the true ratio 1 in %d of %d pairs", covered, pairs)
	if covered < 34 {
		t.Errorf("the interval held the true ratio 1 in %d of %d pairs; want about 95 %% (at least 34)", covered, pairs)
	}
}

// TestWholeSessionsSaid: compare's method line says a level of sessions was
// resampled by whole sessions (a second outside QA pass could not tell it
// from the output).
func TestWholeSessionsSaid(t *testing.T) {
	s := sessionRun{seed: 1, levels: []float64{8}, sessions: 20, turns: 3, ttft: noisy(400, 80, 0.1)}
	b := s.load(t)
	s.seed = 2
	res, err := Compare(RunBaseline(b), s.load(t), Options{Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !res.WholeSessions || !strings.Contains(res.methods(), "resampled by whole sessions") {
		t.Errorf("whole sessions %v, methods %q", res.WholeSessions, res.methods())
	}
}
