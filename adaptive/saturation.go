package adaptive

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Saturation thresholds (docs/adaptive.md gives the reasoning).
const (
	// rateFloor: an open-loop level whose requests go out at under 98 % of
	// the target rate is not running at its level.
	rateFloor = 0.98
	// trendZ is the one-sided Mann–Kendall critical value at 0.1 %: the
	// test runs at every look, so a stationary level must almost never
	// pass it by chance.
	trendZ = 3.09
	// minTrendBuckets is the fewest buckets a trend is judged on (the
	// Mann–Kendall statistic is near normal from 8 on).
	minTrendBuckets = 8
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
// after guard from the level's start (the fill: a level's first requests
// find the server idle, and in-flight requests and TTFT rise until the
// first ones complete; guard is the p90 E2E, by which a stable level is
// full) and after the first bucket:
//
//   - Rate: requests go out in schedule order, so the send rate over the
//     schedule rate is the slope of mean send time on mean due time across
//     buckets (Theil–Sen). Comparing each request's send with its own due
//     time cancels the arrival process's noise, which a count over the
//     window would carry (±1/√n for Poisson arrivals: ±3 % at 1,000
//     requests, more than the 2 % to detect). Flagged when the send rate is
//     under 98 % of the target and the send lag rises significantly
//     (Mann–Kendall, one-sided 0.1 %).
//   - Queue: in-flight requests and TTFT both rise significantly (the same
//     test) and by at least a quarter of their median over the buckets.
func (l *Level) openLoopSaturation(guard time.Duration) (bool, string) {
	t := &l.tl
	full := t.full(l.last)
	var sendVsDue, lag, inFlight, ttft series
	for i := 1; i < full; i++ {
		if time.Duration(i)*t.width < guard {
			continue
		}
		b := &t.buckets[i]
		mid := (float64(i) + 0.5) * t.width.Seconds()
		if b.schedN > 0 {
			k := float64(b.schedN)
			sendVsDue.add(b.schedSum/k, b.sentSum/k)
			lag.add(mid, b.lagSum/k)
		}
		if b.inFlightN > 0 {
			inFlight.add(mid, b.inFlightSum/float64(b.inFlightN))
		}
		if b.ttftN > 0 {
			ttft.add(mid, b.ttftSum/float64(b.ttftN))
		}
	}
	if sendVsDue.n >= minTrendBuckets {
		var slope float64
		slope, l.scratch = theilSen(sendVsDue.x[:sendVsDue.n], sendVsDue.y[:sendVsDue.n], l.scratch)
		if slope > 0 && 1/slope < rateFloor && mannKendallZ(lag.y[:lag.n]) > trendZ {
			return true, fmt.Sprintf("requests went out at %.1f%% of the target rate: send lag rose from %.0f ms to %.0f ms",
				100/slope, 1000*lag.y[0], 1000*lag.y[lag.n-1])
		}
	}
	if inFlight.n >= minTrendBuckets && ttft.n >= minTrendBuckets &&
		mannKendallZ(inFlight.y[:inFlight.n]) > trendZ && mannKendallZ(ttft.y[:ttft.n]) > trendZ {
		var gi, gt float64
		gi, l.scratch = inFlight.growth(l.scratch)
		gt, l.scratch = ttft.growth(l.scratch)
		if gi >= minGrowth && gt >= minGrowth {
			return true, fmt.Sprintf("queue growing: in flight %.0f → %.0f, TTFT %.0f → %.0f ms over %.0f s",
				inFlight.y[0], inFlight.y[inFlight.n-1], ttft.y[0], ttft.y[ttft.n-1], inFlight.x[inFlight.n-1]-inFlight.x[0])
		}
	}
	return false, ""
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
