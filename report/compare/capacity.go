package compare

import (
	"cmp"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/inferbench/inferbench/report"
)

// A CapacityLevel is one level of a run that its capacity is chosen among:
// the load level and its sample.
type CapacityLevel struct {
	Level  float64
	Sample *LevelSample
}

// A LevelShare is how often one level was a run's capacity over the
// resamples in which the run had one.
type LevelShare struct {
	Level float64 `json:"level"`
	Share float64 `json:"share"`
}

// A CapacityRatio is a candidate's priced level at an SLO over a
// baseline's, in output tokens/s: each run's capacity (the level that met
// the SLO with the best output throughput, report.Summary.Capacity), else
// its highest-throughput level (report.PricedLevel, the one rule the
// report prices by). Its interval holds the doubt over which level is each
// run's priced one, which a ratio at fixed levels (Ratios) does not: a
// level that met the SLO by a hair fails it in some resamples, and a
// neighbour that missed it passes; a run that met the SLO at no level may
// meet it at one in some resamples, and one that met it may meet it at
// none.
//
// Each resample redraws every level's requests, judges every level by the
// SLO again and prices each run by the same rule, on both runs at once;
// that says which pairs of levels (baseline's, candidate's) a rerun may
// well compare, and how often. The interval is the union of the fixed-level
// intervals (Ratios) of the pairs chosen together in at least
// MinPairShare of the resamples, the pair of the samples themselves
// always among them. Not the percentiles of the resampled capacity
// ratio: a capacity is a best of levels, and the best of resampled levels
// is biased up against the best of the sample's (a plateau of equal
// levels read a true ratio of 1 as significant in 28 % of trials against
// 14.5 % at fixed levels); each fixed-level interval is unbiased, and
// their union errs wide.
type CapacityRatio struct {
	// Ratio is output tokens/s of the candidate's capacity over the
	// baseline's, with the union interval; P is the largest of the pairs'
	// p-values, and PAt too (significant only when every pair's interval
	// excludes 1 on the same side, as the union does); Paired when every
	// pair in it was resampled in pairs.
	Ratio
	// BaselineLevel and CandidateLevel are the priced levels of the
	// samples themselves; BaselineMet and CandidateMet say each is a
	// capacity (the run met the SLO at some level), not its
	// highest-throughput level.
	BaselineLevel, CandidateLevel float64
	BaselineMet, CandidateMet     bool
	// BaselineShares and CandidateShares say how often each level was the
	// run's capacity over all the resamples, most often first;
	// BaselineNone and CandidateNone how often the run had no level
	// meeting the SLO (the shares and none sum to 1).
	BaselineShares, CandidateShares []LevelShare
	BaselineNone, CandidateNone     float64
	// Pairs are the pairs of priced levels whose intervals the union took.
	Pairs []LevelPair
}

// A LevelPair is a baseline level and a candidate level priced together
// in Share of the resamples.
type LevelPair struct {
	Baseline  float64 `json:"baseline_level"`
	Candidate float64 `json:"candidate_level"`
	Share     float64 `json:"share"`
}

// MinPairShare is the share of resamples in which a pair of levels must be
// chosen together for its interval to join a CapacityRatio's union;
// maxPairs bounds the pairs joined, most often chosen first.
const (
	MinPairShare = 0.05
	maxPairs     = 6
)

