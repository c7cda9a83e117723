package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Bounds on an open-loop level (load.rate), checked where the values are
// written so a mistyped number fails at once with its file:line:col (or
// its flag) instead of producing a run that waits or allocates forever.
const (
	// minRate is the lowest rate: one request a day. Below it the first
	// request of a level is expected more than a day after the level
	// starts, which no benchmark means to wait for; it is a typo (1e-3
	// for 1e3). A slow trickle stays allowed: --rate 0.001 --requests 3
	// expects its three requests over about 50 minutes. Before this floor
	// --rate 1e-300 put the first due time past what a time.Duration
	// holds, and the run waited until it was interrupted.
	minRate = 1.0 / 86400
	// maxFirstArrival is how long after a level's start its first request
	// may be expected (Λ⁻¹(1) of the schedule): the same day as minRate,
	// so that a long ramp-up (which starts the rate at 0) cannot push the
	// first request past it either.
	maxFirstArrival = 24 * time.Hour
	// minBurstiness is the smallest gamma shape. Below about 0.01 a
	// float64 gamma draw is exactly 0 more and more often (shape 0.001:
	// about half the gaps), requests stop being spread at all, and a
	// schedule whose every gap is 0 has no time scale left (before this
	// bound, shape 1e-10 scheduled every request 292 years out). 0.01 is a
	// coefficient of variation of 10: burstier than any traffic model we
	// know of uses.
	minBurstiness = 0.01
	// MaxLevelArrivals bounds the requests one open-loop level schedules
	// (warm-up included). The schedule is streamed (loadgen.Stream), but a
	// random one is drawn once before the first request to normalize it:
	// about 7.5 ns a gap for Poisson and 50 ns for gamma (BenchmarkStream,
	// 2-core machine, 2026-12-04), so 100 million is under a second and
	// about 5 s before the level starts. Beyond it (1,000,000 req/s for an
	// hour: 3.6 billion) the wait before the first request would be
	// minutes. At the client's own measured ceiling (README: 7,300–8,800
	// requests/s on 2 cores) 100 million is over 3 hours of a level; the
	// report then needs about 1.1 KB of memory a request of 64 tokens
	// (docs/design.md, Memory).
	MaxLevelArrivals = 100_000_000
)

// expectedArrivals is Λ(s): the requests a schedule at rate r, ramped up
// linearly over ramp seconds, expects in its first s seconds. It is the
// same function as loadgen.Arrivals' (docs/design.md: open-loop schedules).
func expectedArrivals(r, ramp, s float64) float64 {
	if ramp > 0 && s < ramp {
		return r * s * s / (2 * ramp)
	}
	return r*ramp/2 + r*(s-ramp)
}

// firstArrival is Λ⁻¹(1) in seconds: when the schedule expects its first
// request.
func firstArrival(r, ramp float64) float64 {
	if ramp > 0 && r*ramp/2 >= 1 {
		return math.Sqrt(2 * ramp / r)
	}
	return ramp + (1-r*ramp/2)/r
}

// validateOpen checks the open-loop levels as a whole: each rate with the
// ramp-up, the duration, the request count and the warm-up (the rates'
// own range is checked first; a rate out of range is not checked again).
// It tells of the first rate with a problem only: the next rates of a
// list most often have the same one (1, 2, 3 req/s over 100 ms send none),
// and a request count too large was the same line once for each rate.
func (l *LoadProfile) validateOpen(c *checker) {
	ramp := time.Duration(l.RampUp).Seconds()
	d := time.Duration(l.Duration)
	warm := 0
	if l.Warmup != nil {
		warm = max(*l.Warmup, 0)
	}
	// n is the level's request count, warm-up included, as a float64: the
	// sum of the two ints can overflow (requests near MaxInt64 went
	// through as a negative count).
	n := float64(l.Requests) + float64(warm)
	for i, r := range l.Rate {
		p := c.ratePath(l, i)
		if !(r >= minRate && r <= MaxRate) || l.RampUp < 0 || l.Duration < 0 || l.Requests < 0 {
			continue
		}
		if ramp > 0 {
			if f := firstArrival(r, ramp); f > maxFirstArrival.Seconds() {
				c.errorf("load.ramp_up", "at %g requests per second a ramp-up of %v expects the first request %v after the start, more than a day (%v): shorten the ramp",
					r, time.Duration(l.RampUp), roundS(f), maxFirstArrival)
				return
			}
		}
		if d <= 0 {
			if n > MaxLevelArrivals {
				c.errorf("load.requests", "an open-loop level schedules at most %d requests (warm-up included), got %.0f", MaxLevelArrivals, n)
				return
			}
			continue
		}
		total := expectedArrivals(r, ramp, d.Seconds())
		// The count loadgen.Arrivals.Schedule draws for a timed level:
		// the window's expected arrivals, rounded (a constant schedule
		// sends at 0, 1/r, … < duration), or the request count when it
		// is smaller.
		count := math.Round(total)
		if l.Arrival == ArrivalConstant {
			count = math.Ceil(total)
		}
		if l.Requests > 0 && n <= total {
			count = n
		}
		// A ramp-up is named when there is one: it is what shrinks the
		// count (5 req/s over 1 s expects 5, not 0.00417, without a 10 m
		// ramp), and shortening it is a way out.
		over, longer := d.String(), "a longer duration or a higher rate"
		if ramp > 0 {
			over += " ramped up over " + time.Duration(l.RampUp).String()
			longer = "a longer duration, a shorter ramp-up or a higher rate"
		}
		switch {
		case count > MaxLevelArrivals:
			c.errorf(p, "%g requests per second over %v expects %s requests in one level; an open-loop level schedules at most %d: lower the rate or shorten the duration",
				r, d, strconv.FormatFloat(total, 'g', 3, 64), MaxLevelArrivals)
			return
		case count <= float64(warm):
			c.errorf(p, "%g requests per second over %s expects %s requests: the level would %s; give %s",
				r, over, strconv.FormatFloat(total, 'g', 3, 64), sendsWhat(count, warm, !c.src.has("load.warmup") && warm == DefaultWarmup), longer)
			return
		}
	}
}

// sendsWhat says what a schedule of count requests does with warm warm-up
// requests first: it measures none. byDefault says the warm-up is the
// default one, which the file does not show.
func sendsWhat(count float64, warm int, byDefault bool) string {
	if count == 0 {
		return "send none"
	}
	what := strconv.Itoa(warm)
	if byDefault {
		what += ", the default: set load.warmup or --warmup"
	}
	return fmt.Sprintf("send %g, all of them warm-up (%s), and measure none", count, what)
}

// ratePath is the YAML path of the i-th rate: load.rate for a single rate
// written as a scalar, load.rate[i] in a list.
func (c *checker) ratePath(l *LoadProfile, i int) string {
	if c.src.has("load.rate[0]") || len(l.Rate) > 1 {
		return "load.rate[" + strconv.Itoa(i) + "]"
	}
	return "load.rate"
}

// roundS is s seconds as a duration rounded to the second (or saturated).
func roundS(s float64) time.Duration {
	if s >= float64(math.MaxInt64)/float64(time.Second) {
		return time.Duration(math.MaxInt64).Round(time.Second)
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}
