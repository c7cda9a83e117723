package adaptive

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Fixed is a fixed sweep's budget per level: Requests measured requests or
// Duration, whichever comes first (qualify: 300 requests or 10 s); a zero
// field is no bound. Warmup is the warm-up requests each level sends
// before its measured ones (not counted in Requests, sent within
// Duration); zero is none.
type Fixed struct {
	Requests int
	Duration time.Duration
	Warmup   int
	// Sends, for an open loop (the levels are request rates), is a fixed
	// level's schedule at a rate: of at most n ids (0: no count) within
	// horizon (0: none), the sends and the due time of the last, on
	// average (loadgen.Arrivals.Expected). nil: a closed loop.
	Sends func(rate float64, n int, horizon time.Duration) (int, time.Duration)
}

// Use is what one level really spent: its measured requests and its wall
// time (as the runner clocks it, warm-up and drain included), and of that
// wall time the part spent Sending: from the level's start to its last
// measured send. Wall − Sending is the drain, the requests in flight
// completing after the last send. Sending 0 means unknown (no drain
// counted). Setup is the part before the sending window opened (the
// spread probe), which a fixed level pays whatever its budget. Full says
// the level ran to the fixed budget's duration, as a fixed level would
// have: its spend is the fixed level's, unless it completed more requests
// than the fixed budget's count.
type Use struct {
	Level    float64
	Requests int
	Wall     time.Duration
	Sending  time.Duration
	Setup    time.Duration
	Full     bool
}

// LevelSpend is one level's spend beside what the fixed budget would have
// spent on it.
type LevelSpend struct {
	Use
	FixedRequests int
	FixedWall     time.Duration
	// Skipped says the adaptive run did not run this level of the fixed
	// grid: Use is zero and the fixed spend is an estimate (see Account).
	Skipped bool
}

// Spend is a run's spend against a fixed sweep: the wall time is what a
// GPU box is paid for.
type Spend struct {
	Levels                  []LevelSpend
	Requests, FixedRequests int
	Wall, FixedWall         time.Duration
	// SkippedFixedWall is the part of FixedWall priced for skipped grid
	// levels: an estimate, where the rest is priced from measured paces.
	SkippedFixedWall time.Duration
}

// Saved is the fraction of the fixed sweep's wall time not spent: 1 −
// Wall/FixedWall (0 when FixedWall is 0; negative when adaptive spent more).
func (s Spend) Saved() float64 {
	if s.FixedWall <= 0 {
		return 0
	}
	return 1 - float64(s.Wall)/float64(s.FixedWall)
}

