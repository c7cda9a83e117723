package compare

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// p95Of is the type-7 95th percentile of vs, as a summary computes it.
func p95Of(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	return report.Quantile7(s, 95)
}

// TestCapacityRatioHoldsTheLevelChoice: the baseline's best level meets a
// TTFT p95 SLO by a hair (its own p95 is 0.1 % under the bound), so about
// half the resamples fail it and take the level below, with less
// throughput. The capacity interval must reach both the ratio over the
// hair's level and over the level below; the ratio at fixed levels
// (Ratios, the hair's level) misses the second, which is the doubt this
// bootstrap exists to hold.
func TestCapacityRatioHoldsTheLevelChoice(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	low := sampleFrom(0, lognormal(rng, 300, 50), 1.0)
	hairTTFT := lognormal(rng, 300, 100)
	hair := sampleFrom(1000, hairTTFT, 0.2)
	cand := sampleFrom(5000, lognormal(rng, 300, 20), 1.0)
	slo := report.SLO{Percentile: 95, TTFT: time.Duration(p95Of(hairTTFT) * 1.001 * float64(time.Millisecond))}
	base := []CapacityLevel{{Level: 8, Sample: low}, {Level: 16, Sample: hair}}
	r, ok := CapacityRatios(base, []CapacityLevel{{Level: 8, Sample: cand}}, slo, 0.05, 2000, 1, "capacity")
	if !ok {
		t.Fatal("no capacity ratio")
	}
	tps := func(s *LevelSample) float64 {
		st := newSideStats([]Metric{OutputTokensPerS()})
		s.stats(nil, st)
		return st.rates[rateOutputTPS]
	}
	lowTPS, hairTPS, candTPS := tps(low), tps(hair), tps(cand)
	if !(hairTPS > 1.5*lowTPS) {
		t.Fatalf("fixture: hair level %g tok/s, level below %g; want the hair's well above", hairTPS, lowTPS)
	}
	if r.BaselineLevel != 16 || r.CandidateLevel != 8 || r.Baseline != hairTPS || r.Candidate != candTPS {
		t.Errorf("point: levels %g/%g, %g/%g tok/s; want 16/8, %g/%g", r.BaselineLevel, r.CandidateLevel, r.Baseline, r.Candidate, hairTPS, candTPS)
	}
	overHair, overLow := candTPS/hairTPS, candTPS/lowTPS
	if !(r.Low <= overHair*1.02 && r.High >= overLow*0.98) {
		t.Errorf("capacity interval [%.3f, %.3f]; want it to reach %.3f (over the hair's level) and %.3f (over the level below)", r.Low, r.High, overHair, overLow)
	}
	if len(r.BaselineShares) != 2 || r.BaselineShares[0].Share > 0.8 || r.BaselineShares[1].Share < 0.2 {
		t.Errorf("baseline shares %+v; want both levels, neither under a fifth", r.BaselineShares)
	}
	if len(r.CandidateShares) != 1 || r.CandidateShares[0] != (LevelShare{Level: 8, Share: 1}) || r.BaselineNone != 0 || r.CandidateNone != 0 || r.Paired {
		t.Errorf("candidate shares %+v, none %g/%g, paired %v; want level 8 always, never none, unpaired", r.CandidateShares, r.BaselineNone, r.CandidateNone, r.Paired)
	}
	if len(r.Pairs) != 2 || r.Pairs[0].Baseline != 16 || r.Pairs[1].Baseline != 8 {
		t.Errorf("pairs %+v; want the samples' own (16 vs 8) and 8 vs 8", r.Pairs)
	}
	fixed := Ratios(hair, cand, []Metric{OutputTokensPerS()}, 0.05, 2000, 1, "capacity")
	if len(fixed) != 1 || fixed[0].High >= overLow*0.98 {
		t.Errorf("fixed-level ratio %+v; want an interval short of %.3f (the test shows nothing otherwise)", fixed, overLow)
	}
}

// TestCapacityRatioOfOneRunWithItself: a run against itself, its levels
// paired, reads 1 in every resample: the same requests are drawn on both
// sides, so the same level is the capacity with the same throughput.
// Unpaired (other request IDs), the same requests read a spread.
func TestCapacityRatioOfOneRunWithItself(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := lognormal(rng, 200, 40), lognormal(rng, 200, 90)
	slo := report.SLO{Percentile: 95, TTFT: time.Duration(p95Of(b) * float64(time.Millisecond))}
	runOf := func(first uint64) []CapacityLevel {
		return []CapacityLevel{{Level: 4, Sample: sampleFrom(first, a, 1)}, {Level: 8, Sample: sampleFrom(first+1000, b, 0.5)}}
	}
	r, ok := CapacityRatios(runOf(0), runOf(0), slo, 0.05, 1000, 1, "capacity")
	if !ok || !r.Paired || r.Ratio.Ratio != 1 || r.Low != 1 || r.High != 1 {
		t.Errorf("paired: %+v (ok %v); want ratio 1 in [1, 1], paired", r, ok)
	}
	r, ok = CapacityRatios(runOf(0), runOf(10000), slo, 0.05, 1000, 1, "capacity")
	if !ok || r.Paired || r.Ratio.Ratio != 1 || !(r.Low < 0.99 && r.High > 1.01) {
		t.Errorf("unpaired: %+v (ok %v); want ratio 1 with a spread, unpaired", r, ok)
	}
}

