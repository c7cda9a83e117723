package adaptive

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/inferbench/inferbench/report"
)

// Defaults for Options fields left zero.
const (
	DefaultConfidence   = 0.95
	DefaultMinRequests  = 50
	DefaultMaxRequests  = 1000
	DefaultLookEvery    = 10
	DefaultLookFraction = 0.05
)

// Options configure the sequential stop of every level of a run.
type Options struct {
	// SLO is what each level is judged by: its latency thresholds at its
	// percentile, and its error budget.
	SLO report.SLO
	// Precision bounds every judged interval's reach from its value on the
	// farther side, relative to it (Estimate.Reach), for a level to stop as
	// precise: 0.05 for within ±5 %. Required, in (0, 1).
	Precision float64
	// Confidence is the coverage of the reported intervals, repeated looks
	// accounted for; 0 means DefaultConfidence.
	Confidence float64
	// MinRequests and MinDuration: a level never stops before both are
	// reached (0: DefaultMinRequests, no minimum duration). MaxRequests
	// (0: DefaultMaxRequests) ends a level; it also bounds the look schedule,
	// which the repeated-looks adjustment is computed for. Both count judged
	// requests (Decision.Judged): the sample takes requests in schedule
	// order, so it lags the completions by those scheduled after the
	// oldest request still running. A level also ends once twice
	// MaxRequests have completed, however few are judged.
	// MaxDuration (0: none) ends a level at the first completion past it.
	MinRequests, MaxRequests int
	MinDuration, MaxDuration time.Duration
	// The level looks at its intervals every max(LookEvery, ⌈LookFraction·n⌉)
	// judged requests from MinRequests on (0: DefaultLookEvery,
	// DefaultLookFraction). More looks stop closer to the moment an interval
	// becomes good enough, and widen every interval a little.
	LookEvery    int
	LookFraction float64
	// OpenLoop says levels are request rates (req/s) with an arrival
	// schedule; otherwise they are closed-loop concurrencies.
	OpenLoop bool
}

// A Plan is Options compiled: the look schedule and the interval level each
// look uses. It is immutable and may be shared by every level of a run and
// by concurrent goroutines.
type Plan struct {
	o     Options
	p     float64 // judged percentile, 0–100
	looks []int
	c     float64                 // boundary on the z scale
	a     float64                 // per-look two-sided level 2Φ(−c)
	tq    [2 * maxBuckets]float64 // Student t quantiles at 1 − a/2 by df
	// ranks[i] are orderRanks(looks[i], p, a/2): a level without failures
	// looks at exactly these counts, and the ranks are half of a look's cost.
	ranks [][2]int
	names [3]string // "TTFT p95", "TPOT p95", "E2E p95"
}

// NewPlan checks o, fills in its defaults, lays out the look schedule and
// computes the repeated-looks boundary for it (tens of milliseconds: call
// it once per run).
func NewPlan(o Options) (*Plan, error) {
	o.Confidence = cmp.Or(o.Confidence, DefaultConfidence)
	o.MinRequests = cmp.Or(o.MinRequests, DefaultMinRequests)
	o.MaxRequests = cmp.Or(o.MaxRequests, DefaultMaxRequests)
	o.LookEvery = cmp.Or(o.LookEvery, DefaultLookEvery)
	o.LookFraction = cmp.Or(o.LookFraction, DefaultLookFraction)
	var errs []error
	if !(o.Precision > 0 && o.Precision < 1) {
		errs = append(errs, fmt.Errorf("adaptive: precision must be in (0, 1), got %g", o.Precision))
	}
	if !(o.Confidence > 0.5 && o.Confidence < 1) {
		errs = append(errs, fmt.Errorf("adaptive: confidence must be in (0.5, 1), got %g", o.Confidence))
	}
	if o.MinRequests < 1 || o.MaxRequests < o.MinRequests {
		errs = append(errs, fmt.Errorf("adaptive: want 1 ≤ min requests ≤ max requests, got %d and %d", o.MinRequests, o.MaxRequests))
	}
	if o.MinDuration < 0 || o.MaxDuration < 0 || (o.MaxDuration > 0 && o.MaxDuration < o.MinDuration) {
		errs = append(errs, fmt.Errorf("adaptive: want 0 ≤ min duration ≤ max duration, got %v and %v", o.MinDuration, o.MaxDuration))
	}
	if o.LookEvery < 1 || !(o.LookFraction >= 0 && o.LookFraction < 1) {
		errs = append(errs, fmt.Errorf("adaptive: want look every ≥ 1 and look fraction in [0, 1), got %d and %g", o.LookEvery, o.LookFraction))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p := &Plan{o: o, p: judgedPercentile(o.SLO)}
	for n := o.MinRequests; n < o.MaxRequests; {
		p.looks = append(p.looks, n)
		n += max(o.LookEvery, int(math.Ceil(o.LookFraction*float64(n))))
	}
	p.looks = append(p.looks, o.MaxRequests)
	t := make([]float64, len(p.looks))
	for i, n := range p.looks {
		t[i] = float64(n)
	}
	p.c = pocockConstant(t, 1-o.Confidence)
	p.a = 2 * normCDF(-p.c)
	for i, m := range []string{"TTFT", "TPOT", "E2E"} {
		p.names[i] = fmt.Sprintf("%s p%g", m, p.p)
	}
	p.ranks = make([][2]int, len(p.looks))
	for i, n := range p.looks {
		l, u := orderRanks(n, p.p/100, p.a/2)
		p.ranks[i] = [2]int{l, u}
	}
	for df := 1; df < len(p.tq); df++ {
		p.tq[df] = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - p.a/2)
	}
	return p, nil
}

// judgedPercentile is the percentile report.MeetsSLO judges a level's
// latencies at: the SLO's, rounded up to one report keeps (50, 90, 95, 99,
// 99.9) by report.Dist.At. A Dist whose fields hold their own percentile
// asks At itself, so the two can never disagree.
func judgedPercentile(s report.SLO) float64 {
	ps := report.Dist{P50: 50, P90: 90, P95: 95, P99: 99, P999: 99.9}
	return ps.At(cmp.Or(s.Percentile, report.DefaultSLOPercentile))
}

// Looks is the look schedule: the judged-request counts at which a level
// looks at its intervals, the last being MaxRequests.
func (p *Plan) Looks() []int { return append([]int(nil), p.looks...) }

// LookLevel is the two-sided level each look's intervals are built at,
// 2Φ(−c) for the boundary c: far below 1 − Confidence, so that over all the
// looks together the chance that any interval misses is 1 − Confidence.
func (p *Plan) LookLevel() float64 { return p.a }

// Boundary is c, the boundary on the z scale (1.96 for a single look at
// 95 %).
func (p *Plan) Boundary() float64 { return p.c }

// Percentile is the percentile latencies are judged at (0–100).
func (p *Plan) Percentile() float64 { return p.p }

// Options returns the plan's options with defaults filled in.
func (p *Plan) Options() Options { return p.o }

// orderRanks is orderRanks(n, percentile, a/2), from the table when n is a
// look.
func (p *Plan) orderRanks(n int) (l, u int) {
	if i, ok := slices.BinarySearch(p.looks, n); ok {
		return p.ranks[i][0], p.ranks[i][1]
	}
	return orderRanks(n, p.p/100, p.a/2)
}

// tQuantile is Student's t quantile at 1 − a/2 with df degrees of freedom.
func (p *Plan) tQuantile(df int) float64 {
	if df < 1 {
		return math.Inf(1)
	}
	if df < len(p.tq) {
		return p.tq[df]
	}
	return p.c
}
