package compare

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// sampleOf builds a level's sample from successful requests with the
// given TTFTs (ms): each request sent at 0 of its own slot, its first token
// at ttft, 64 output tokens over ten times its TTFT, back to back on one
// worker so the window is the summed request time scaled by windowScale.
func sampleOf(ttfts []float64, windowScale float64) *LevelSample {
	return sampleFrom(0, ttfts, windowScale)
}

// sampleFrom is sampleOf with the requests' IDs from firstID: two samples
// of other IDs did not send the same requests, and are not paired.
func sampleFrom(firstID uint64, ttfts []float64, windowScale float64) *LevelSample {
	return sampleBy(NewCollector(report.SLO{}), firstID, ttfts, windowScale)
}

// sampleBy is sampleFrom's sample as collector c takes it.
func sampleBy(c *Collector, firstID uint64, ttfts []float64, windowScale float64) *LevelSample {
	var t0 int64
	for i, v := range ttfts {
		ttft := int64(v * 1e6)
		rec := &rundir.Record{ID: firstID + uint64(i), Stage: rundir.StageMeasure, Level: 1, ScheduledNS: t0, SentNS: t0,
			FirstTokenNS: t0 + ttft, EndNS: t0 + 10*ttft, DoneNS: t0 + 10*ttft, OK: true, OutputTokens: 64, InputTokens: 10}
		for k := range int64(64) {
			rec.Chunks = append(rec.Chunks, [2]int64{t0 + ttft + k*9*ttft/63, 1})
		}
		c.Add(rec)
		t0 += int64(float64(10*ttft) * windowScale)
	}
	return c.Levels(&report.Summary{})[1] // rates over the window: no steady state given
}

// lognormal draws n TTFTs (ms) lognormal around median.
func lognormal(rng *rand.Rand, n int, median float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = median * math.Exp(0.3*rng.NormFloat64())
	}
	return out
}

func ttftP50() Metric {
	m, _ := PercentileMetric("ttft", 50)
	return m
}

func TestRatios(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := lognormal(rng, 300, 100)
	// b is a scaled by exactly 2: the point ratio of any percentile is 2.
	b := make([]float64, len(a))
	for i := range a {
		b[i] = 2 * a[i]
	}
	// Other requests (other IDs): two independent samples.
	sa, sb := sampleOf(a, 1), sampleFrom(1000, b, 1)
	ms := []Metric{ttftP50()}
	rs := Ratios(sa, sb, ms, 0.05, 1000, 1, "x")
	if len(rs) != 1 {
		t.Fatalf("Ratios = %+v; want one", rs)
	}
	r := rs[0]
	if math.Abs(r.Ratio-2) > 1e-6 || !(r.Low < 2 && 2 < r.High) || !(r.Low > 1) || r.P > 0.002 {
		t.Errorf("b = 2a: ratio %v [%v, %v], p %v; want 2 inside a significant interval", r.Ratio, r.Low, r.High, r.P)
	}
	// Seeded: the same inputs give the same interval; another seed another.
	if again := Ratios(sa, sb, ms, 0.05, 1000, 1, "x")[0]; !reflect.DeepEqual(again, r) {
		t.Errorf("same seed: %+v then %+v", r, again)
	}
	if other := Ratios(sa, sb, ms, 0.05, 1000, 2, "x")[0]; other.Low == r.Low && other.High == r.High {
		t.Errorf("seed 2 gave the same interval as seed 1: %v %v", other.Low, other.High)
	}
	// Identical samples: ratio 1, not significant.
	if same := Ratios(sa, sa, ms, 0.05, 1000, 1, "x")[0]; same.Ratio != 1 || same.Low > 1 || same.High < 1 || same.P < 0.5 {
		t.Errorf("a against itself: ratio %v [%v, %v], p %v; want 1, not significant", same.Ratio, same.Low, same.High, same.P)
	}
}

// Calibration: two independent samples of one distribution are called
// significantly different in about 5 % of trials (the interval's nominal
// error rate), and samples 40 % apart nearly always.
func TestRatiosCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("calibration runs 200 bootstraps")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	ms := []Metric{ttftP50()}
	const trials = 100
	falsePos, truePos := 0, 0
	significant := func(r []Ratio) bool { return len(r) == 1 && (r[0].Low > 1 || r[0].High < 1) }
	for range trials {
		a, b := sampleOf(lognormal(rng, 100, 100), 1), sampleOf(lognormal(rng, 100, 100), 1)
		if significant(Ratios(a, b, ms, 0.05, 300, 9, "null")) {
			falsePos++
		}
		c := sampleOf(lognormal(rng, 100, 140), 1)
		if significant(Ratios(a, c, ms, 0.05, 300, 9, "alt")) {
			truePos++
		}
	}
	// Binomial(100, 0.05): P(X > 13) < 0.001.
	if falsePos > 13 {
		t.Errorf("same distribution called different in %d of %d trials; want about 5", falsePos, trials)
	}
	if truePos < 90 {
		t.Errorf("a 40 %% difference found in %d of %d trials; want nearly all", truePos, trials)
	}
	t.Logf("false positives %d/%d, true positives %d/%d", falsePos, trials, truePos, trials)
}

// Throughput intervals are not degenerate when every request has the same
// length: the window follows the resample's request time.
func TestThroughputRatioNotDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := sampleOf(lognormal(rng, 200, 100), 1), sampleOf(lognormal(rng, 200, 60), 1)
	rs := Ratios(a, b, []Metric{OutputTokensPerS()}, 0.05, 500, 1, "tps")
	if len(rs) != 1 {
		t.Fatal("no ratio")
	}
	r := rs[0]
	wantRatio := (float64(200*64) / b.windowS) / (float64(200*64) / a.windowS)
	if math.Abs(r.Ratio-wantRatio) > 1e-9*wantRatio {
		t.Errorf("ratio = %v; want %v (tokens/window)", r.Ratio, wantRatio)
	}
	if !(r.High-r.Low > 0.01) || !(r.Low < wantRatio && wantRatio < r.High) {
		t.Errorf("interval [%v, %v]; want a proper interval around %v", r.Low, r.High, wantRatio)
	}
}
