package compare

import (
	"cmp"
	"fmt"
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

// A CapacityRatio is a candidate's capacity at an SLO over a baseline's,
// in output tokens/s (report.Summary.Capacity: the level that met the SLO
// with the best output throughput), with an interval that holds the doubt
// over which level is each run's capacity, which a ratio at fixed levels
// (Ratios) does not: a level that met the SLO by a hair fails it in some
// resamples, and a neighbour that missed it passes.
//
// Each resample redraws every level's requests, judges every level by the
// SLO again and takes the best that met it, on both runs at once; that
// says which pairs of levels (baseline's, candidate's) a rerun may well
// compare, and how often. The interval is the union of the fixed-level
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
	// BaselineLevel and CandidateLevel are the capacities of the samples
	// themselves.
	BaselineLevel, CandidateLevel float64
	// BaselineShares and CandidateShares say how often each level was the
	// run's capacity over all the resamples, most often first;
	// BaselineNone and CandidateNone how often the run had no level
	// meeting the SLO (the shares and none sum to 1).
	BaselineShares, CandidateShares []LevelShare
	BaselineNone, CandidateNone     float64
	// Pairs are the pairs of levels whose intervals the union took.
	Pairs []LevelPair
}

// A LevelPair is a baseline level and a candidate level chosen as the
// capacities together in Share of the resamples.
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

// CapacityRatios compares the capacities at slo of runs base and cand, each
// given as the levels it ran (resamples replicates seeded by seed and key;
// a level of cand that ran the same request list as base's level of the
// same load is resampled with it in pairs). ok is false when slo is unset,
// when a run's samples have no level meeting it, when the SLO bounds ITL
// and a level's sample holds no ITL values (Collector.WithoutITL: the
// levels could not be judged as the summary judged them), or when a fixed
// level's ratio is undefined (Ratios).
func CapacityRatios(base, cand []CapacityLevel, slo report.SLO, alpha float64, resamples int, seed uint64, key string) (r CapacityRatio, ok bool) {
	if slo.IsZero() || len(base) == 0 || len(cand) == 0 || resamples < 1 {
		return r, false
	}
	judge := newCapacityJudge(slo)
	levels := append(slices.Clone(base), cand...)
	ss := make([]*LevelSample, len(levels))
	st0 := make([]*sideStats, len(levels))
	for i, l := range levels {
		if slo.ITL > 0 && l.Sample.sorted[fieldITL].len() == 0 && l.Sample.sorted[fieldTPOT].len() > 0 {
			return r, false // ITL left out, though outputs had several tokens
		}
		ss[i], st0[i] = l.Sample, newSideStats(judge.ms)
		l.Sample.stats(nil, st0[i])
	}
	nb := len(base)
	_, ib := judge.capacity(st0[:nb], base)
	_, ic := judge.capacity(st0[nb:], cand)
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
	atB, atC := make([]int, resamples), make([]int, resamples)
	eachResample(ss, st0, judge.ms, links, resamples, rand.New(rand.NewPCG(seed, h.Sum64())), func(k int, st []*sideStats) {
		_, atB[k] = judge.capacity(st[:nb], base)
		_, atC[k] = judge.capacity(st[nb:], cand)
	})
	r.BaselineLevel, r.CandidateLevel = base[ib].Level, cand[ic].Level
	r.BaselineShares, r.BaselineNone = shares(atB, base)
	r.CandidateShares, r.CandidateNone = shares(atC, cand)
	var parts []Ratio
	for _, pr := range chosenPairs(atB, atC, ib, ic) {
		rs := Ratios(base[pr[0]].Sample, cand[pr[1]].Sample, []Metric{OutputTokensPerS()}, alpha, resamples, seed,
			fmt.Sprintf("%s/%g/%g", key, base[pr[0]].Level, cand[pr[1]].Level))
		if len(rs) != 1 {
			return CapacityRatio{}, false
		}
		parts = append(parts, rs[0])
		r.Pairs = append(r.Pairs, LevelPair{Baseline: base[pr[0]].Level, Candidate: cand[pr[1]].Level, Share: pairShare(atB, atC, pr)})
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

// chosenPairs lists the pairs of levels (index into the baseline's, into
// the candidate's) chosen together in at least MinPairShare of the
// resamples (at most maxPairs, most often first), after (ib, ic), the
// samples' own, which is always first.
func chosenPairs(atB, atC []int, ib, ic int) [][2]int {
	count := map[[2]int]int{}
	for k := range atB {
		if atB[k] >= 0 && atC[k] >= 0 {
			count[[2]int{atB[k], atC[k]}]++
		}
	}
	var often [][2]int
	for pr, n := range count {
		if pr != [2]int{ib, ic} && float64(n) >= MinPairShare*float64(len(atB)) {
			often = append(often, pr)
		}
	}
	slices.SortFunc(often, func(a, b [2]int) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	return append([][2]int{{ib, ic}}, often[:min(len(often), maxPairs-1)]...)
}

// pairShare is the share of resamples that chose pair pr together.
func pairShare(atB, atC []int, pr [2]int) float64 {
	n := 0
	for k := range atB {
		if atB[k] == pr[0] && atC[k] == pr[1] {
			n++
		}
	}
	return float64(n) / float64(len(atB))
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

// capacity returns the output tokens/s of the level that met the SLO with
// the best output throughput (report's capacity rule), and its index in
// levels; −1 when none met it. st holds each level's stats, in order.
func (j *capacityJudge) capacity(st []*sideStats, levels []CapacityLevel) (tps float64, at int) {
	at = -1
	for i := range levels {
		v := st[i].rates[rateOutputTPS]
		if (at < 0 || v > tps) && j.meets(st[i]) {
			tps, at = v, i
		}
	}
	return tps, at
}

// meets reports whether stats st met the SLO. It judges by
// report.MeetsSLO, the one rule, on a Level holding what the rule reads:
// the request counts, and each bounded latency's value at the judged
// percentile in every percentile field (so that Dist.At reads it whatever
// the percentile), its N 0 when no request defines it.
func (j *capacityJudge) meets(st *sideStats) bool {
	l := report.Level{Requests: report.Requests{Total: int(st.total), OK: int(st.ok), Failed: int(st.failed)}}
	for _, x := range j.fields {
		v := st.value(j.ms[x.m])
		d := report.Dist{P50: v, P90: v, P95: v, P99: v, P999: v}
		if !math.IsNaN(v) {
			d.N = 1
		}
		switch x.f {
		case fieldTTFT:
			l.TTFTMS = d
		case fieldTPOT:
			l.TPOTMS = d
		case fieldE2E:
			l.E2EMS = d
		case fieldITL:
			l.ITLMS = d
		}
	}
	ok, _ := report.MeetsSLO(&l, j.slo)
	return ok
}