// CapacityRatios compares the priced levels at slo (capacity, else highest
// throughput) of runs base and cand, each given as the levels it ran
// (resamples replicates seeded by seed and key; a level of cand that ran
// the same request list as base's level of the same load is resampled with
// it in pairs). A run whose samples meet the SLO at no level is compared at
// its highest-throughput level, and at its capacity in the resamples that
// find one. ok is false when slo is unset, when a run's samples have no
// level with output throughput, when the SLO bounds ITL and a level's
// sample holds no ITL values (Collector.WithoutITL: the levels could not
// be judged as the summary judged them), or when a fixed level's ratio is
// undefined (Ratios).
func CapacityRatios(base, cand []CapacityLevel, slo report.SLO, alpha float64, resamples int, seed uint64, key string) (r CapacityRatio, ok bool) {
	if slo.IsZero() || len(base) == 0 || len(cand) == 0 || resamples < 1 {
		return r, false
	}
	judge := newCapacityJudge(slo)
	levels := append(slices.Clone(base), cand...)
	nl, nb := len(levels), len(base)
	ss := make([]*LevelSample, nl)
	st0 := make([]*sideStats, nl)
	for i, l := range levels {
		if slo.ITL > 0 && l.Sample.noITL {
			return r, false // kept without ITL values: not judged as the summary judged it
		}
		ss[i], st0[i] = l.Sample, newSideStats(judge.ms)
		l.Sample.stats(nil, st0[i])
	}
	tps0 := make([]float64, nl)
	for i := range st0 {
		tps0[i] = st0[i].rates[rateOutputTPS]
	}
	priceB, priceC := newPricer(base), newPricer(cand)
	capB0, capC0 := judge.capacity(st0[:nb]), judge.capacity(st0[nb:])
	ib, ic := priceB.price(tps0[:nb], capB0), priceC.price(tps0[nb:], capC0)
	if ib < 0 || ic < 0 {
		return r, false
	}
	var links []link
	for j, c := range cand {
		for i, b := range base {
			if b.Level == c.Level {
				if pairs := pairing(b.Sample, c.Sample); pairs != nil {
					links = append(links, link{from: i, to: nb + j, pairs: pairs})
				}
				break
			}
		}
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	// capB and capC are each run's capacity in each resample (−1 for
	// none), atB and atC its priced level.
	capB, capC := make([]int, resamples), make([]int, resamples)
	atB, atC := make([]int, resamples), make([]int, resamples)
	// Each level's output tok/s in each resample: a pair's ratio
	// replicates are read from them, not drawn again.
	tps := make([]float64, resamples*nl)
	eachResample(ss, st0, judge.ms, links, resamples, rand.New(rand.NewPCG(seed, h.Sum64())), func(k int, st []*sideStats) {
		for i := range st {
			tps[k*nl+i] = st[i].rates[rateOutputTPS]
		}
		capB[k], capC[k] = judge.capacity(st[:nb]), judge.capacity(st[nb:])
	})
	// Priced here, not in the callback: it runs on several goroutines,
	// and a pricer is one run's scratch summary.
	for k := range resamples {
		row := tps[k*nl : (k+1)*nl]
		atB[k], atC[k] = priceB.price(row[:nb], capB[k]), priceC.price(row[nb:], capC[k])
	}
	r.BaselineLevel, r.CandidateLevel = base[ib].Level, cand[ic].Level
	r.BaselineMet, r.CandidateMet = capB0 >= 0, capC0 >= 0
	r.BaselineShares, r.BaselineNone = shares(capB, base)
	r.CandidateShares, r.CandidateNone = shares(capC, cand)
	var parts []Ratio
	for _, pc := range chosenPairs(atB, atC, ib, ic) {
		i, j := pc.pair[0], nb+pc.pair[1]
		reps := make([]float64, resamples)
		for k := range reps {
			reps[k] = tps[k*nl+j] / tps[k*nl+i]
		}
		paired := slices.ContainsFunc(links, func(l link) bool { return l.from == i && l.to == j })
		x, ok := ratioOf(OutputTokensPerS(), st0[i].rates[rateOutputTPS], st0[j].rates[rateOutputTPS], reps, alpha, paired)
		if !ok {
			return CapacityRatio{}, false
		}
		parts = append(parts, x)
		r.Pairs = append(r.Pairs, LevelPair{Baseline: levels[i].Level, Candidate: levels[j].Level, Share: float64(pc.n) / float64(resamples)})
	}
	r.Ratio = parts[0] // the samples' own pair
	r.Paired = !slices.ContainsFunc(parts, func(x Ratio) bool { return !x.Paired })
	r.parts = parts
	for _, x := range parts[1:] {
		r.Low, r.High = min(r.Low, x.Low), max(r.High, x.High)
	}
	r.P = r.PAt(1)
	return r, true
}

// chosenPair is a pair of levels (index into the baseline's, into the
// candidate's) and the resamples that chose it together.
type chosenPair struct {
	pair [2]int
	n    int
}

// chosenPairs lists the pairs of levels chosen together in at least
// MinPairShare of the resamples (at most maxPairs, most often first),
// after (ib, ic), the samples' own, which is always first.
func chosenPairs(atB, atC []int, ib, ic int) []chosenPair {
	count := map[[2]int]int{}
	for k := range atB {
		if atB[k] >= 0 && atC[k] >= 0 {
			count[[2]int{atB[k], atC[k]}]++
		}
	}
	var often []chosenPair
	for pr, n := range count {
		if pr != [2]int{ib, ic} && float64(n) >= MinPairShare*float64(len(atB)) {
			often = append(often, chosenPair{pr, n})
		}
	}
	slices.SortFunc(often, func(a, b chosenPair) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.pair[0], b.pair[0]), cmp.Compare(a.pair[1], b.pair[1]))
	})
	own := [2]int{ib, ic}
	return append([]chosenPair{{own, count[own]}}, often[:min(len(often), maxPairs-1)]...)
}

