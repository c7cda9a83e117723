package adaptive

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Saturation thresholds (docs/adaptive.md gives the reasoning).
const (
	// rateFloor: an open-loop level whose requests are served at under 98 %
	// of the target rate is not running at its level.
	rateFloor = 0.98
	// trendZ is the one-sided Mann–Kendall critical value at 0.1 %: the
	// test runs at every look, so a stationary level must almost never
	// pass it by chance.
	trendZ = 3.09
	// minTrendBuckets is the fewest buckets a trend or a served rate is
	// judged on (the Mann–Kendall statistic is near normal from 8 on).
	minTrendBuckets = 8
	// minQueueSpan is the shortest span, in median E2Es, a queue trend is
	// judged over.
	minQueueSpan = 8.0
	// minGrowth: a queue counts as growing when in-flight requests and TTFT
	// each rose by at least a quarter of their median over the buckets
	// judged. Significance alone would flag a trend of a few percent once
	// a level is long; a real overload grows without bound.
	minGrowth = 0.25
	// minGain and minSlowdown (closed loop): a level is saturated when its
	// throughput certainly gained less than a tenth of what linear scaling
	// from the baseline level would give, while its median E2E rose by at
	// least half the concurrency ratio's excess.
	minGain     = 0.1
	minSlowdown = 0.5
)

// series holds one bucketed quantity's points (time or x, value).
type series struct {
	x, y [maxBuckets]float64
	n    int
}

func (s *series) add(x, y float64) { s.x[s.n], s.y[s.n] = x, y; s.n++ }

// growth is the Theil–Sen slope times the span of x, over the median of y:
// how much the series rose over the buckets judged, relative to its level.
func (s *series) growth(buf []float64) (float64, []float64) {
	slope, buf := theilSen(s.x[:s.n], s.y[:s.n], buf)
	buf = append(buf[:0], s.y[:s.n]...)
	slices.Sort(buf)
	med := buf[s.n/2]
	if s.n%2 == 0 {
		med = (buf[s.n/2-1] + buf[s.n/2]) / 2
	}
	if med <= 0 {
		return math.Inf(1), buf
	}
	return slope * (s.x[s.n-1] - s.x[0]) / med, buf
}

// openLoopSaturation applies the open-loop rules to the buckets that begin
// after fill from the level's start (a level's first requests find the
// server idle, and completions, in-flight requests and TTFT climb until the
// first ones complete; fill is the p95 E2E, by which a stable level is full)
// and after the first bucket:
//
//   - Rate: the rate requests were served at — completions per second,
//     their batch-means interval at the plan's per-look level — lies wholly
//     under 98 % of the target. Whether the client could not send (a
//     concurrency cap, a slow client) or the server could not keep up
//     (requests pile up in flight), completions cannot outpace the rate
//     the server sustains. The interval is the noise tolerance: a Poisson
//     schedule's count over a window varies by ±1/√n (±3 % at 1,000
//     requests, more than the 2 % to detect), and batch means also absorb
//     the correlation of a busy queue's output, where a count-based
//     tolerance would not. With due times, the level must also have
//     fallen behind its schedule (its pace γ < 1: schedule.go): a level
//     that kept pace was offered fewer requests than the target's over the
//     window (a Poisson window runs short half the time) and kept up with
//     them. Past capacity the served rate is the server's, regular, and
//     the test powerful; the pace alone, whose due times are then the
//     arrivals' random walk, flagged 26 % of the levels at 105 % of a
//     client capped at 16 slots where this flags 97 %, and the veto takes
//     most false flags at half the capacity away (1.2–1.5 % of the levels
//     → 0.2–1.0 %: docs/adaptive.md).
//   - Queue: in-flight requests and TTFT both rise significantly
//     (Mann–Kendall, one-sided 0.1 %), each by at least a quarter of its
//     median, over a span of at least minQueueSpan median E2Es. It flags a
//     strong overload long before the rate's interval can, and the span
//     keeps it off a busy but stable queue: near capacity a stable queue
//     wanders for many request times, and a short window of it looks like a
//     trend (in the simulation, one run in five at 92 % load was flagged on
//     a 6 s window without the span).
func (l *Level) openLoopSaturation(fill time.Duration, medianE2E float64) (bool, string) {
	t := &l.tl
	p := l.plan
	target := l.value
	mean, se, batches := t.ratioMeans(l.last, fill, countOf, widthOf)
	if hi := mean + p.tQuantile(batches-1)*se; batches >= minTrendBuckets && hi < rateFloor*target {
		if !l.paced() {
			return true, fmt.Sprintf("served %.3g req/s (at most %.3g) of the %.3g req/s target (%.0f%%)",
				mean, hi, target, 100*mean/target)
		}
		// Against the schedule: a level that kept pace with it was offered
		// fewer requests than the target's, and kept up with them. (A pace
		// the buckets cannot tell, NaN, vetoes nothing.)
		if g, _, _ := t.pace(l.last, fill, maxBuckets); !(g >= 1) {
			return true, fmt.Sprintf("served %.3g req/s (at most %.3g) of the %.3g req/s target (%.0f%%), falling behind its schedule (%.0f%% of its pace)",
				mean, hi, target, 100*mean/target, 100*g)
		}
	}
	full := t.full(l.last)
	var inFlight, ttft series
	for i := 1; i < full; i++ {
		if time.Duration(i)*t.width < fill {
			continue
		}
		b := &t.buckets[i]
		mid := (float64(i) + 0.5) * t.width.Seconds()
		if b.inFlightN > 0 {
			inFlight.add(mid, b.inFlightSum/float64(b.inFlightN))
		}
		if b.ttftN > 0 {
			ttft.add(mid, b.ttftSum/float64(b.ttftN))
		}
	}
	if inFlight.n < minTrendBuckets || ttft.n < minTrendBuckets ||
		inFlight.x[inFlight.n-1]-inFlight.x[0] < minQueueSpan*medianE2E/1000 ||
		mannKendallZ(inFlight.y[:inFlight.n]) <= trendZ || mannKendallZ(ttft.y[:ttft.n]) <= trendZ {
		return false, ""
	}
	var gi, gt float64
	gi, l.scratch = inFlight.growth(l.scratch)
	gt, l.scratch = ttft.growth(l.scratch)
	if gi < minGrowth || gt < minGrowth {
		return false, ""
	}
	return true, fmt.Sprintf("queue growing: in flight %.0f → %.0f, TTFT %.0f → %.0f ms over %.0f s",
		inFlight.y[0], inFlight.y[inFlight.n-1], ttft.y[0], ttft.y[ttft.n-1], inFlight.x[inFlight.n-1]-inFlight.x[0])
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
