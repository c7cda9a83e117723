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

// A CapacityRatio is a candidate's capacity at an SLO over a baseline's,
// in output tokens/s (report.Summary.Capacity: the level that met the SLO
// with the best output throughput), with a bootstrap interval over the
// whole choice: each resample redraws every level's requests, judges every
// level by the SLO again and takes the best that met it. A level that met
// the SLO by a hair fails it in some resamples and a neighbour that
// missed it passes, so the interval holds the doubt over which level is
// the capacity, which a ratio at fixed levels (Ratios) does not.
type CapacityRatio struct {
	// Ratio is output tokens/s of the candidate's capacity over the
	// baseline's, with its interval and p-value over the resamples in
	// which both runs had a capacity.
	Ratio
	// BaselineLevel and CandidateLevel are the capacities of the samples
	// themselves.
	BaselineLevel, CandidateLevel float64
	// BaselineShares and CandidateShares say how often each level was the
	// run's capacity over the resamples in which it had one, most often
	// first.
	BaselineShares, CandidateShares []LevelShare
	// Undefined is the share of resamples in which a run had no level
	// meeting the SLO: left out of the interval.
	Undefined float64
}

// CapacityRatios compares the capacities at slo of runs base and cand, each
// given as the levels it ran, by the same resampling as Ratios (resamples
// replicates seeded by seed and key; a level of cand that ran the same
// request list as base's level of the same load is resampled with it in
// pairs). ok is false when slo is unset, when a run has no level meeting
// it, or when a capacity is undefined in more than half the resamples.
func CapacityRatios(base, cand []CapacityLevel, slo report.SLO, alpha float64, resamples int, seed uint64, key string) (r CapacityRatio, ok bool) {
	if slo.IsZero() || len(base) == 0 || len(cand) == 0 || resamples < 1 {
		return r, false
	}
	judge := newCapacityJudge(slo)
	levels := append(slices.Clone(base), cand...)
	ss := make([]*LevelSample, len(levels))
	st0 := make([]*sideStats, len(levels))
	for i, l := range levels {
		ss[i], st0[i] = l.Sample, newSideStats(judge.ms)
		l.Sample.stats(nil, st0[i])
	}
	nb := len(base)
	b0, ib := judge.capacity(st0[:nb], base)
	c0, ic := judge.capacity(st0[nb:], cand)
	if ib < 0 || ic < 0 || !(b0 > 0) {
		return r, false
	}
	var links []link
	for j, c := range cand {
		for i, b := range base {
			if b.Level == c.Level {
				if pairs := pairing(b.Sample, c.Sample); pairs != nil {
					links = append(links, link{from: i, to: nb + j, pairs: pairs})
				}
			}
		}
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	reps := make([]float64, resamples)
	atB, atC := make([]int, resamples), make([]int, resamples)
	eachResample(ss, st0, judge.ms, links, resamples, rand.New(rand.NewPCG(seed, h.Sum64())), func(k int, st []*sideStats) {
		var bk, ck float64
		bk, atB[k] = judge.capacity(st[:nb], base)
		ck, atC[k] = judge.capacity(st[nb:], cand)
		reps[k] = math.NaN()
		if atB[k] >= 0 && atC[k] >= 0 && bk > 0 {
			reps[k] = ck / bk
		}
	})
	reps = slices.DeleteFunc(reps, math.IsNaN)
	if len(reps) < resamples/2 || len(reps) == 0 {
		return r, false
	}
	r = CapacityRatio{
		Ratio:          Ratio{Metric: OutputTokensPerS(), Baseline: b0, Candidate: c0, Ratio: c0 / b0, Paired: len(links) > 0, reps: reps},
		BaselineLevel:  base[ib].Level,
		CandidateLevel: cand[ic].Level,
		BaselineShares: shares(atB, base), CandidateShares: shares(atC, cand),
		Undefined: 1 - float64(len(reps))/float64(resamples),
	}
	r.Low, r.High = report.BootstrapInterval(reps, alpha)
	r.P = r.PAt(1)
	return r, true
}

// shares counts how often each level was the capacity (at, an index into
// levels per resample, −1 for none), over the resamples that had one.
func shares(at []int, levels []CapacityLevel) []LevelShare {
	n := make([]int, len(levels))
	var all int
	for _, i := range at {
		if i >= 0 {
			n[i]++
			all++
		}
	}
	var out []LevelShare
	for i, c := range n {
		if c > 0 {
			out = append(out, LevelShare{Level: levels[i].Level, Share: float64(c) / float64(all)})
		}
	}
	slices.SortStableFunc(out, func(a, b LevelShare) int { return cmp.Compare(b.Share, a.Share) })
	return out
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
