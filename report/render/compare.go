package render

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// Bootstrap defaults: 2,000 resamples give the 2.5 % and 97.5 % quantiles
// of the ratio from 50 resamples each side, enough for a 95 % interval
// (Efron & Tibshirani, An Introduction to the Bootstrap, ch. 13, suggest
// at least 1,000 for percentile intervals).
const (
	DefaultResamples = 2000
	DefaultSeed      = 1
	// Confidence is the coverage of the reported intervals.
	Confidence = 0.95
)

// MetricComparison is one metric of the candidate against the baseline:
// the ratio candidate / baseline with a percentile-bootstrap confidence
// interval over requests, and whether it is significant (the interval
// excludes 1).
type MetricComparison struct {
	// Metric is a snake_case name (e.g. "ttft_p95_ms").
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
}

// metric is a statistic of a level's requests, compared by bootstrap.
type metric struct {
	name, title, unit string
	higherIsBetter    bool
	// stat computes the metric from a level's requests (a resample) and
	// its measured window in seconds; buf is scratch space.
	stat func(reqs []requestSample, windowS float64, buf []float64) float64
}

// outputTPS is Σ output tokens of successful requests / window, as
// report/metrics.go defines output tokens/s.
func outputTPS(reqs []requestSample, windowS float64, _ []float64) float64 {
	var out int64
	for _, r := range reqs {
		if r.ok {
			out += r.out
		}
	}
	if !(windowS > 0) {
		return math.NaN()
	}
	return float64(out) / windowS
}

// resampledTPS returns the output-tokens/s statistic of a bootstrap
// resample of full, a level measured over windowS: Σ* output tokens / W*,
// where the window W* = windowS × Σ* busy / Σ busy is rescaled by the
// resample's total request time (sent → done) over the full sample's. On
// the full sample it is outputTPS exactly. Resampling requests with the
// window held fixed would miss the variability of request durations
// entirely when every request has the same length (the qualify scenario's
// fixed-length case); rescaling follows Little's law for a closed loop,
// where the window is the workers' summed busy time / concurrency.
func resampledTPS(full []requestSample, windowS float64) func([]requestSample, float64, []float64) float64 {
	var total float64
	for _, r := range full {
		total += r.busy
	}
	return func(reqs []requestSample, _ float64, buf []float64) float64 {
		var busy float64
		for _, r := range reqs {
			busy += r.busy
		}
		if !(total > 0) {
			return outputTPS(reqs, windowS, buf)
		}
		return outputTPS(reqs, windowS*busy/total, buf)
	}
}

// percentileOf returns a statistic: the p-th percentile of field over the
// successful requests where it is defined (not NaN).
func percentileOf(p float64, field func(requestSample) float64) func([]requestSample, float64, []float64) float64 {
	return func(reqs []requestSample, _ float64, buf []float64) float64 {
		buf = buf[:0]
		for _, r := range reqs {
			if v := field(r); r.ok && !math.IsNaN(v) {
				buf = append(buf, v)
			}
		}
		return report.QuantileOf(buf, p)
	}
}

// levelMetrics are the metrics compared at every level both runs ran: the
// median and the SLO percentile of TTFT, TPOT and E2E, and output tokens/s.
func levelMetrics(sloPct float64) []metric {
	ttft := func(r requestSample) float64 { return r.ttft }
	tpot := func(r requestSample) float64 { return r.tpot }
	e2e := func(r requestSample) float64 { return r.e2e }
	pn := fmt.Sprintf("p%g", sloPct)
	pk := strings.ReplaceAll(pn, ".", "")
	ms := []metric{
		{"output_tokens_per_s", "output tokens/s", "tok/s", true, nil}, // resampledTPS, per level
		{"ttft_p50_ms", "TTFT p50", "ms", false, percentileOf(50, ttft)},
		{"ttft_" + pk + "_ms", "TTFT " + pn, "ms", false, percentileOf(sloPct, ttft)},
		{"tpot_p50_ms", "TPOT p50", "ms", false, percentileOf(50, tpot)},
		{"tpot_" + pk + "_ms", "TPOT " + pn, "ms", false, percentileOf(sloPct, tpot)},
		{"e2e_" + pk + "_ms", "E2E " + pn, "ms", false, percentileOf(sloPct, e2e)},
	}
	if sloPct == 50 {
		ms = slices.DeleteFunc(ms, func(m metric) bool { return strings.HasSuffix(m.name, "p50_ms") })
	}
	return ms
}

// bootstrapper resamples requests with replacement, seeded per metric so a
// metric's interval does not depend on which others were computed.
type bootstrapper struct {
	resamples int
	seed      uint64
}

