package render

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// Bootstrap defaults: 2,000 resamples give the 2.5 % and 97.5 % quantiles
// of the ratio from 50 resamples each side, enough for a 95 % interval
// (Efron & Tibshirani, An Introduction to the Bootstrap, ch. 13, suggest
// at least 1,000 for percentile intervals).
const (
	DefaultResamples = 2000
	DefaultSeed      = 1
	// MaxResamples bounds report --bootstrap-resamples as compare's bounds
	// its --resamples, for the same reason (compare.MaxResamples).
	MaxResamples = compare.MaxResamples
	// Confidence is the coverage of the reported intervals.
	Confidence = 0.95
)

// MetricComparison is one metric of the candidate against the baseline:
// the ratio candidate / baseline with a percentile-bootstrap confidence
// interval over requests, and whether it is significant (the interval
// excludes 1).
type MetricComparison struct {
	// Metric is the comparison engine's name (e.g. "ttft_p95",
	// compare.Metrics), or output_tokens_per_s_per_gpu and
	// usd_per_1m_output_tokens, which the report derives from output
	// tokens/s.
	Metric string `json:"metric"`
	// Title names it for people (e.g. "TTFT p95").
	Title string `json:"title"`
	// Unit is the unit of Baseline and Candidate ("ms", "tok/s", "$").
	Unit string `json:"unit"`
	// At says which levels were compared ("capacity at SLO", "level 8").
	At string `json:"at"`
	// BaselineLevel and CandidateLevel are the levels compared.
	BaselineLevel  float64 `json:"baseline_level"`
	CandidateLevel float64 `json:"candidate_level"`
	// Baseline and Candidate are the metric on all requests of each level.
	Baseline  float64 `json:"baseline"`
	Candidate float64 `json:"candidate"`
	// Ratio is Candidate / Baseline; CILow and CIHigh bound it at Confidence.
	Ratio  float64 `json:"ratio"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	// PValue is the two-sided bootstrap p-value of "ratio = 1"
	// (report.BootstrapP: twice the smaller share of resampled ratios on
	// either side of 1, at most 1).
	PValue float64 `json:"p_value"`
	// Significant is set when the interval excludes 1.
	Significant bool `json:"significant"`
	// HigherIsBetter says which way is an improvement; Better names the
	// run that is significantly better ("candidate" or "baseline"), empty
	// when neither is.
	HigherIsBetter bool   `json:"higher_is_better"`
	Better         string `json:"better,omitempty"`
	// Paired says both levels sent the same requests and were resampled
	// in pairs (compare.Ratio.Paired).
	Paired bool `json:"paired,omitempty"`
	// BaselineLevels and CandidateLevels, on a comparison of priced
	// levels chosen again in every resample (compare.CapacityRatio: both
	// runs at their capacities, or one at its highest-throughput level
	// whose basis a share of the resamples changed), say how often each
	// level was the run's capacity over the resamples: the interval holds
	// which level is priced as well as its throughput. Absent on other
	// rows, whose levels are fixed.
	BaselineLevels  []compare.LevelShare `json:"baseline_capacity_levels,omitempty"`
	CandidateLevels []compare.LevelShare `json:"candidate_capacity_levels,omitempty"`
	// BaselineNoCapacity and CandidateNoCapacity are the shares of the
	// resamples in which the run had no level meeting the SLO; CapacityPairs
	// the pairs of levels whose fixed-level intervals the interval joins
	// (compare.CapacityRatio).
	BaselineNoCapacity  float64             `json:"baseline_no_capacity,omitempty"`
	CandidateNoCapacity float64             `json:"candidate_no_capacity,omitempty"`
	CapacityPairs       []compare.LevelPair `json:"capacity_pairs,omitempty"`
	// pAt is the p-value of "ratio = null" from the replicates
	// (compare.Ratio.PAt), as transformed with the row (scaled, inverted).
	pAt func(null float64) float64
}

// levelMetrics are the metrics compared at every level both runs ran: the
// median and the SLO percentile of TTFT, TPOT and E2E, and output tokens/s,
// from the comparison engine's table (report/compare).
func levelMetrics(sloPct float64) []compare.Metric {
	ms := []compare.Metric{compare.OutputTokensPerS()}
	for _, x := range []struct {
		latency string
		median  bool
	}{{"ttft", true}, {"tpot", true}, {"e2e", false}} {
		if x.median && sloPct != 50 {
			m, _ := compare.PercentileMetric(x.latency, 50)
			ms = append(ms, m)
		}
		if m, ok := compare.PercentileMetric(x.latency, sloPct); ok {
			ms = append(ms, m)
		}
	}
	return ms
}

// bootstrapper holds the settings of the verdict's bootstrap (the
// comparison engine's, compare.Ratios).
type bootstrapper struct {
	resamples int
	seed      uint64
}

// ratios compares metrics ms of two levels; key seeds them.
func (bs bootstrapper) ratios(key string, a, b *compare.LevelSample, ms []compare.Metric) []MetricComparison {
	var out []MetricComparison
	for _, r := range compare.Ratios(a, b, ms, 1-Confidence, bs.resamples, bs.seed, key) {
		out = append(out, comparisonOf(r))
	}
	return out
}

// capacity compares the two runs' priced levels at slo (capacity, else
// highest throughput) in output tokens/s by resampling every level of each
// and pricing each run again in each resample (compare.CapacityRatios), so
// that the interval holds which level is priced. nil when a level lacks
// its sample, when the samples price other levels than the summaries (pa,
// pb) or on another basis, or when a run is priced at its
// highest-throughput level and neither run's basis is in doubt
// (basisInDoubt): the caller then compares the priced levels as fixed.
func (bs bootstrapper) capacity(a, b *Run, pa, pb *pricedLevel, slo report.SLO) []MetricComparison {
	la, lb := capacityLevels(a), capacityLevels(b)
	if la == nil || lb == nil {
		return nil
	}
	r, ok := compare.CapacityRatios(la, lb, slo, 1-Confidence, bs.resamples, bs.seed, "capacity")
	if !ok || r.BaselineLevel != pa.Level.Level || r.CandidateLevel != pb.Level.Level ||
		r.BaselineMet != (pa.Basis == report.BasisCapacity) || r.CandidateMet != (pb.Basis == report.BasisCapacity) {
		return nil
	}
	if (pa.Basis != report.BasisCapacity || pb.Basis != report.BasisCapacity) && !basisInDoubt(pa, r.BaselineNone) && !basisInDoubt(pb, r.CandidateNone) {
		return nil
	}
	mc := comparisonOf(r.Ratio)
	mc.BaselineLevels, mc.CandidateLevels = r.BaselineShares, r.CandidateShares
	mc.BaselineNoCapacity, mc.CandidateNoCapacity, mc.CapacityPairs = r.BaselineNone, r.CandidateNone, r.Pairs
	return []MetricComparison{mc}
}

// basisInDoubt says the basis a run is priced on flips in at least
// compare.MinPairShare of the resamples (none: the share with no level
// meeting the SLO): priced at its capacity, it met the SLO at no level in
// them; at its highest-throughput level, it met it at some level. A
// verdict that moves by that much when the SLO moves by a hair says so.
func basisInDoubt(p *pricedLevel, none float64) bool {
	if p.Basis == report.BasisCapacity {
		return none >= compare.MinPairShare
	}
	return 1-none >= compare.MinPairShare
}

// capacityLevels lists run r's levels with their samples, in the
// summary's order; nil when one has no sample.
func capacityLevels(r *Run) []compare.CapacityLevel {
	var out []compare.CapacityLevel
	for _, l := range r.Summary.Levels {
		d := r.levels[l.Level]
		if d == nil || d.sample == nil {
			return nil
		}
		out = append(out, compare.CapacityLevel{Level: l.Level, Sample: d.sample})
	}
	return out
}

// comparisonOf turns the engine's ratio into the report's row.
func comparisonOf(r compare.Ratio) MetricComparison {
	mc := MetricComparison{Metric: r.Metric.Name, Title: r.Metric.Title, Unit: r.Metric.Unit, HigherIsBetter: r.Metric.HigherIsBetter,
		Baseline: r.Baseline, Candidate: r.Candidate, Ratio: r.Ratio, CILow: r.Low, CIHigh: r.High, PValue: r.P, Paired: r.Paired, pAt: r.PAt}
	mc.Significant = mc.CILow > 1 || mc.CIHigh < 1
	return mc
}

// rejudged sets mc's p-value and significance anew after its ratio was
// transformed: "the transformed ratio is 1" is another hypothesis than
// "the ratio is 1" (per GPU, 1 where output tokens/s is the GPUs' ratio),
// and keeping the first's verdict called a dollar ratio whose interval
// held 1 significant.
func (mc MetricComparison) rejudged() MetricComparison {
	mc.PValue = mc.pAt(1)
	mc.Significant = mc.CILow > 1 || mc.CIHigh < 1
	return mc
}

// scaled is mc for a metric that is mc's times a constant per run
// (baseline × ka, candidate × kb): per GPU (k = 1/GPUs). The ratio and its
// interval scale by kb/ka; its p-value is the first's at ka/kb.
func (mc MetricComparison) scaled(ka, kb float64) MetricComparison {
	k := kb / ka
	mc.Baseline, mc.Candidate = mc.Baseline*ka, mc.Candidate*kb
	mc.Ratio, mc.CILow, mc.CIHigh = mc.Ratio*k, mc.CILow*k, mc.CIHigh*k
	pAt := mc.pAt
	mc.pAt = func(null float64) float64 { return pAt(null / k) }
	return mc.rejudged()
}

// inverted is mc for a metric that is a constant per run over mc's (hourly
// dollars over tokens/s: $ per 1M tokens = $/hour / (tokens/s × 3600) ×
// 1e6, cost.USDPer1MTokens). The ratio inverts and its interval swaps ends;
// its p-value is the first's at kb/ka.
func (mc MetricComparison) inverted(ka, kb float64) MetricComparison {
	k := kb / ka
	mc.Baseline, mc.Candidate = ka/mc.Baseline, kb/mc.Candidate
	mc.Ratio, mc.CILow, mc.CIHigh = k/mc.Ratio, k/mc.CIHigh, k/mc.CILow
	mc.HigherIsBetter = !mc.HigherIsBetter
	pAt := mc.pAt
	mc.pAt = func(null float64) float64 { return pAt(k / null) }
	return mc.rejudged()
}

// judge sets Better from the interval and the metric's direction.
func (mc *MetricComparison) judge() {
	switch {
	case !mc.Significant:
		mc.Better = ""
	case (mc.CILow > 1) == mc.HigherIsBetter:
		mc.Better = "candidate"
	default:
		mc.Better = "baseline"
	}
}

// Comparison is a candidate run set against a baseline run.
type Comparison struct {
	// Baseline and Candidate are the runs' labels.
	Baseline  string `json:"baseline"`
	Candidate string `json:"candidate"`
	// Headline is the verdict in one sentence.
	Headline string `json:"headline"`
	// Capacity compares the levels the cost model prices (capacity at
	// SLO, else the highest-throughput level); Levels compares every level
	// both runs ran, in level order.
	Capacity []MetricComparison `json:"capacity"`
	Levels   []MetricComparison `json:"levels"`
	// Unfair names what makes the comparison unfair; empty when nothing
	// was found. Notes are caveats that do not make it unfair.
	Unfair []string `json:"unfair"`
	// Differs names what differs between the runs by design (the servers
	// or their settings: what the comparison is about); not unfair.
	Differs []string `json:"differs"`
	Notes   []string `json:"notes"`
	// PartOfLoad names each run that measured part of a sharded run's
	// load ("s0 is shard 0/2 of a sharded run"), absent when both are
	// whole: its throughput is not the server's.
	PartOfLoad []string `json:"part_of_load,omitempty"`
	// Resamples and Seed are the bootstrap's settings; Confidence its coverage.
	Resamples  int     `json:"resamples"`
	Seed       uint64  `json:"seed"`
	Confidence float64 `json:"confidence"`
}

// compareRuns compares candidate b with baseline a: at the levels each is
// priced at (pa, pb: capacity at SLO, else highest throughput, with the
// headline offer's $/hour, 0 when not priced; nil when the run served no
// token), and at every level both ran. repeats says a and b are runs of
// one setup; reruns that each is the first of its own setup and both
// setups were run again (grouping.reruns).
func compareRuns(a, b *Run, pa, pb *pricedLevel, slo report.SLO, bs bootstrapper, repeats, reruns bool) Comparison {
	c := Comparison{Baseline: a.Label, Candidate: b.Label, Unfair: []string{}, Notes: []string{},
		Resamples: bs.resamples, Seed: bs.seed, Confidence: Confidence, PartOfLoad: partsOf(a, b)}
	sloPct := cmp.Or(slo.Percentile, report.DefaultSLOPercentile)
	if pa != nil && pb != nil {
		la, lb := a.levels[pa.Level.Level], b.levels[pb.Level.Level]
		at := "capacity at SLO"
		if pa.Basis != report.BasisCapacity || pb.Basis != report.BasisCapacity {
			at = "priced level (capacity at SLO, else highest throughput)"
		}
		if la != nil && lb != nil {
			add := func(mc MetricComparison) {
				mc.At, mc.BaselineLevel, mc.CandidateLevel = at, pa.Level.Level, pb.Level.Level
				mc.judge()
				c.Capacity = append(c.Capacity, mc)
			}
			tps := bs.capacity(a, b, pa, pb, slo)
			if tps == nil {
				tps = bs.ratios("capacity", la.sample, lb.sample, []compare.Metric{compare.OutputTokensPerS()})
			}
			if len(tps) == 1 {
				add(tps[0])
				if ga, gb := float64(a.GPUs()), float64(b.GPUs()); ga != gb {
					per := tps[0].scaled(1/ga, 1/gb)
					per.Metric, per.Title = "output_tokens_per_s_per_gpu", "output tokens/s per GPU"
					add(per)
				}
				if pa.USDPerHour > 0 && pb.USDPerHour > 0 {
					usd := tps[0].inverted(pa.USDPerHour/3600*1e6, pb.USDPerHour/3600*1e6)
					usd.Metric, usd.Title, usd.Unit = "usd_per_1m_output_tokens", "$ per 1M output tokens ("+pa.Offer+")", "$"
					add(usd)
				}
			}
		}
	}
	for _, lv := range commonLevels(a, b) {
		la, lb := a.levels[lv], b.levels[lv]
		if la == nil || lb == nil {
			continue
		}
		for _, mc := range bs.ratios(fmt.Sprintf("level/%g", lv), la.sample, lb.sample, levelMetrics(sloPct)) {
			mc.At, mc.BaselineLevel, mc.CandidateLevel = fmt.Sprintf("level %g", lv), lv, lv
			mc.judge()
			c.Levels = append(c.Levels, mc)
		}
	}
	c.Unfair, c.Notes = fairness(a, b, pa, pb, slo, repeats)
	c.Unfair, c.Differs = byDesign(c.Unfair)
	c.Headline = simulatedPrefix(a, b) + headline(&c, a, b, pa, pb, slo, reruns) + smallSampleSentence(a, b, pa, pb, slo)
	return c
}

// commonLevels lists the levels both runs measured, in order.
func commonLevels(a, b *Run) []float64 {
	var out []float64
	for _, l := range a.Summary.Levels {
		if b.level(l.Level) != nil {
			out = append(out, l.Level)
		}
	}
	return out
}

// headline writes the verdict sentence; reruns as compareRuns'.
func headline(c *Comparison, a, b *Run, pa, pb *pricedLevel, slo report.SLO, reruns bool) string {
	var tp, usd *MetricComparison
	for i := range c.Capacity {
		switch c.Capacity[i].Metric {
		case "output_tokens_per_s":
			tp = &c.Capacity[i]
		case "usd_per_1m_output_tokens":
			usd = &c.Capacity[i]
		}
	}
	var s strings.Builder
	switch {
	case pa == nil || pb == nil:
		for _, x := range []runPriced{{a, pa}, {b, pb}} {
			if x.p == nil {
				fmt.Fprintf(&s, "%s has no level with output throughput; ", x.r.Label)
			}
		}
		s.WriteString("no throughput comparison.")
		return s.String()
	case tp == nil:
		fmt.Fprintf(&s, "%s and %s could not be compared at their priced levels (too few successful requests).", b.Label, a.Label)
		return s.String()
	case a.Manifest != nil && b.Manifest != nil && compare.ShardOf(a.Manifest) != compare.ShardOf(b.Manifest):
		// A part of the load against the whole or another part: the ratio
		// is of the parts, not of the servers (compare refuses the pair).
		fmt.Fprintf(&s, "no throughput comparison: %s; merge every shard (inferbench merge) to compare whole runs.", strings.Join(partsOf(a, b), "; "))
		return s.String()
	}
	cond := sloText(slo)
	// A capacity that is a lower bound (the highest level run met the
	// SLO) makes the ratio one: at least, when it is the candidate's.
	lb := lowerBounds(a, b, pa, pb)
	bound := ""
	switch {
	case len(lb) == 1 && lb[0] == b.Label:
		bound = "at least "
	case len(lb) == 1:
		bound = "at most "
	}
	fmt.Fprintf(&s, "%s serves %s%s [%s–%s] the output tokens/s of %s", b.Label, bound, times(tp.Ratio), times2(tp.CILow), times2(tp.CIHigh), a.Label)
	if pa.Basis == report.BasisCapacity && pb.Basis == report.BasisCapacity {
		if pa.Level.Level == pb.Level.Level {
			fmt.Fprintf(&s, " at %s (capacity at level %g for both)", cond, pa.Level.Level)
		} else {
			fmt.Fprintf(&s, " at %s (capacity at level %g for %s, %g for %s)", cond, pb.Level.Level, b.Label, pa.Level.Level, a.Label)
		}
	} else if pa.Basis == report.BasisCapacity || pb.Basis == report.BasisCapacity {
		// One run met the SLO and the other did not: its level is its
		// capacity, the other's its highest throughput, past the SLO.
		var parts []string
		for _, x := range []runPriced{{b, pb}, {a, pa}} {
			if x.p.Basis == report.BasisCapacity {
				parts = append(parts, fmt.Sprintf("%s's capacity at %s, level %g", x.r.Label, cond, x.p.Level.Level))
			} else {
				parts = append(parts, fmt.Sprintf("%s's highest-throughput level %g (%s with at most %s of requests failed met at no level)",
					x.r.Label, x.p.Level.Level, cond, percent(slo.ErrorBudget())))
			}
		}
		fmt.Fprintf(&s, " at %s: a capacity against a throughput past the SLO", strings.Join(parts, " against "))
	} else {
		fmt.Fprintf(&s, " at their highest-throughput levels (%g vs %g", pb.Level.Level, pa.Level.Level)
		if slo.IsZero() {
			s.WriteString("; no SLO set)")
		} else {
			// The error budget is named: a run whose every latency was
			// far under the thresholds, with 6.5 % of requests failed,
			// read as if its latencies had missed them.
			fmt.Fprintf(&s, "; %s with at most %s of requests failed met at no level by %s)", cond, percent(slo.ErrorBudget()), strings.Join(noCapacity(a, b, pa, pb), " and "))
		}
	}
	if len(lb) > 0 {
		fmt.Fprintf(&s, " (a lower bound for %s: the highest level run met the SLO, more load was not tried)", strings.Join(lb, " and "))
	}
	s.WriteString(metInResamples(tp, a, b, pa, pb))
	// The interval resamples these two runs' requests at the levels
	// priced: a rerun varies beyond it (another arrangement of the batch,
	// another capacity level: the demo's ratio read 3.03× [2.99–3.07] and
	// 3.21× [3.18–3.25] on two seeds), so its significance is said of
	// these runs. Where reruns of both sides were given the Repeated
	// runs section's across-runs sentence holds that variance, and the
	// advice to rerun is not given.
	if tp.Significant {
		advice := rerunAdvice
		if reruns {
			advice = ""
		}
		fmt.Fprintf(&s, ", significant at %g %% over these runs' requests (p %s%s)", Confidence*100, pText(tp.PValue), advice)
	} else {
		fmt.Fprintf(&s, ", not significant (p %s)", pText(tp.PValue))
	}
	if usd != nil {
		fmt.Fprintf(&s, "; $/1M output tokens %s (%s) vs %s (%s)", cost.USD(usd.Candidate), offerLabel(pb), cost.USD(usd.Baseline), offerLabel(pa))
	}
	s.WriteString(".")
	s.WriteString(levelDoubt(tp, a, b, pa, pb))
	if len(c.Differs) > 0 {
		fmt.Fprintf(&s, " Compared by design: %s.", strings.Join(c.Differs, "; "))
	}
	if len(c.Unfair) > 0 {
		fmt.Fprintf(&s, " Not a like-for-like comparison: %s.", strings.Join(c.Unfair, "; "))
	}
	return s.String()
}

// rerunAdvice follows a significant verdict's p value but where reruns
// of both sides were given (compareRuns' reruns).
const rerunAdvice = "; a rerun varies beyond the interval: run each side again before reading a few percent"

// metInResamples says, for each run priced at its highest-throughput
// level that met the SLO at some level in at least compare.MinPairShare
// of the resamples, how often it did: the interval joins the ratio at its
// capacity in those, and a rerun may well price it there. "" when neither
// did, or the ratio was taken at fixed levels.
func metInResamples(tp *MetricComparison, a, b *Run, pa, pb *pricedLevel) string {
	if tp.CapacityPairs == nil {
		return "" // a ratio at fixed levels
	}
	var s strings.Builder
	for _, x := range []struct {
		label string
		p     *pricedLevel
		none  float64
	}{{b.Label, pb, tp.CandidateNoCapacity}, {a.Label, pa, tp.BaselineNoCapacity}} {
		if x.p.Basis != report.BasisCapacity && basisInDoubt(x.p, x.none) {
			fmt.Fprintf(&s, "; %s met the SLO at some level in %s of resamples of its requests", x.label, percent(1-x.none))
		}
	}
	return s.String()
}

// levelDoubt says, after the verdict, which run's capacity level another
// level, or none, took in more than compare.MinPairShare of the resamples (a level that met
// the SLO by a little, or a neighbour that missed it by a little): the
// interval holds that doubt, and a rerun may well choose the other level.
// "" when neither did, or the ratio was taken at fixed levels. A run
// priced at its highest-throughput level is left to metInResamples.
func levelDoubt(tp *MetricComparison, a, b *Run, pa, pb *pricedLevel) string {
	var parts []string
	for _, x := range []struct {
		label  string
		p      *pricedLevel
		level  float64
		shares []compare.LevelShare
		none   float64
	}{{b.Label, pb, tp.CandidateLevel, tp.CandidateLevels, tp.CandidateNoCapacity}, {a.Label, pa, tp.BaselineLevel, tp.BaselineLevels, tp.BaselineNoCapacity}} {
		if x.shares == nil || x.p.Basis != report.BasisCapacity {
			continue // a ratio at fixed levels, or a run priced without a capacity
		}
		i := slices.IndexFunc(x.shares, func(s compare.LevelShare) bool { return s.Level == x.level })
		if i < 0 || x.shares[i].Share < 1-compare.MinPairShare || basisInDoubt(x.p, x.none) {
			parts = append(parts, fmt.Sprintf("%s's is %s of the resamples", x.label, shareText(x.shares, x.none)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf(" Which level is the capacity is itself in doubt: %s; the interval joins the ratios of the levels chosen together in at least %s of them.", strings.Join(parts, "; "), percent(compare.MinPairShare))
}

// lowerBounds lists the runs priced at a capacity that is a lower bound.
func lowerBounds(a, b *Run, pa, pb *pricedLevel) []string {
	var out []string
	for _, x := range []runPriced{{b, pb}, {a, pa}} {
		if c := x.r.Summary.Capacity; x.p.Basis == report.BasisCapacity && c != nil && c.LowerBound {
			out = append(out, x.r.Label)
		}
	}
	return out
}

func noCapacity(a, b *Run, pa, pb *pricedLevel) []string {
	var out []string
	if pa.Basis != report.BasisCapacity {
		out = append(out, a.Label)
	}
	if pb.Basis != report.BasisCapacity {
		out = append(out, b.Label)
	}
	return out
}

// sloText writes the SLO as a condition: "TTFT p95 ≤ 1s".
func sloText(slo report.SLO) string {
	if slo.IsZero() {
		return "no SLO"
	}
	return slo.Bounds()
}

// pText writes a p-value for people.
func pText(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("= %.3f", p)
}
