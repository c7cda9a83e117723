package adaptive

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mathext"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// fillPercentile is the E2E percentile taken as a level's fill time: the
// requests sent first have almost all completed by then. In the coverage
// simulation (docs/adaptive.md) it removed the open loop's fill bias
// (−13 % at 300 requests without a guard, −0.3 % with p95) where p90 left
// −0.7 %; p99 gained nothing more and drops more buckets.
const fillPercentile = 95

// A Completion is one finished measured request, as the runner records it.
// Pass every measured request's final attempt (not a retried attempt: the
// attempt that replaced it counts, as in report), successful or not, and no
// warm-up request.
type Completion struct {
	// OK says the request succeeded; only then are Metrics and
	// OutputTokens read.
	OK bool
	// Metrics are report.PerRequest of the record: the one definition of
	// TTFT, TPOT and E2E (milliseconds).
	Metrics report.RequestMetrics
	// OutputTokens is the record's output token count.
	OutputTokens int
	// ID is the record's id: requests are numbered in the order they were
	// scheduled, and the latency sample takes them in that order
	// (sample.go).
	ID uint64
	// Sent and Done are offsets from the run's start, as in the record:
	// the send (of a retried request, its first attempt's, so that Done −
	// Sent is the time it held its worker, as report.BusyMS counts it) and
	// the end (done_ns, or end_ns if later).
	Sent, Done time.Duration
	// Due is when the schedule said to send it (the record's scheduled_ns,
	// an offset from the run's start; a retried request's is its first
	// attempt's), and HasDue says it is set. An open-loop level whose every
	// completion has its due time judges keeping up against the schedule
	// (schedule.go): how far the requests done lag behind when they were
	// due, which the arrivals' own noise does not reach; without it, by the
	// rate requests were served at, which it does.
	Due    time.Duration
	HasDue bool
}

// Verdict is a level's SLO verdict, on the point estimates as
// report.MeetsSLO judges them.
type Verdict uint8

// The verdicts.
const (
	// Unjudged: the SLO sets no latency objective (report computes no
	// capacity then); only saturation fails such a level.
	Unjudged Verdict = iota
	Pass
	Fail
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	}
	return "unjudged"
}

// Reason says why a level stopped, or that it runs on.
type Reason uint8

// The reasons, in the order of precedence when several hold at one look.
const (
	// Running: keep sending.
	Running Reason = iota
	// StopSaturated: the server cannot keep up with the level (open loop),
	// or gains no throughput over a lower level (closed loop).
	StopSaturated
	// StopCertain: the SLO verdict is settled: every judged interval lies
	// below its threshold, or one lies wholly above.
	StopCertain
	// StopPrecise: every judged interval is within the precision.
	StopPrecise
	// StopMaxRequests and StopMaxDuration: the level ran to its bound.
	StopMaxRequests
	StopMaxDuration
	// StopEnded: the runner ended the level (Level.Finish).
	StopEnded
	// StopRunStopped: the run stopped during the level (Ctrl-C, or a
	// failure such as a full disk), before any rule or bound ended it.
	StopRunStopped
)

func (r Reason) String() string {
	switch r {
	case StopSaturated:
		return "saturated"
	case StopCertain:
		return "verdict certain"
	case StopPrecise:
		return "precise"
	case StopMaxRequests:
		return "max requests"
	case StopMaxDuration:
		return "max duration"
	case StopEnded:
		return "ended"
	case StopRunStopped:
		return "run stopped"
	}
	return "running"
}

// An Estimate is one judged number with its interval at the plan's
// confidence, repeated looks accounted for.
type Estimate struct {
	// Name says what it is: "TTFT p95", "output tokens/s", "error rate".
	Name string
	// Value is the point estimate (report's definition: type-7 percentile
	// in ms; tokens/s; failed fraction). Lo and Hi bound it; ±Inf where the
	// data cannot bound it yet.
	Value, Lo, Hi float64
	// Limit is the threshold it is judged against (ms; the error budget);
	// 0 when none.
	Limit float64
	// N is the number of values it rests on.
	N int
}