// Account compares the levels run with a fixed sweep of the same levels
// plus, when grid is given (the fixed sweep's own levels), the grid levels
// the adaptive run skipped. The fixed sweep's spend is an estimate, from a
// model of what the runner does with a fixed level of a closed loop of c
// streams (loadgen.Runner, session's level loop):
//
//   - the spread probe, one request sent alone (Use.Setup, P);
//   - the window opens and worker w starts at w·P/c; each sends its
//     requests back to back, one per request time L(c), until the budget's
//     warm-up and measured ids are taken (count bound) or its duration has
//     passed (duration bound: no send after it);
//   - the requests in flight complete: the drain after the last send.
//
// So a level sends c·((D − P̄)/L + ½) requests in a duration D (P̄ = P·(c −
// 1)/(2c) the mean start: each worker sends (D − its start)/L + ½ on
// average), its last send near D − L/(c+1); with a count bound of N ids
// the N-th is sent at P̄ + L·(N/c − ½). Its wall time is P + its last send +
// the drain. A closed loop of c streams completes c/L(c) requests a
// second: L(c), not a level's whole speed, carries over between levels.
//
// L and the drain come from the levels run. A level run of c streams that
// sent n requests (measured and warm-up), its last at S and its last
// completion at E from its window's opening, kept its c streams busy for
// n·L = c·((S + E)/2 − P̄) stream-seconds (each worker busy from its start
// to its last completion, which fall between S and E), and its drain is E −
// S. Between two levels run, L is interpolated linearly in c (a batching
// server's request time grows about linearly with the requests it holds);
// below the lowest, linearly down to the probe's time at c = 1 (the probe
// is a typical request sent alone); above the highest, L grows with c so
// the completion rate stays the highest level's (above the knee a server
// completes requests at its saturated rate). A level's drain is the
// nearest run level's (at or below it, else the lowest), at most L(c).
//
// An open loop's level is a rate, not streams: its fixed level sends on
// its schedule whatever the server does (Fixed.Sends: a constant
// schedule's due times, a random one's on average), so its wall time is
// the setup, the last send of the warm-up and measured ids (or of the
// duration) and the drain: the level's own where it ran, else the nearest
// run level's (at or below it, else the lowest). (Before Fixed.Sends the
// closed loop's arithmetic read a rate as streams and priced a rate sweep
// on the fixed-timing mock 11 % short, a level past the count bound 38 %:
// TestSpendEstimatesTheFixedRateSweep.) A --max-concurrency cap that holds
// sends back is not modelled.
//
// A level that ran to the fixed duration (Full) spent what the fixed level
// spends. With no fixed bound at all a level run is priced at its own spend
// and a skipped level is left out.
//
// Checked against fixed sweeps (docs/adaptive.md, Spend): exactly on the
// fixed-timing mock within 2 % a level (TestSpendEstimatesTheFixedSweep),
// and on the mock's A100 and H100 profiles.
func Account(used []Use, grid []float64, fixed Fixed) Spend {
	var s Spend
	cv := newCurve(used, fixed.Warmup)
	ran := map[float64]bool{}
	for _, u := range used {
		ran[u.Level] = true
		ls := LevelSpend{Use: u}
		ls.FixedRequests, ls.FixedWall = cv.fixedRun(u, fixed)
		s.add(ls)
	}
	for _, lv := range grid {
		if ran[lv] || len(cv.pts) == 0 || fixed.Requests <= 0 && fixed.Duration <= 0 {
			continue
		}
		ls := LevelSpend{Use: Use{Level: lv}, Skipped: true}
		if fixed.Sends != nil {
			ls.FixedRequests, ls.FixedWall = fixedOpenLevel(lv, cv.drainAt(lv), cv.probe, fixed)
		} else {
			l, drain := cv.at(lv)
			ls.FixedRequests, ls.FixedWall = fixedLevel(lv, l, drain, cv.probe, fixed)
		}
		s.add(ls)
	}
	return s
}

func (s *Spend) add(ls LevelSpend) {
	s.Levels = append(s.Levels, ls)
	s.Requests += ls.Requests
	s.Wall += ls.Wall
	s.FixedRequests += ls.FixedRequests
	s.FixedWall += ls.FixedWall
	if ls.Skipped {
		s.SkippedFixedWall += ls.FixedWall
	}
}

// point is what one level run says of its closed loop: its request time
// and its drain, seconds (drain 0: unknown).
type point struct {
	level, l, drain float64
}

// curve is the request time as a function of the level, through the
// levels run, and the mean spread probe (0: none).
type curve struct {
	pts   []point // by level, one per level
	probe float64
}

// newCurve reads the levels run.
func newCurve(used []Use, warmup int) curve {
	var cv curve
	var probes float64
	var nProbes int
	for _, u := range used {
		p, ok := pointOf(u, warmup)
		if !ok {
			continue
		}
		if u.Setup > 0 {
			probes += min(u.Setup, u.Wall).Seconds()
			nProbes++
		}
		i, found := slices.BinarySearchFunc(cv.pts, p.level, func(q point, lv float64) int { return cmp.Compare(q.level, lv) })
		if !found { // the first run of a level stands
			cv.pts = slices.Insert(cv.pts, i, p)
		}
	}
	if nProbes > 0 {
		cv.probe = probes / float64(nProbes)
	}
	return cv
}

// pointOf is a level's request time and drain from what it spent: its
// streams were busy c·((S + E)/2 − P̄) stream-seconds for its n requests
// (see Account). ok is false when the level says nothing (no request, no
// time, no level).
func pointOf(u Use, warmup int) (point, bool) {
	c := u.Level
	setup := min(max(u.Setup, 0), u.Wall)
	e := (u.Wall - setup).Seconds() // the window and the drain
	n := float64(u.Requests + max(warmup, 0))
	if u.Requests <= 0 || e <= 0 || c <= 0 {
		return point{}, false
	}
	start := meanStart(c, setup.Seconds())
	if u.Sending > setup && u.Sending < u.Wall {
		sending := (u.Sending - setup).Seconds()
		l := c * ((sending+e)/2 - start) / n
		if l <= 0 {
			return point{}, false
		}
		return point{level: c, l: l, drain: e - sending}, true
	}
	// The last send unknown: taken as one request time before the end,
	// n·L = c·(E − L/2 − P̄).
	l := c * (e - start) / (n + c/2)
	if l <= 0 {
		return point{}, false
	}
	return point{level: c, l: l}, true
}