// shares counts how often each level was the capacity (at, an index into
// levels per resample, −1 for none) over all the resamples, most often
// first, and how often none was.
func shares(at []int, levels []CapacityLevel) (out []LevelShare, none float64) {
	n := make([]int, len(levels))
	var no int
	for _, i := range at {
		if i >= 0 {
			n[i]++
		} else {
			no++
		}
	}
	for i, c := range n {
		if c > 0 {
			out = append(out, LevelShare{Level: levels[i].Level, Share: float64(c) / float64(len(at))})
		}
	}
	slices.SortStableFunc(out, func(a, b LevelShare) int { return cmp.Compare(b.Share, a.Share) })
	return out, float64(no) / float64(len(at))
}

// pricer prices a run's levels, in a sample or a resample, by the one rule
// the report prices runs by (report.PricedLevel: the capacity at the SLO,
// else the level with the highest output throughput), on the summary it
// keeps of the run: each level's load and output tokens/s, which is all
// the rule reads of a level, and the capacity's level.
type pricer struct {
	sum report.Summary
	cap report.Capacity
}

// newPricer returns the pricer of a run of levels.
func newPricer(levels []CapacityLevel) *pricer {
	p := &pricer{sum: report.Summary{Levels: make([]report.Level, len(levels))}}
	for i, l := range levels {
		p.sum.Levels[i].Level = l.Level
	}
	return p
}

// price returns the index of the priced level, given each level's output
// tokens/s (tps, in order) and the index of the level that met the SLO
// with the best (capacityJudge.capacity, −1 for none); −1 when no level
// served a token.
func (p *pricer) price(tps []float64, capacity int) int {
	p.sum.Capacity = nil
	if capacity >= 0 {
		p.cap.Level = p.sum.Levels[capacity].Level
		p.sum.Capacity = &p.cap
	}
	for i := range p.sum.Levels {
		p.sum.Levels[i].OutputTokensPerS = tps[i]
	}
	pl, ok := report.PricedLevel(&p.sum)
	if !ok {
		return -1
	}
	for i := range p.sum.Levels {
		if p.sum.Levels[i].Level == pl.Level.Level {
			return i
		}
	}
	return -1
}

// capacityJudge judges a run's levels by one SLO, on their (re)samples'
// stats, as the summary judges its levels (report.MeetsSLO).
type capacityJudge struct {
	slo report.SLO
	// ms are the metrics the judging needs: each latency the SLO bounds
	// at the percentile it is judged at, and output tokens/s.
	ms []Metric
	// fields are the latencies the SLO bounds, with ms's index.
	fields []judgedField
}

// judgedField is a latency an SLO bounds: its field and its metric's index
// in capacityJudge.ms.
type judgedField struct {
	f field
	m int
}

// newCapacityJudge returns the judge of slo.
func newCapacityJudge(slo report.SLO) *capacityJudge {
	j := &capacityJudge{slo: slo, ms: []Metric{OutputTokensPerS()}}
	p := report.ReportedPercentile(cmp.Or(slo.Percentile, report.DefaultSLOPercentile))
	for _, x := range []struct {
		name  string
		f     field
		limit bool
	}{{"ttft", fieldTTFT, slo.TTFT > 0}, {"tpot", fieldTPOT, slo.TPOT > 0}, {"e2e", fieldE2E, slo.E2E > 0}, {"itl", fieldITL, slo.ITL > 0}} {
		if m, ok := PercentileMetric(x.name, p); ok && x.limit {
			j.fields = append(j.fields, judgedField{f: x.f, m: len(j.ms)})
			j.ms = append(j.ms, m)
		}
	}
	return j
}

// capacity returns the index in st (each level's stats, in order) of the
// level that met the SLO with the best output throughput (report's
// capacity rule: the first of equals), −1 when none met it.
func (j *capacityJudge) capacity(st []*sideStats) int {
	at := -1
	for i := range st {
		if v := st[i].rates[rateOutputTPS]; (at < 0 || v > st[at].rates[rateOutputTPS]) && j.meets(st[i]) {
			at = i
		}
	}
	return at
}

// meets reports whether stats st met the SLO, by the summary's one rule
// (report.SLO.JudgeLevel) on st's figures: its request counts and each
// bounded latency at the judged percentile (NaN where no request defines
// it).
func (j *capacityJudge) meets(st *sideStats) bool {
	f := report.SLOFigures{Requests: report.Requests{Total: int(st.total), OK: int(st.ok), Failed: int(st.failed)},
		TTFT: math.NaN(), TPOT: math.NaN(), E2E: math.NaN(), ITL: math.NaN()}
	for _, x := range j.fields {
		v := st.value(j.ms[x.m])
		switch x.f {
		case fieldTTFT:
			f.TTFT = v
		case fieldTPOT:
			f.TPOT = v
		case fieldE2E:
			f.E2E = v
		case fieldITL:
			f.ITL = v
		}
	}
	return j.slo.JudgeLevel(f, nil)
}