// Reach is how far the interval reaches from its value on its farther
// side, relative to it: the larger of Hi − Value and Value − Lo, over
// |Value|, so that the interval lies within ±Reach of the value, as
// --precision promises; +Inf when unbounded or Value is 0 or NaN. Half its
// width, (Hi − Lo) / (2·|Value|), the mean of the two reaches, called an
// open level ±5 % whose interval was [−8.9 %, 0] of its value (keeping up:
// its value is the target, its upper end too), and a percentile's
// [−3 %, +7 %] ±5 %.
func (e Estimate) Reach() float64 {
	if math.IsInf(e.Lo, 0) || math.IsInf(e.Hi, 0) || e.Value == 0 || math.IsNaN(e.Value) {
		return math.Inf(1)
	}
	return max(e.Hi-e.Value, e.Value-e.Lo) / math.Abs(e.Value)
}

// String is e.g. "TTFT p95 812.4 ms [760.1, 871.0]", with "…" for an end
// the data cannot bound yet: report.IntervalString of its Interval, as the
// run's table writes it; "output tokens/s unknown" for no value (NaN: no
// completion after the fill), which Interval writes as 0 for JSON.
func (e Estimate) String() string {
	if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
		return e.Name + " unknown"
	}
	return report.IntervalString(e.Interval())
}

// Interval is e as run.json holds it: an unbounded or undefined end is
// left out (JSON has no infinity), an undefined value is 0.
func (e Estimate) Interval() rundir.Interval {
	finite := func(x float64) *float64 {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil
		}
		return &x
	}
	v := e.Value
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return rundir.Interval{Name: e.Name, Value: v, Lo: finite(e.Lo), Hi: finite(e.Hi), Limit: e.Limit, N: e.N}
}

// A Decision is what a level's look concluded. After a stop it is the
// level's result: the search and the spend accounting read it.
type Decision struct {
	// Level is the load level: concurrency, or rate in req/s.
	Level float64
	// Stop says stop sending; Reason says why (Running when not).
	Stop   bool
	Reason Reason
	// Verdict is the SLO verdict on the point estimates, as report.MeetsSLO
	// judges them; Certain says the intervals settle it (or saturation
	// does, open loop); Why gives the failed objectives in words.
	Verdict Verdict
	Certain bool
	Why     []string
	// N completions, Failed of them; Judged of them in the sample the
	// latency and error-rate estimates rest on: the level's first requests
	// in schedule order, each once all before it completed (sample.go). The
	// look schedule, MinRequests and MaxRequests count Judged. Elapsed runs from
	// the level's start to the last completion; Look is the look number
	// (1-based).
	N, Judged, Failed int
	Elapsed           time.Duration
	Look              int
	// Latency holds the judged percentile of each SLO latency metric with
	// data (TTFT, TPOT, E2E, in that order); Throughput the long-run
	// output tokens/s (not report's over the level's window: see
	// throughput); ErrorRate the failed fraction.
	Latency    []Estimate
	Throughput Estimate
	ErrorRate  Estimate
	// MedianE2E is the type-7 median E2E (ms) of successful requests: the
	// closed-loop saturation test compares it across levels.
	MedianE2E float64
	// Saturated says the level is past the server's capacity, Saturation
	// in words why.
	Saturated  bool
	Saturation string
}

// A Level accumulates one load level's completions and decides when the
// level can stop. Feed it from the one goroutine that records completions
// (it is not safe for concurrent use): call Add for each completion, and
// Check when Add reports a look due. Add costs O(log h) for the h
// completions held back from the sample (sample.go), about a hundred
// nanoseconds; Check is O(n) in the completions held plus a few
// incomplete-beta evaluations, about ten microseconds at a thousand
// requests.
type Level struct {
	plan     *Plan
	value    float64
	start    time.Duration
	baseline *Decision

	n, failed int
	last      time.Duration // latest done
	// The latency sample (sample.go): completions wait in held until every
	// request scheduled before them has completed; nextID is the id the
	// sample waits for.
	held                     heldQueue
	nextID                   uint64
	admitted, admittedFailed int
	ttft, tpot, e2e          values
	tl                       timeline
	next                     int // index in plan.looks of the next look
	looks                    int // looks taken
	dec                      Decision
	stopped                  bool
	settleM, settleU         int  // Settles' last count and its upper rank
	noDue                    bool // some completion came without its due time
}

