package adaptive

import (
	"fmt"
	"math"
	"time"
)

// Saturation thresholds (docs/adaptive.md, "Saturation" and "Saturation
// near the knee", gives the reasoning and the measurements).
const (
	// rateFloor: an open-loop level is saturated when the rate its
	// requests were served at lies certainly under rateFloor × the target:
	// the server (or the client) does not sustain the rate it was asked
	// for. 1, not a margin under it: the interval's own error is the
	// tolerance, so a level that keeps up is flagged with at most the
	// interval's one-sided error, and a margin only takes power away where
	// it is scarcest, just past the knee (0.98: 37 % of the levels at 105
	// % of capacity with 64–192 tokens flagged, 1: 89 %).
	rateFloor = 1.0
	// minRateBuckets is the fewest buckets after the fill the served rate
	// is judged on.
	minRateBuckets = 8
	// paceVeto: with due times, a level whose served rate lies under the
	// target is saturated only if its pace γ lies at least paceVeto
	// standard errors under 1; one that kept pace, within that, was offered
	// fewer requests than the target's and kept up with them. At 0 (γ < 1
	// by any amount) a level at 95 % of capacity whose window happened to
	// bring few arrivals, and whose pace lay a hair under 1, was flagged
	// (1.5–4.2 % of them); at 0.5, 0.8–2.2 %, with the detection at 105 %
	// as it was at 0 within 1.5 points; at 1, 0.0–1.0 %, but 105 % with
	// variable lengths fell to 83–87 % (docs/adaptive.md, "Saturation near
	// the knee").
	paceVeto = 0.5
	// minGain and minSlowdown (closed loop): a level is saturated when its
	// throughput certainly gained less than a tenth of what linear scaling
	// from the baseline level would give, while its median E2E rose by at
	// least half the concurrency ratio's excess.
	minGain     = 0.1
	minSlowdown = 0.5
)

// openLoopSaturation judges an open-loop level on the buckets that begin
// after fill from the level's start (a level's first requests find the
// server idle, and completions climb until the first ones complete; fill
// is the p95 E2E, by which a stable level is full) and after the first
// bucket. It is saturated when:
//
//   - the rate its requests were served at — completions per second, with
//     its interval (servedRate: the one the throughput's lower bound
//     takes) — lies wholly under the target; and,
//   - with due times, the level fell behind its schedule (its pace γ lies
//     paceVeto standard errors under 1: schedule.go): a level that kept
//     pace was offered fewer requests than the target's over the window (a
//     Poisson window runs short half the time) and kept up with them. (A
//     pace the buckets cannot tell, NaN, vetoes nothing.)
//
// The hypothesis tested is the one a capacity search needs answered: does
// the server sustain the target rate? Keeping up, the served rate's long
// run is the target, and its interval's upper end falls under it at any
// look with at most the interval's one-sided error (the plan prices its
// looks); past capacity it is the server's rate, which completes
// regularly, so the interval is narrow and the test powerful. Whether the
// client could not send (a concurrency cap, a slow client) or requests pile
// up at the server, completions cannot outpace what is sustained.
//
// An earlier rule also flagged a level whose in-flight requests and TTFT
// rose (a Mann–Kendall trend over the buckets at 0.1 %, each by a quarter
// of its median over 8 median E2Es). It judged 31–55 % of the levels at
// 95 % of capacity saturated: its null hypothesis, independent buckets
// around a constant level, is not a stable queue's. A queue near capacity
// started empty fills over its relaxation time (15–60 s at 95 % of 16
// slots, by the usual approximations), as long as a level or longer, and its bucket means are a slowly
// wandering, strongly correlated series, on which the rank test's
// variance, made for independent points, is several times too small.
// Tested honestly (on the queue's increments, whose noise is the arrivals'
// random walk) the in-flight trend has far less power than the served rate
// for the same hypothesis, so it was dropped (docs/adaptive.md).
func (l *Level) openLoopSaturation(fill time.Duration, s servedRate) (bool, string) {
	t := &l.tl
	target := l.value
	mean, batches := s.rate, s.batches
	if batches < minRateBuckets {
		return false, ""
	}
	hi := mean + s.spread + s.edge
	if !(hi < rateFloor*target) {
		return false, ""
	}
	if !l.paced() {
		return true, fmt.Sprintf("served %.3g req/s (at most %.3g) of the %.3g req/s target (%.0f%%)",
			mean, hi, target, 100*mean/target)
	}
	g, gse, _ := t.pace(l.last, fill, maxBuckets)
	if g >= 1-paceVeto*gse {
		return false, ""
	}
	return true, fmt.Sprintf("served %.3g req/s (at most %.3g) of the %.3g req/s target (%.0f%%), falling behind its schedule (%.2f%% of its pace)",
		mean, hi, target, 100*mean/target, 100*g)
}

// closedLoopSaturation compares a closed-loop level with a lower one, the
// baseline (the lower level with the best throughput): saturated when its
// throughput's upper bound is under the baseline's plus a tenth of the
// linear gain, and its median E2E rose by at least half the concurrency
// ratio's excess. By Little's law a closed loop whose throughput stalls
// must show the extra concurrency as latency; requiring both keeps a level
// whose requests merely got shorter (fewer tokens) from counting.
func closedLoopSaturation(d, base *Decision) (bool, string) {
	if base == nil || !(d.Level > base.Level) || !(base.Throughput.Value > 0) ||
		math.IsInf(d.Throughput.Hi, 1) || !(base.MedianE2E > 0) {
		return false, ""
	}
	r := d.Level / base.Level
	if d.Throughput.Hi >= base.Throughput.Value*(1+minGain*(r-1)) ||
		d.MedianE2E < base.MedianE2E*(1+minSlowdown*(r-1)) {
		return false, ""
	}
	return true, fmt.Sprintf("throughput stopped rising: %.0f output tokens/s (at most %.0f) at %g against %.0f at %g, while median E2E rose from %.0f to %.0f ms",
		d.Throughput.Value, d.Throughput.Hi, d.Level, base.Throughput.Value, base.Level, base.MedianE2E, d.MedianE2E)
}
