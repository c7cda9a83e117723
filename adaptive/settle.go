package adaptive

import (
	"math"
	"time"

	"github.com/inferbench/inferbench/report"
)

// settleMargin is how far below its threshold the projected upper bound of
// each judged percentile must lie for Settles to stop sending: a tenth of
// the threshold, so that the values still to come (about as many as the
// level's concurrency) would have to be much slower than those seen to undo
// the pass.
const settleMargin = 0.9

// rampWaves is how many rounds of its concurrency a closed-loop level
// judges at least before it may stop on anything but its maximum.
const rampWaves = 2

// minJudged is the judged count before which a level does not stop on a
// settled verdict, saturation or precision: MinRequests, and in closed loop
// rampWaves times the concurrency (at most MaxRequests). A closed loop's
// first C requests are sent together and queue behind one another: one
// correlated batch, not C independent draws, and the slowest part of the
// level (docs/adaptive.md, "The ramp: two rounds before a stop"). Judged on them alone the A100
// mock's level 64 "certainly failed" with a TTFT p95 of 2.0 s where its
// later requests had 0.24 s and the fixed level, 41 % ramp, passed at
// 0.88 s.
func (l *Level) minJudged() int {
	o := &l.plan.o
	n := o.MinRequests
	if !o.OpenLoop {
		n = max(n, min(int(math.Ceil(rampWaves*l.value)), o.MaxRequests))
	}
	return n
}

// Settles reports whether the requests already sent are expected, once they
// have all completed, to settle the level as a certain pass, so that the
// runner can stop sending now and let the drain bring in the rest
// (docs/adaptive.md, "Stop sending before the verdict"). Call it after any completion (it judges
// nothing before the level's first look); inFlight is the number of
// requests still running. It costs a merge of the values added since the
// last call and, when the count changed, one rank computation.
//
// The pass is projected, not decided: with n completions and inFlight still
// running, the level will hold m = n + inFlight values, and its upper
// bound for each judged percentile will be X(u) of those m for the plan's
// rank u at m. Settles requires that rank to exist (u ≤ m) and the sample's
// type-7 quantile at the same fraction, (u − 1)/(m − 1), to lie at most
// settleMargin of the threshold, with the point verdict a pass. The
// decision itself is Drained's, at the final count, with the usual
// intervals: a projection that proves wrong leaves an uncertain pass (or a
// fail), never a wrong interval, as the stopping rule does not enter the
// repeated-looks coverage argument.
func (l *Level) Settles(inFlight int) bool {
	d := &l.dec
	o := &l.plan.o
	if l.stopped || d.Look == 0 || d.Verdict != Pass || d.Saturated || o.SLO.ITL != 0 {
		return false
	}
	want := 0
	for _, t := range []time.Duration{o.SLO.TTFT, o.SLO.TPOT, o.SLO.E2E} {
		if t > 0 {
			want++
		}
	}
	if want == 0 || len(d.Latency) != want {
		return false
	}
	m := l.n + max(inFlight, 0)
	if m < l.minJudged() {
		return false
	}
	if m != l.settleM {
		_, l.settleU = l.plan.orderRanks(m)
		l.settleM = m
	}
	u := l.settleU
	if u > m || m < 2 {
		return false
	}
	q := 100 * float64(u-1) / float64(m-1)
	for i, v := range []*values{&l.ttft, &l.tpot, &l.e2e} {
		limit := []time.Duration{o.SLO.TTFT, o.SLO.TPOT, o.SLO.E2E}[i]
		if limit <= 0 || v.len() == 0 {
			continue
		}
		v.flush()
		limitMS := float64(limit) / float64(time.Millisecond)
		if report.Quantile7(v.sorted, q) > settleMargin*limitMS {
			return false
		}
	}
	return true
}

// Drained ends a level whose sending stopped because Settles said so, once
// the requests in flight have completed: the decision at the final count by
// the usual precedence (saturated, verdict certain, precise), StopEnded when
// none holds. After a stop it returns that stop's decision.
func (l *Level) Drained() Decision {
	if l.stopped {
		return l.dec
	}
	l.evaluate(Running)
	if !l.dec.Stop {
		l.dec.Reason, l.dec.Stop = StopEnded, true
		l.stopped = true
	}
	return l.dec
}