// compare computes one metric of two levels and its bootstrap interval.
// statA and statB compute the metric for the baseline's and the
// candidate's requests (they differ only when the metric carries a
// per-run constant, such as a price).
func (bs bootstrapper) compare(key string, a, b []requestSample, wa, wb float64,
	statA, statB func([]requestSample, float64, []float64) float64) (mc MetricComparison, ok bool) {
	buf := make([]float64, 0, max(len(a), len(b)))
	va, vb := statA(a, wa, buf), statB(b, wb, buf)
	mc.Baseline, mc.Candidate = va, vb
	if !(va > 0) || math.IsNaN(vb) || math.IsInf(va, 0) || math.IsInf(vb, 0) || len(a) == 0 || len(b) == 0 {
		return mc, false
	}
	mc.Ratio = vb / va
	h := fnv.New64a()
	h.Write([]byte(key))
	rng := rand.New(rand.NewPCG(bs.seed, h.Sum64()))
	ra, rb := make([]requestSample, len(a)), make([]requestSample, len(b))
	ratios := make([]float64, 0, bs.resamples)
	for range bs.resamples {
		for i := range ra {
			ra[i] = a[rng.IntN(len(a))]
		}
		for i := range rb {
			rb[i] = b[rng.IntN(len(b))]
		}
		x, y := statA(ra, wa, buf), statB(rb, wb, buf)
		if r := y / x; x > 0 && !math.IsNaN(r) && !math.IsInf(r, 0) {
			ratios = append(ratios, r)
		}
	}
	if len(ratios) < bs.resamples/2 {
		return mc, false
	}
	mc.CILow, mc.CIHigh = report.BootstrapInterval(ratios, 1-Confidence)
	mc.PValue = report.BootstrapP(ratios, 1)
	mc.Significant = mc.CILow > 1 || mc.CIHigh < 1
	return mc, true
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
	Notes  []string `json:"notes"`
	// Resamples and Seed are the bootstrap's settings; Confidence its coverage.
	Resamples  int     `json:"resamples"`
	Seed       uint64  `json:"seed"`
	Confidence float64 `json:"confidence"`
}