// NewLevel starts the accounting of one level. value is the level
// (concurrency, or rate in req/s for an open-loop plan); firstID is the id
// of the level's first measured request (the runner's FirstID plus its
// warm-up count); start is the level's first measured send, an offset from
// the run's start as the completions' times are. baseline is the decision
// of a lower level to judge closed-loop saturation against (Search.Next
// gives it), nil for none.
func (p *Plan) NewLevel(value float64, firstID uint64, start time.Duration, baseline *Decision) *Level {
	l := &Level{plan: p, value: value, nextID: firstID, start: start, baseline: baseline}
	l.tl.start = start
	l.dec = Decision{Level: value}
	return l
}

// Add accounts for one completion and reports whether a look is due: then
// call Check. Completions after the level stopped are ignored.
func (l *Level) Add(c Completion) bool {
	if l.stopped {
		return false
	}
	l.n++
	l.last = max(l.last, c.Done)
	b := l.tl.at(c.Done)
	b.n++
	b.busy += (c.Done - c.Sent).Seconds()
	if c.HasDue {
		b.doneSum += (c.Done - l.start).Seconds()
		b.dueSum += (c.Due - l.start).Seconds()
	} else {
		l.noDue = true
	}
	h := held{id: c.ID, ok: c.OK}
	if !c.OK {
		l.failed++
	} else {
		m := &c.Metrics
		b.tokens += float64(c.OutputTokens)
		h.ttft, h.tpot, h.e2e, h.hasTPOT = m.TTFT, m.TPOT, m.E2E, m.HasTPOT
	}
	l.held.push(h)
	l.admit()
	if l.next < len(l.plan.looks) && l.admitted >= l.plan.looks[l.next] {
		return true
	}
	return l.bounded()
}

// Check looks at the level when a look is due (Add said so) and returns the
// decision; between looks, and after a stop, it returns the last decision
// unchanged, so that extra calls cannot add looks the plan did not price.
func (l *Level) Check() Decision {
	if l.stopped {
		return l.dec
	}
	scheduled := l.next < len(l.plan.looks) && l.admitted >= l.plan.looks[l.next]
	if !scheduled && !l.bounded() {
		return l.dec
	}
	for l.next < len(l.plan.looks) && l.admitted >= l.plan.looks[l.next] {
		l.next++
	}
	l.evaluate(Running)
	return l.dec
}

// bounded reports whether the level ran past its bounds between looks: its
// maximum duration, or twice its maximum requests completed (a straggler
// holding the sample back: see sample.go).
func (l *Level) bounded() bool {
	o := &l.plan.o
	return o.MaxDuration > 0 && l.last-l.start >= o.MaxDuration || l.n >= 2*o.MaxRequests
}

// Finish ends the level where it stands (the runner stopped it: its own
// time limit, a signal) and returns the decision at the current count,
// Reason StopEnded. After a stop it returns that stop's decision.
func (l *Level) Finish() Decision {
	if !l.stopped {
		l.evaluate(StopEnded)
	}
	return l.dec
}

// Decision is the last look's decision (the level's result after a stop).
func (l *Level) Decision() Decision { return l.dec }

