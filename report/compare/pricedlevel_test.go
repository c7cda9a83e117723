package compare

import (
	"math"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// budgetLevel is a level of 40 requests, sent gapMS apart, whose only
// doubt under a loose latency bound is its error budget: the first failed
// of them fail (HTTP 503), the others take 10 ms to a first token and 5
// output tokens.
func budgetLevel(firstID uint64, failed int, gapMS int64) *LevelSample {
	c := NewCollector(report.SLO{})
	for i := range 40 {
		sent := int64(i) * gapMS * 1e6
		rec := &rundir.Record{ID: firstID + uint64(i), Stage: rundir.StageMeasure, Level: 1, ScheduledNS: sent, SentNS: sent,
			FirstTokenNS: sent + 10e6, EndNS: sent + 50e6, DoneNS: sent + 50e6, OK: i >= failed, InputTokens: 10, OutputTokens: 5}
		if !rec.OK {
			rec.ErrorClass, rec.Status = rundir.HTTP5xx, 503
		} else {
			for k := range int64(5) {
				rec.Chunks = append(rec.Chunks, [2]int64{sent + (1+k)*10e6, 1})
			}
		}
		c.Add(rec)
	}
	return c.Levels(&report.Summary{})[1]
}

// outputTPS is a sample's own output tokens/s.
func outputTPS(s *LevelSample) float64 {
	st := newSideStats([]Metric{OutputTokensPerS()})
	s.stats(nil, st)
	return st.rates[rateOutputTPS]
}

// binomialAtMost is P(X ≤ k) for X ~ Binomial(n, p).
func binomialAtMost(n, k int, p float64) float64 {
	sum, term := 0.0, math.Pow(1-p, float64(n)) // P(X = 0)
	for x := 0; x <= k; x++ {
		sum += term
		term *= float64(n-x) / float64(x+1) * p / (1 - p)
	}
	return sum
}

// TestCapacityRatioOfARunThatMissedByAHair: the baseline met the SLO at no
// level on its requests (level 4 has 2 of 40 failed against a 1 % budget,
// level 8, its highest throughput, 12), so it is priced at level 8. But
// level 4 meets the SLO in every resample that draws neither failed
// request, (38/40)^40 = 12.85 % of them, and is then its capacity: a
// rerun may well price it there, at a third less throughput. The ratio
// came back not at all (ok false: the report compared level 8 as fixed,
// with a tight interval); it must be the ratio over level 8 with an
// interval reaching the ratio over level 4, and say how often the
// baseline had no capacity.
func TestCapacityRatioOfARunThatMissedByAHair(t *testing.T) {
	slo := report.SLO{Percentile: 95, TTFT: time.Second}
	four, eight := budgetLevel(0, 2, 100), budgetLevel(100, 12, 50)
	cand := budgetLevel(1000, 0, 40)
	base := []CapacityLevel{{Level: 4, Sample: four}, {Level: 8, Sample: eight}}
	fourTPS, eightTPS, candTPS := outputTPS(four), outputTPS(eight), outputTPS(cand)
	if !(eightTPS > 1.2*fourTPS) {
		t.Fatalf("fixture: level 8 %g tok/s, level 4 %g; want level 8 the highest throughput by far", eightTPS, fourTPS)
	}
	const n = 4000
	r, ok := CapacityRatios(base, []CapacityLevel{{Level: 4, Sample: cand}}, slo, 0.05, n, 1, "capacity")
	if !ok {
		t.Fatal("no ratio for a run that met the SLO at no level")
	}
	if r.BaselineLevel != 8 || r.CandidateLevel != 4 || r.Baseline != eightTPS || r.Candidate != candTPS {
		t.Errorf("point: levels %g/%g, %g/%g tok/s; want 8/4, %g/%g", r.BaselineLevel, r.CandidateLevel, r.Baseline, r.Candidate, eightTPS, candTPS)
	}
	met := math.Pow(38.0/40, 40)
	se := math.Sqrt(met * (1 - met) / n)
	t.Logf("baseline met the SLO in %.4f of %d resamples; (38/40)^40 = %.4f", 1-r.BaselineNone, n, met)
	if math.Abs(1-r.BaselineNone-met) > 3*se || len(r.BaselineShares) != 1 || r.BaselineShares[0].Level != 4 || r.CandidateNone != 0 {
		t.Errorf("baseline none %.4f, shares %+v, candidate none %g; want none %.4f ± %.4f, level 4 the rest, candidate never none",
			r.BaselineNone, r.BaselineShares, r.CandidateNone, 1-met, 3*se)
	}
	if len(r.Pairs) != 2 || r.Pairs[0].Baseline != 8 || r.Pairs[1].Baseline != 4 || math.Abs(r.Pairs[1].Share-met) > 3*se {
		t.Errorf("pairs %+v; want 8 vs 4 (the samples' own) and 4 vs 4 in %.4f", r.Pairs, met)
	}
	overEight, overFour := candTPS/eightTPS, candTPS/fourTPS
	if !(r.Low <= overEight && r.High >= overFour) {
		t.Errorf("interval [%.3f, %.3f]; want it to reach %.3f (over level 8, priced) and %.3f (over level 4, priced when it meets the SLO)",
			r.Low, r.High, overEight, overFour)
	}
	fixed := Ratios(eight, cand, []Metric{OutputTokensPerS()}, 0.05, n, 1, "capacity")
	if len(fixed) != 1 || fixed[0].High >= overFour {
		t.Errorf("fixed-level ratio %+v; want an interval short of %.3f (the test shows nothing otherwise)", fixed, overFour)
	}
}

// TestCapacityRatioOfARunThatMissedByFar: with 12 and 14 of 40 failed, the
// baseline meets the SLO in no resample ((28/40)^40 ≈ 6e-7): it is priced
// at its highest-throughput level in every one, and the interval is that
// one pair's.
func TestCapacityRatioOfARunThatMissedByFar(t *testing.T) {
	slo := report.SLO{Percentile: 95, TTFT: time.Second}
	base := []CapacityLevel{{Level: 4, Sample: budgetLevel(0, 12, 100)}, {Level: 8, Sample: budgetLevel(100, 14, 50)}}
	cand := []CapacityLevel{{Level: 4, Sample: budgetLevel(1000, 0, 40)}}
	r, ok := CapacityRatios(base, cand, slo, 0.05, 2000, 1, "capacity")
	if !ok || r.BaselineLevel != 8 || r.BaselineNone != 1 || len(r.BaselineShares) != 0 {
		t.Fatalf("ok %v, level %g, none %g, shares %+v; want level 8, never a capacity", ok, r.BaselineLevel, r.BaselineNone, r.BaselineShares)
	}
	if len(r.Pairs) != 1 || r.Pairs[0] != (LevelPair{Baseline: 8, Candidate: 4, Share: 1}) || len(r.parts) != 1 || r.Low != r.parts[0].Low || r.High != r.parts[0].High {
		t.Errorf("pairs %+v, interval [%g, %g]; want 8 vs 4 alone and its interval", r.Pairs, r.Low, r.High)
	}
}

// TestCapacityRatioPricesTheFallbackInResamples: the baseline's capacity
// is level 4 (2 of 40 failed, a 5 % budget), and level 8, its highest
// throughput, fails the budget always (12 failed). A resample drawing
// more than 2 failed requests of level 4 has no capacity, in 1 − P(X ≤ 2)
// for X ~ Binomial(40, 1/20) of them (32.3 %), and prices level 8 then:
// that pair joins the union, as the report would price a rerun so.
func TestCapacityRatioPricesTheFallbackInResamples(t *testing.T) {
	budget := 0.05
	slo := report.SLO{Percentile: 95, TTFT: time.Second, MaxErrorRate: &budget}
	four, eight := budgetLevel(0, 2, 100), budgetLevel(100, 12, 50)
	cand := budgetLevel(1000, 0, 40)
	const n = 4000
	r, ok := CapacityRatios([]CapacityLevel{{Level: 4, Sample: four}, {Level: 8, Sample: eight}}, []CapacityLevel{{Level: 4, Sample: cand}}, slo, 0.05, n, 1, "capacity")
	if !ok || r.BaselineLevel != 4 {
		t.Fatalf("ok %v, level %g; want level 4", ok, r.BaselineLevel)
	}
	none := 1 - binomialAtMost(40, 2, 1.0/20)
	se := math.Sqrt(none * (1 - none) / n)
	t.Logf("baseline had no capacity in %.4f of %d resamples; 1 − P(Binomial(40, 1/20) ≤ 2) = %.4f", r.BaselineNone, n, none)
	if math.Abs(r.BaselineNone-none) > 3*se {
		t.Errorf("baseline none %.4f; want %.4f ± %.4f", r.BaselineNone, none, 3*se)
	}
	if len(r.Pairs) != 2 || r.Pairs[0].Baseline != 4 || r.Pairs[1].Baseline != 8 || math.Abs(r.Pairs[1].Share-none) > 3*se {
		t.Errorf("pairs %+v; want 4 vs 4 (the samples' own) and the fallback 8 vs 4 in %.4f", r.Pairs, none)
	}
	if over := outputTPS(cand) / outputTPS(eight); !(r.Low <= over) {
		t.Errorf("interval [%.3f, %.3f]; want it to reach %.3f (over level 8, priced when level 4 fails)", r.Low, r.High, over)
	}
}