// compareRuns compares candidate b with baseline a: at the levels each is
// priced at (pa, pb: capacity at SLO, else highest throughput, with the
// headline offer's $/hour, 0 when not priced; nil when the run served no
// token), and at every level both ran.
func compareRuns(a, b *Run, pa, pb *pricedLevel, slo report.SLO, bs bootstrapper) Comparison {
	c := Comparison{Baseline: a.Label, Candidate: b.Label, Unfair: []string{}, Notes: []string{},
		Resamples: bs.resamples, Seed: bs.seed, Confidence: Confidence}
	sloPct := cmp.Or(slo.Percentile, report.DefaultSLOPercentile)
	if pa != nil && pb != nil {
		la, lb := a.levels[pa.Level.Level], b.levels[pb.Level.Level]
		at := "capacity at SLO"
		if pa.Basis != basisCapacity || pb.Basis != basisCapacity {
			at = "priced level (capacity at SLO, else highest throughput)"
		}
		if la != nil && lb != nil {
			add := func(m metric, statA, statB func([]requestSample, float64, []float64) float64) {
				mc, ok := bs.compare("capacity/"+m.name, la.reqs, lb.reqs, pa.Level.WindowS, pb.Level.WindowS, statA, statB)
				if !ok {
					return
				}
				mc.Metric, mc.Title, mc.Unit, mc.HigherIsBetter, mc.At = m.name, m.title, m.unit, m.higherIsBetter, at
				mc.BaselineLevel, mc.CandidateLevel = pa.Level.Level, pb.Level.Level
				mc.judge()
				c.Capacity = append(c.Capacity, mc)
			}
			tpsA, tpsB := resampledTPS(la.reqs, pa.Level.WindowS), resampledTPS(lb.reqs, pb.Level.WindowS)
			add(metric{"output_tokens_per_s", "output tokens/s", "tok/s", true, nil}, tpsA, tpsB)
			ga, gb := float64(a.GPUs()), float64(b.GPUs())
			if ga != gb {
				per := func(tps func([]requestSample, float64, []float64) float64, g float64) func([]requestSample, float64, []float64) float64 {
					return func(r []requestSample, w float64, buf []float64) float64 { return tps(r, w, buf) / g }
				}
				add(metric{"output_tokens_per_s_per_gpu", "output tokens/s per GPU", "tok/s", true, nil}, per(tpsA, ga), per(tpsB, gb))
			}
			if pa.USDPerHour > 0 && pb.USDPerHour > 0 {
				// $/1M output tokens = $/hour / (tokens/s × 3600) × 1e6 (cost.USDPer1MTokens).
				usd := func(tps func([]requestSample, float64, []float64) float64, hourly float64) func([]requestSample, float64, []float64) float64 {
					return func(r []requestSample, w float64, buf []float64) float64 {
						return hourly / (tps(r, w, buf) * 3600) * 1e6
					}
				}
				add(metric{"usd_per_1m_output_tokens", "$ per 1M output tokens (" + pa.Offer + ")", "$", false, nil}, usd(tpsA, pa.USDPerHour), usd(tpsB, pb.USDPerHour))
			}
		}
	}
	for _, lv := range commonLevels(a, b) {
		la, lb := a.levels[lv], b.levels[lv]
		sa, sb := a.level(lv), b.level(lv)
		if la == nil || lb == nil || sa == nil || sb == nil {
			continue
		}
		for _, m := range levelMetrics(sloPct) {
			statA, statB := m.stat, m.stat
			if m.stat == nil {
				statA, statB = resampledTPS(la.reqs, sa.WindowS), resampledTPS(lb.reqs, sb.WindowS)
			}
			mc, ok := bs.compare(fmt.Sprintf("level/%g/%s", lv, m.name), la.reqs, lb.reqs, sa.WindowS, sb.WindowS, statA, statB)
			if !ok {
				continue
			}
			mc.Metric, mc.Title, mc.Unit, mc.HigherIsBetter = m.name, m.title, m.unit, m.higherIsBetter
			mc.At, mc.BaselineLevel, mc.CandidateLevel = fmt.Sprintf("level %g", lv), lv, lv
			mc.judge()
			c.Levels = append(c.Levels, mc)
		}
	}
	c.Unfair, c.Notes = fairness(a, b, pa, pb, slo)
	c.Headline = headline(&c, a, b, pa, pb, slo)
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

// headline writes the verdict sentence.
func headline(c *Comparison, a, b *Run, pa, pb *pricedLevel, slo report.SLO) string {
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
		for _, x := range []struct {
			r *Run
			p *pricedLevel
		}{{a, pa}, {b, pb}} {
			if x.p == nil {
				fmt.Fprintf(&s, "%s has no level with output throughput; ", x.r.Label)
			}
		}
		s.WriteString("no throughput comparison.")
		return s.String()
	case tp == nil:
		fmt.Fprintf(&s, "%s and %s could not be compared at their priced levels (too few successful requests).", b.Label, a.Label)
		return s.String()
	}
	cond := sloText(slo)
	fmt.Fprintf(&s, "%s serves %s [%s–%s] the output tokens/s of %s", b.Label, times(tp.Ratio), times2(tp.CILow), times2(tp.CIHigh), a.Label)
	if pa.Basis == basisCapacity && pb.Basis == basisCapacity {
		if pa.Level.Level == pb.Level.Level {
			fmt.Fprintf(&s, " at %s (capacity at level %g for both)", cond, pa.Level.Level)
		} else {
			fmt.Fprintf(&s, " at %s (capacity at level %g for %s, %g for %s)", cond, pb.Level.Level, b.Label, pa.Level.Level, a.Label)
		}
	} else {
		fmt.Fprintf(&s, " at their highest-throughput levels (%g vs %g", pb.Level.Level, pa.Level.Level)
		if slo.IsZero() {
			s.WriteString("; no SLO set)")
		} else {
			fmt.Fprintf(&s, "; %s met at no level by %s)", cond, strings.Join(noCapacity(a, b, pa, pb), " and "))
		}
	}
	if tp.Significant {
		fmt.Fprintf(&s, ", significant at %g %% (p %s)", Confidence*100, pText(tp.PValue))
	} else {
		fmt.Fprintf(&s, ", not significant (p %s)", pText(tp.PValue))
	}
	if usd != nil {
		fmt.Fprintf(&s, "; $/1M output tokens %s vs %s (%s)", dollars(usd.Candidate), dollars(usd.Baseline), pa.Offer)
	}
	s.WriteString(".")
	if len(c.Unfair) > 0 {
		fmt.Fprintf(&s, " Not a like-for-like comparison: %s.", strings.Join(c.Unfair, "; "))
	}
	return s.String()
}

func noCapacity(a, b *Run, pa, pb *pricedLevel) []string {
	var out []string
	if pa.Basis != basisCapacity {
		out = append(out, a.Label)
	}
	if pb.Basis != basisCapacity {
		out = append(out, b.Label)
	}
	return out
}

// sloText writes the SLO as a condition: "TTFT p95 ≤ 1s".
func sloText(slo report.SLO) string {
	if slo.IsZero() {
		return "no SLO"
	}
	p := cmp.Or(slo.Percentile, report.DefaultSLOPercentile)
	var parts []string
	if slo.TTFT > 0 {
		parts = append(parts, fmt.Sprintf("TTFT p%g ≤ %s", p, slo.TTFT))
	}
	if slo.TPOT > 0 {
		parts = append(parts, fmt.Sprintf("TPOT p%g ≤ %s", p, slo.TPOT))
	}
	if slo.E2E > 0 {
		parts = append(parts, fmt.Sprintf("E2E p%g ≤ %s", p, slo.E2E))
	}
	if slo.ITL > 0 {
		parts = append(parts, fmt.Sprintf("ITL p%g ≤ %s", p, slo.ITL))
	}
	return strings.Join(parts, ", ")
}

func times(r float64) string  { return fmt.Sprintf("%.2f×", r) }
func times2(r float64) string { return fmt.Sprintf("%.2f", r) }

// pText writes a p-value for people.
func pText(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("= %.3f", p)
}

func dollars(v float64) string {
	if v < 10 {
		return fmt.Sprintf("$%.3f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}