// evaluate computes a look's decision into l.dec; forced, when not
// Running, stops the level with that reason.
func (l *Level) evaluate(forced Reason) {
	p := l.plan
	o := &p.o
	l.looks++
	d := Decision{Level: l.value, N: l.n, Judged: l.admitted, Failed: l.failed, Elapsed: max(l.last-l.start, 0), Look: l.looks}
	ms := func(t time.Duration) float64 { return float64(t) / float64(time.Millisecond) }

	judge := func(metric int, v *values, limit time.Duration) {
		if limit <= 0 || v.len() == 0 {
			return
		}
		est, lo, hi := v.quantile(p.p, p.orderRanks)
		d.Latency = append(d.Latency, Estimate{Name: p.names[metric],
			Value: est, Lo: lo, Hi: hi, Limit: ms(limit), N: v.len()})
	}
	judge(0, &l.ttft, o.SLO.TTFT)
	judge(1, &l.tpot, o.SLO.TPOT)
	judge(2, &l.e2e, o.SLO.E2E)
	// The fill: until about the slowest requests sent first complete,
	// completions, in-flight requests and TTFT climb to their steady level.
	var fill time.Duration
	if l.e2e.len() > 0 {
		l.e2e.flush()
		d.MedianE2E = report.Quantile7(l.e2e.sorted, 50)
		fill = time.Duration(report.Quantile7(l.e2e.sorted, fillPercentile) * float64(time.Millisecond))
	}

	d.ErrorRate = errorRate(l.admitted, l.admittedFailed, p.a/2, o.SLO.ErrorBudget())
	// Open loop: saturation decides which throughput estimator holds, and
	// both read the served rate, computed once; closed loop: the
	// throughput decides saturation.
	var served servedRate
	if o.OpenLoop {
		served = l.servedRate(fill)
		d.Saturated, d.Saturation = l.openLoopSaturation(fill, served)
	}
	d.Throughput = l.throughput(fill, d.Saturated, served)
	l.judge(&d)
	switch {
	case d.Saturated:
		// A level whose queue grows has no steady state: its
		// percentiles measure how long it ran, and it cannot pass.
		d.Verdict, d.Certain = Fail, true
		d.Why = append(d.Why, "saturated: "+d.Saturation)
	case !o.OpenLoop:
		d.Saturated, d.Saturation = closedLoopSaturation(&d, l.baseline)
	}

	ready := l.admitted >= l.minJudged() && d.Elapsed >= o.MinDuration
	precise := d.Throughput.Reach() <= o.Precision
	for _, e := range d.Latency {
		precise = precise && e.Reach() <= o.Precision
	}
	switch {
	case forced != Running:
		d.Reason = forced
	case ready && d.Saturated:
		d.Reason = StopSaturated
	case ready && d.Certain:
		d.Reason = StopCertain
	case ready && precise:
		d.Reason = StopPrecise
	case l.admitted >= o.MaxRequests || l.n >= 2*o.MaxRequests:
		d.Reason = StopMaxRequests
	case o.MaxDuration > 0 && d.Elapsed >= o.MaxDuration:
		d.Reason = StopMaxDuration
	}
	d.Stop = d.Reason != Running
	l.stopped = d.Stop
	l.dec = d
}