// meanStart is the mean start of c workers spread over the probe's
// duration p: worker w starts at w·p/c.
func meanStart(c, p float64) float64 {
	if c <= 1 {
		return 0
	}
	return p * (c - 1) / (2 * c)
}

// at is the request time and the drain at level c, seconds.
func (cv curve) at(c float64) (l, drain float64) {
	pts := cv.pts
	if cv.probe > 0 && pts[0].level > 1 {
		pts = append([]point{{level: 1, l: cv.probe}}, pts...)
	}
	last := pts[len(pts)-1]
	switch {
	case c <= pts[0].level:
		l = pts[0].l
	case c >= last.level:
		l = last.l * c / last.level
	default:
		i := 1
		for pts[i].level < c {
			i++
		}
		a, b := pts[i-1], pts[i]
		l = a.l + (b.l-a.l)*(c-a.level)/(b.level-a.level)
	}
	drain = l
	if d := cv.drainAt(c); d > 0 {
		drain = min(l, d)
	}
	return l, drain
}

// drainAt is the drain of the run level nearest c, at or below it, else
// the lowest: seconds, 0 unknown.
func (cv curve) drainAt(c float64) float64 {
	ref := cv.pts[0]
	for _, p := range cv.pts {
		if p.level <= c {
			ref = p
		}
	}
	return ref.drain
}

// fixedRun is what the fixed budget spends on a level that ran and spent
// u: its requests and wall time.
func (cv curve) fixedRun(u Use, f Fixed) (int, time.Duration) {
	if u.Full && (f.Requests == 0 || u.Requests <= f.Requests) {
		return u.Requests, u.Wall
	}
	p, ok := pointOf(u, f.Warmup)
	if f.Sends != nil && (f.Requests > 0 || f.Duration > 0) && u.Level > 0 {
		drain := p.drain
		if (!ok || drain <= 0) && len(cv.pts) > 0 {
			drain = cv.drainAt(u.Level)
		}
		return fixedOpenLevel(u.Level, drain, min(max(u.Setup, 0), u.Wall).Seconds(), f)
	}
	if !ok {
		if len(cv.pts) == 0 || u.Level <= 0 {
			return f.Requests, f.Duration
		}
		// Nothing measured here: the curve of the other levels.
		l, drain := cv.at(u.Level)
		return fixedLevel(u.Level, l, drain, cv.probe, f)
	}
	if f.Requests <= 0 && f.Duration <= 0 {
		return u.Requests, u.Wall
	}
	drain := p.l
	if p.drain > 0 {
		drain = min(p.l, p.drain)
	}
	return fixedLevel(u.Level, p.l, drain, min(max(u.Setup, 0), u.Wall).Seconds(), f)
}

// fixedLevel is the model's fixed level of c streams (see Account): request
// time l, drain and spread probe in seconds; its measured requests and its
// wall time.
func fixedLevel(c, l, drain, probe float64, f Fixed) (int, time.Duration) {
	warmup := max(f.Warmup, 0)
	start := meanStart(c, probe)
	d := f.Duration.Seconds()
	sent, last := 0.0, 0.0
	countBound := false
	if f.Requests > 0 {
		ids := float64(warmup + f.Requests)
		last = max(start+l*(ids/c-0.5), 0)
		countBound = f.Duration <= 0 || last < d
		sent = ids
	}
	if !countBound {
		sent = c * (max(d-start, 0)/l + 0.5)
		if f.Requests > 0 {
			sent = min(sent, float64(warmup+f.Requests))
		}
		last = max(d-l/(c+1), 0)
	}
	n := max(int(math.Round(sent))-warmup, 0)
	return n, time.Duration((probe + last + drain) * float64(time.Second))
}

// fixedOpenLevel is the fixed level of an open loop at rate (see Account):
// drain and setup in seconds; its measured requests and its wall time.
func fixedOpenLevel(rate, drain, setup float64, f Fixed) (int, time.Duration) {
	warmup := max(f.Warmup, 0)
	n := 0
	if f.Requests > 0 {
		n = warmup + f.Requests
	}
	sent, last := f.Sends(rate, n, f.Duration)
	return max(sent-warmup, 0), time.Duration((setup+drain)*float64(time.Second)) + last
}