// TestCapacityRatioPointIsTheSummary's: on a run's records, the capacity
// of the samples themselves is the summary's (level and output tokens/s),
// judged by the same rule (report.MeetsSLO), failures and all.
func TestCapacityRatioPointIsTheSummarys(t *testing.T) {
	s := base()
	s.levels, s.failEvery, s.sloMS = []float64{2, 4, 8}, 200, 70
	r := load(t, s)
	c := r.Summary.Capacity
	if c == nil {
		t.Fatalf("fixture: no capacity; levels %+v", r.Summary.Levels)
	}
	var levels []CapacityLevel
	for _, l := range r.Summary.Levels {
		levels = append(levels, CapacityLevel{Level: l.Level, Sample: r.levels[l.Level]})
	}
	got, ok := CapacityRatios(levels, levels, r.SLO, 0.05, 200, 1, "capacity")
	if !ok || got.BaselineLevel != c.Level || !got.BaselineMet || !near(got.Baseline, c.OutputTokensPerS, 1e-9*c.OutputTokensPerS) {
		t.Errorf("capacity level %g, %g tok/s, met %v (ok %v); summary says level %g, %g", got.BaselineLevel, got.Baseline, got.BaselineMet, ok, c.Level, c.OutputTokensPerS)
	}
	// A budget the failures break: no level meets the SLO, and the run is
	// priced at its highest-throughput level, as the report prices it
	// (report.PricedLevel of a summary without a capacity).
	zero := 0.0
	slo := r.SLO
	slo.MaxErrorRate = &zero
	for _, l := range r.Summary.Levels {
		if ok, _ := report.MeetsSLO(&l, slo); ok {
			t.Fatalf("fixture: level %g meets a zero error budget", l.Level)
		}
	}
	none := *r.Summary
	none.Capacity = nil
	p, _ := report.PricedLevel(&none)
	got, ok = CapacityRatios(levels, levels, slo, 0.05, 200, 1, "capacity")
	if !ok || got.BaselineLevel != p.Level.Level || got.BaselineMet || !near(got.Baseline, p.Level.OutputTokensPerS, 1e-9*p.Level.OutputTokensPerS) {
		t.Errorf("no level met the SLO: level %g, %g tok/s, met %v (ok %v); want the highest-throughput level %g, %g, not met",
			got.BaselineLevel, got.Baseline, got.BaselineMet, ok, p.Level.Level, p.Level.OutputTokensPerS)
	}
}

// TestCapacityRatioOfAPlateau: the baseline's six levels are one server's
// (the same TTFTs and throughput, drawn apart), the candidate's one level
// too: the true ratio is 1. A capacity is the best of the levels that met
// the SLO, and the best of resampled levels is biased up against the best
// of the sample's: the percentiles of the resampled capacity ratio lay
// below the point and excluded 1, "candidate worse", in 28 % of such
// trials (a review's count, 200 trials). The union of fixed-level
// intervals of the pairs chosen together errs wide instead.
func TestCapacityRatioOfAPlateau(t *testing.T) {
	slo := report.SLO{Percentile: 95, TTFT: 100 * time.Second}
	const trials = 60
	excluded := 0
	for seed := range uint64(trials) {
		rng := rand.New(rand.NewPCG(seed, 99))
		var base []CapacityLevel
		for k := range 6 {
			base = append(base, CapacityLevel{Level: float64(int(8) << k), Sample: sampleFrom(uint64(k)*1000, lognormal(rng, 300, 100), 1)})
		}
		cand := []CapacityLevel{{Level: 8, Sample: sampleFrom(100000, lognormal(rng, 300, 100), 1)}}
		r, ok := CapacityRatios(base, cand, slo, 0.05, 300, 1, "capacity")
		if !ok {
			t.Fatal("no ratio")
		}
		if !(r.Low <= r.Ratio.Ratio && r.Ratio.Ratio <= r.High) {
			t.Errorf("seed %d: ratio %g outside its interval [%g, %g]", seed, r.Ratio.Ratio, r.Low, r.High)
		}
		if r.Low > 1 || r.High < 1 {
			excluded++
		}
	}
	t.Logf("the interval excluded the true ratio 1 in %d of %d trials", excluded, trials)
	if excluded > trials/10 {
		t.Errorf("the interval excluded the true ratio 1 in %d of %d trials; want at most a tenth", excluded, trials)
	}
}