// throughput is the level's long-run output tokens/s, by a ratio estimator
// over the buckets after the fill with its batch-means interval
// (ratioMeans):
//
//   - closed loop: concurrency × Σ tokens / Σ (done − sent). Each worker
//     alternates requests back to back, so its long-run rate is tokens per
//     request over time per request (renewal-reward: Ross, Stochastic
//     Processes, 2nd ed., 1996, §3.6), and the level's is C times that.
//   - open loop: target rate × Σ tokens / completions. A level that keeps
//     up serves every request it is sent, so its long-run rate is the
//     target's times the tokens per request. Whether it keeps up is what
//     the data must show: a server past its capacity serves fewer
//     requests a second however long it runs, and a level stops (50
//     requests of 64 tokens each: the point 64 × target) before the
//     saturation rules have buckets enough to see it. So the interval's
//     lower end takes a lower bound of the rate served where it lies under
//     the target; its upper end is the target's, which no long run can
//     exceed. With due times the bound is min(target, offered) × (γ −
//     t·se): the pace at which the level got through its schedule
//     (schedule.go), times the rate its schedule offered over the window,
//     served / γ, where that fell short of the target (the server kept up
//     with fewer requests than the target's, and that is all it showed).
//     Without, it is the served rate's (completions per second after the
//     fill), which carries the arrivals' own noise: ±1/√n for Poisson. A saturated level fails, and
//     its estimate is the served rate's throughout.
//
// That is the long-run rate, not report's steady-state Σ tokens / window of
// the same requests: report's window carries the arrivals' own noise over
// the window and, for an open loop, the fill (its steady state starts at
// the first send, with the server empty), so the two differ by more than
// this interval at a short level and converge only as the window grows
// (docs/adaptive.md). Both ratios are far tighter than counting tokens per
// time bucket, whose count of completions jumps by one whenever a
// completion falls either side of a bucket's edge: at 120 requests of a
// closed loop the time-bucket interval was ±50 %, the ratio's a fraction
// of that.
func (l *Level) throughput(fill time.Duration, saturated bool, s servedRate) Estimate {
	p := l.plan
	e := Estimate{Name: "output tokens/s"}
	var r, lower, upper float64
	if p.o.OpenLoop {
		// perRequest rests on the same buckets as the served rate (both
		// ratioMeans over the full buckets after the fill): n = s.batches.
		perRequest, pse, n := l.tl.ratioMeans(l.last, fill, tokensOf, countOf)
		tq := p.tQuantile(n - 1)
		served, sh := s.rate, s.spread+s.edge
		var rate, below, above float64 // the rate and its half-widths
		if saturated {
			// Not keeping up: the served rate, both ways.
			rate, below, above = served, sh, sh
		} else {
			// Keeping up at most: from a lower bound of the rate served
			// (when under the target) to the target.
			rate = l.value
			lo := served - sh
			if l.paced() {
				// Against the schedule (schedule.go): the level got
				// through its schedule at pace γ ≥ γ − t·se, and the
				// schedule it was offered ran at served/γ a second.
				if g, gse, df := l.tl.pace(l.last, fill, paceBatches); g > 0 {
					lo = min(l.value, served/g) * (g - p.tQuantile(df)*gse)
				}
				// However steady the pace, that it keeps up is known
				// only to one completion over the buckets' span, as
				// without due times: a level whose every request lags
				// its due time alike (the fixed-timing mock) has
				// increments of no spread, and γ = 1 ± 0 made the
				// interval a point, on as few as 4 buckets.
				lo = min(lo, l.value-s.edge)
			}
			below = max(rate-lo, 0)
			if math.IsNaN(served) {
				below = math.Inf(1)
			}
		}
		// The product's half-widths add to first order (conservative:
		// not in quadrature, as the two share the batches).
		r, e.N = perRequest*rate, n
		lower, upper = tq*pse*rate+perRequest*below, tq*pse*rate+perRequest*above
	} else {
		var se float64
		r, se, e.N = l.tl.ratioMeans(l.last, fill, tokensOf, exposureOf)
		r, se = r*l.value, se*l.value
		lower = p.tQuantile(e.N-1) * se
		upper = lower
	}
	e.Value, e.Lo, e.Hi = r, max(r-lower, 0), r+upper
	if math.IsInf(lower, 1) || math.IsNaN(lower) || math.IsInf(upper, 1) || math.IsNaN(upper) {
		e.Lo, e.Hi = math.Inf(-1), math.Inf(1)
	}
	return e
}

// servedRate is an open-loop level's served rate over the buckets after
// the fill (completions per second, by ratioMeans), with the two parts of
// its half-width at the plan's per-look level, and the buckets it rests
// on. The saturation rule and the throughput's lower bound both read it.
type servedRate struct {
	rate float64
	// spread is the batch means' t·se; edge is one completion over the
	// buckets' span, which a count over a window can miss at either edge
	// however regular the completions (a level completing like clockwork,
	// at its target or past its capacity, has batch means of zero
	// variance, and the count still falls either side of the span's
	// edges).
	spread, edge float64
	batches      int
}

// servedRate computes the served rate, once a look.
func (l *Level) servedRate(fill time.Duration) servedRate {
	rate, se, b := l.tl.ratioMeans(l.last, fill, countOf, widthOf)
	return servedRate{rate: rate, spread: l.plan.tQuantile(b-1) * se,
		edge: 1 / (float64(b) * l.tl.width.Seconds()), batches: b}
}

// judge sets d's verdict, certainty and reasons from its estimates, by
// report.MeetsSLO's rules: the error rate within budget, each set latency
// threshold at the SLO percentile (a metric no successful request defines
// is not judged), and a level with no success fails an SLO with latency
// thresholds.
//
// Certain fail: a latency interval lies wholly above its threshold, or the
// error rate's lower bound exceeds the budget, or more requests failed than
// the budget allows of MaxRequests (no later success can bring the fraction
// back). Certain pass: every latency threshold's metric has data and its
// interval lies at or below the threshold, no ITL objective is set (a level
// cannot judge ITL: see docs/adaptive.md), and the observed error rate is
// within budget. The error rate is judged on its observed value for a pass,
// as report does, not on a confidence bound: with the default 1 % budget
// and no failure, an upper bound below 1 % takes some 500 requests, so
// requiring it would make every passing level run longer than a fixed one.
func (l *Level) judge(d *Decision) {
	o := &l.plan.o
	slo := o.SLO
	// Without a latency objective there is no capacity to judge, as in
	// report (Summary.Capacity is nil then).
	if slo.IsZero() {
		return
	}
	switch {
	case l.n == 0:
		d.Verdict, d.Why = Fail, []string{"no measured requests"}
		return
	case l.admitted == 0:
		// Nothing old enough to judge: not a pass.
		d.Verdict, d.Why = Fail, []string{"no request finished early enough to judge"}
		return
	}
	budget := slo.ErrorBudget()
	d.Verdict = Pass
	certainFail := false
	if rate := d.ErrorRate.Value; rate > budget {
		d.Verdict = Fail
		d.Why = append(d.Why, fmt.Sprintf("error rate %.1f%% > %.1f%%", 100*rate, 100*budget))
		certainFail = d.ErrorRate.Lo > budget || float64(l.failed) > budget*float64(o.MaxRequests)
	}
	if l.admitted == l.admittedFailed {
		d.Verdict = Fail
		d.Why = append(d.Why, "no successful request to judge the latencies by")
	}
	allBelow := slo.ITL == 0 && d.Verdict == Pass
	judged := 0
	for _, e := range d.Latency {
		judged++
		if e.Value > e.Limit {
			d.Verdict = Fail
			d.Why = append(d.Why, fmt.Sprintf("%s %.1f ms [%.1f, %.1f] > %.4g ms", e.Name, e.Value, e.Lo, e.Hi, e.Limit))
		}
		certainFail = certainFail || e.Lo > e.Limit
		allBelow = allBelow && e.Hi <= e.Limit
	}
	want := 0
	for _, t := range []time.Duration{slo.TTFT, slo.TPOT, slo.E2E} {
		if t > 0 {
			want++
		}
	}
	d.Certain = certainFail || (allBelow && judged == want)
}

// errorRate is the failed fraction with its Clopper–Pearson interval, tail
// a on each side (Clopper & Pearson, "The use of confidence or fiducial
// limits illustrated in the case of the binomial", Biometrika 26(4), 1934):
// exact for any n, as the quantile intervals are.
func errorRate(n, failed int, a, budget float64) Estimate {
	e := Estimate{Name: "error rate", Limit: budget, N: n, Lo: 0, Hi: 1}
	if n == 0 {
		e.Value = math.NaN()
		return e
	}
	x, m := float64(failed), float64(n)
	e.Value = x / m
	// The usual cases, no failure and all failed, have closed forms (the
	// inverse beta costs microseconds at every look).
	switch {
	case failed == 0:
		e.Hi = 1 - math.Pow(a, 1/m)
	case failed == n:
		e.Lo = math.Pow(a, 1/m)
	default:
		e.Lo = mathext.InvRegIncBeta(x, m-x+1, a)
		e.Hi = mathext.InvRegIncBeta(x+1, m-x, 1-a)
	}
	return e
}