// TestCapacityRatioNeedsITLToJudgeIt: under an ITL SLO, samples kept
// without their ITL values (Collector.WithoutITL, which the report used
// for every run) would judge no level by ITL, and a level failing it
// could be the capacity in a resample: no capacity ratio is made then.
func TestCapacityRatioNeedsITLToJudgeIt(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	a, b := lognormal(rng, 100, 40), lognormal(rng, 100, 50)
	slo := report.SLO{Percentile: 50, ITL: time.Second}
	with := []CapacityLevel{{Level: 4, Sample: sampleFrom(0, a, 1)}}
	without := []CapacityLevel{{Level: 4, Sample: sampleBy(NewCollector(report.SLO{}).WithoutITL(), 0, a, 1)}}
	cand := []CapacityLevel{{Level: 4, Sample: sampleFrom(500, b, 1)}}
	if _, ok := CapacityRatios(with, cand, slo, 0.05, 100, 1, "capacity"); !ok {
		t.Error("no ratio with ITL values kept")
	}
	if r, ok := CapacityRatios(without, cand, slo, 0.05, 100, 1, "capacity"); ok {
		t.Errorf("a ratio of levels judged without their ITL: %+v", r)
	}
}

// TestCapacityShareIsTheBinomialChance: a level whose only doubt is its
// error budget (2 of 40 requests failed, budget 1 %, every latency far
// under its bound) meets the SLO in exactly the resamples that draw
// neither failed request: (38/40)^40 = 0.1285 of them. Its share of the
// capacity, shown to users ("level 8 in 12.9 %"), must be that chance.
func TestCapacityShareIsTheBinomialChance(t *testing.T) {
	level := func(firstID uint64, failed int, gapMS int64) *LevelSample {
		c := NewCollector(report.SLO{})
		var t0 int64
		for i := range 40 {
			rec := &rundir.Record{ID: firstID + uint64(i), Stage: rundir.StageMeasure, Level: 1, ScheduledNS: t0, SentNS: t0,
				FirstTokenNS: t0 + 10e6, EndNS: t0 + 50e6, DoneNS: t0 + 50e6, OK: i >= failed, OutputTokens: 5, InputTokens: 10}
			if rec.OK {
				for k := range int64(5) {
					rec.Chunks = append(rec.Chunks, [2]int64{t0 + 10e6 + k*10e6, 1})
				}
			} else {
				rec.ErrorClass, rec.Status = rundir.HTTP5xx, 503
			}
			c.Add(rec)
			t0 += gapMS * 1e6
		}
		return c.Levels(&report.Summary{})[1]
	}
	slo := report.SLO{Percentile: 95, TTFT: time.Second}
	base := []CapacityLevel{{Level: 4, Sample: level(0, 0, 100)}, {Level: 8, Sample: level(100, 2, 50)}}
	cand := []CapacityLevel{{Level: 4, Sample: level(1000, 0, 30)}}
	const n = 4000
	r, ok := CapacityRatios(base, cand, slo, 0.05, n, 1, "capacity")
	if !ok {
		t.Fatal("no ratio")
	}
	want := math.Pow(38.0/40, 40)
	se := math.Sqrt(want * (1 - want) / n)
	var got float64
	for _, s := range r.BaselineShares {
		if s.Level == 8 {
			got = s.Share
		}
	}
	t.Logf("level 8 is the capacity in %.4f of %d resamples; (38/40)^40 = %.4f", got, n, want)
	if r.BaselineLevel != 4 || math.Abs(got-want) > 3*se || r.BaselineNone != 0 {
		t.Errorf("capacity level %g; level 8's share %.4f, none %g; want level 4, %.4f ± %.4f, none 0", r.BaselineLevel, got, r.BaselineNone, want, 3*se)
	}
	if len(r.Pairs) != 2 || math.Abs(r.Pairs[1].Share-want) > 3*se {
		t.Errorf("pairs %+v; want the 8-vs-4 pair at %.4f", r.Pairs, want)
	}
}

// BenchmarkCapacityRatios: six levels a run of 1,000 requests each, 2,000
// resamples, the capacity at a level that meets the SLO by a hair so that
// several pairs of levels join the union.
func BenchmarkCapacityRatios(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 9))
	run := func(first uint64) []CapacityLevel {
		var out []CapacityLevel
		for k := range 6 {
			out = append(out, CapacityLevel{Level: float64(int(2) << k),
				Sample: sampleFrom(first+uint64(k)*10000, lognormal(rng, 1000, 50*float64(k+1)), 1/float64(k+1))})
		}
		return out
	}
	base, cand := run(0), run(1000000)
	slo := report.SLO{Percentile: 95, TTFT: 250 * time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := CapacityRatios(base, cand, slo, 0.05, 2000, 1, "capacity"); !ok {
			b.Fatal("no ratio")
		}
	}
}
