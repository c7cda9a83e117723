package adaptive

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// SearchOptions configure a capacity search.
type SearchOptions struct {
	// Levels is the climb's grid, increasing: the levels a fixed sweep
	// would run (Geometric gives today's series). The search climbs it from
	// Start and stops at the first failing level.
	Levels []float64
	// Start is the grid level to begin at (0: the first). When it fails the
	// search steps down the grid until a level passes. Starting above the
	// bottom skips the low levels, which cost the most wall time per request
	// and, once a higher level passes, say nothing about capacity.
	Start float64
	// Integer says levels are concurrencies: bisection midpoints are
	// rounded down, and bisection ends when no integer lies between.
	// Otherwise (rates) bisection ends when the bracket is within 1 % of
	// its upper end, as `run --bisect` does.
	Integer bool
	// BisectSteps is how many levels bisection may add between the highest
	// passing level and the failing level above it (`--bisect N`).
	BisectSteps int
	// PastSaturation keeps climbing after saturation; by default the climb
	// stops after a saturated level and one more confirming it.
	PastSaturation bool
}

// Geometric is the sweep series start·factor^k for k = 0, 1, … while ≤ max,
// with max appended when the series falls short of it: for concurrencies
// (integer) each level rounded to the nearest integer and a rounding that
// repeats the previous level skipped, exactly as a scenario's
// `sweep: {start, factor, max}` lists them. At most 64 levels.
func Geometric(start, factor, max float64, integer bool) []float64 {
	if !(start > 0) || !(factor > 1) || max < start {
		return nil
	}
	var out []float64
	for k := 0; len(out) < 64; k++ {
		x := start * math.Pow(factor, float64(k))
		if integer {
			x = math.Round(x)
		}
		if x > max {
			break
		}
		if len(out) == 0 || x > out[len(out)-1] {
			out = append(out, x)
		}
	}
	if len(out) < 64 && (len(out) == 0 || out[len(out)-1] < max) {
		out = append(out, max)
	}
	return out
}

// A Search finds capacity at SLO with few levels: it climbs the grid from
// its start until a level fails (or saturates twice in a row), stepping
// down instead when the start fails, then bisects between the highest
// passing level and the failing one above it as `run --bisect N` does. It is a pure state machine: Next
// proposes a level, the caller runs it (a Level until it stops) and hands
// the decision to Record. Not safe for concurrent use.
type Search struct {
	o       SearchOptions
	runs    []Decision // in the order run
	pending float64    // the level proposed
	climb   int        // index in o.Levels of the pending climb level
	phase   phase
	bisects int
	why     string
}

type phase uint8

const (
	climbing phase = iota
	probingBelow
	descending
	bisecting
	done
)

// NewSearch checks o and returns a search at its first level.
func NewSearch(o SearchOptions) (*Search, error) {
	if len(o.Levels) == 0 {
		return nil, errors.New("adaptive: a search needs at least one level")
	}
	for i, lv := range o.Levels {
		if !(lv > 0) || math.IsInf(lv, 0) || (i > 0 && lv <= o.Levels[i-1]) {
			return nil, fmt.Errorf("adaptive: search levels must be positive and increasing, got %v", o.Levels)
		}
		if o.Integer && lv != math.Trunc(lv) {
			return nil, fmt.Errorf("adaptive: concurrency levels must be integers, got %g", lv)
		}
	}
	if o.BisectSteps < 0 {
		return nil, fmt.Errorf("adaptive: bisect steps must not be negative, got %d", o.BisectSteps)
	}
	o.Levels = slices.Clone(o.Levels)
	s := &Search{o: o}
	if o.Start != 0 {
		i, ok := slices.BinarySearch(o.Levels, o.Start)
		if !ok {
			return nil, fmt.Errorf("adaptive: start %g is not one of the levels %v", o.Start, o.Levels)
		}
		s.climb = i
	}
	s.pending = o.Levels[s.climb]
	return s, nil
}

// Next is the level to run next and the baseline its Level should judge
// closed-loop saturation against (the lower level with the best
// throughput, nil for none); ok is false when the search is done.
func (s *Search) Next() (level float64, baseline *Decision, ok bool) {
	if s.phase == done {
		return 0, nil, false
	}
	var best *Decision
	for i := range s.runs {
		r := &s.runs[i]
		if r.Level < s.pending && (best == nil || More(r.Throughput.Value, best.Throughput.Value)) {
			best = r
		}
	}
	if best != nil {
		b := *best
		best = &b
	}
	return s.pending, best, true
}

// Record takes the decision of the level Next proposed (its Level must be
// that level) and moves the search on.
func (s *Search) Record(d Decision) error {
	if s.phase == done {
		return errors.New("adaptive: the search is done")
	}
	if d.Level != s.pending {
		return fmt.Errorf("adaptive: recorded level %g, but the search proposed %g", d.Level, s.pending)
	}
	s.runs = append(s.runs, d)
	switch s.phase {
	case climbing:
		s.afterClimb(d)
	case probingBelow:
		s.afterProbeBelow(d)
	case descending:
		s.afterDescent(d)
	}
	if s.phase == bisecting {
		s.bisect()
	}
	return nil
}

// passed is the point verdict the search steers by, as `run --bisect`
// steers by report.MeetsSLO. Without an SLO (Unjudged) only saturation
// fails a level, and the search finds the highest rate the server sustains
// or the concurrency where its throughput stops rising.
func passed(d *Decision) bool { return d.Verdict != Fail }

// afterClimb decides the climb's next step after d: up the grid on a pass,
// down from the start when the start fails, else bisection.
func (s *Search) afterClimb(d Decision) {
	switch {
	case !passed(&d) && len(s.runs) == 1 && s.climb > 0:
		s.descendFromStart()
		return
	case !passed(&d):
		s.phase = bisecting
		return
	case d.Saturated && !s.o.PastSaturation && len(s.runs) >= 2 && s.runs[len(s.runs)-2].Saturated:
		s.phase, s.why = done, "saturated at two levels in a row"
		return
	case s.climb+1 >= len(s.o.Levels):
		s.phase, s.why = done, "every level up the grid passed"
		return
	}
	s.climb++
	s.pending = s.o.Levels[s.climb]
}

// descendFromStart follows a failing start. With bisection steps to spend
// it first runs the midpoint between the start and the grid level below
// (counted as a bisection step): a start chosen near the knee brackets it
// there, and the grid level below, which a plain descent would run first,
// is run only if the midpoint fails too. Otherwise it steps down the grid.
func (s *Search) descendFromStart() {
	below, start := s.o.Levels[s.climb-1], s.o.Levels[s.climb]
	mid := (below + start) / 2
	if s.o.Integer {
		mid = math.Floor(mid)
	}
	if s.o.BisectSteps > 0 && mid > below && mid < start {
		s.phase, s.pending = probingBelow, mid
		s.bisects++
		return
	}
	s.phase = descending
	s.climb--
	s.pending = s.o.Levels[s.climb]
}

// afterProbeBelow: a passing midpoint below the start brackets the knee
// with the start, and bisection goes on; a failing one sends the search
// down the grid.
func (s *Search) afterProbeBelow(d Decision) {
	if passed(&d) {
		s.phase = bisecting
		return
	}
	s.phase = descending
	s.climb--
	s.pending = s.o.Levels[s.climb]
}

// afterDescent steps down the grid until a level passes, then bisects.
func (s *Search) afterDescent(d Decision) {
	switch {
	case passed(&d):
		s.phase = bisecting
	case s.climb == 0:
		s.phase, s.why = done, "no level passed"
	default:
		s.climb--
		s.pending = s.o.Levels[s.climb]
	}
}

// bisect proposes the midpoint of the bracket (highest passing level,
// lowest failing level above it), or ends the search: no bracket, no steps
// left, the bracket too narrow, or the midpoint already run.
func (s *Search) bisect() {
	lo, hi, ok := s.bracket()
	switch {
	case !ok:
		s.phase, s.why = done, "no level passed"
		return
	case s.bisects >= s.o.BisectSteps:
		s.phase, s.why = done, "bisection steps used"
		return
	}
	mid := (lo + hi) / 2
	if s.o.Integer {
		mid = math.Floor(mid)
		if mid <= lo {
			s.phase, s.why = done, "bracket one level wide"
			return
		}
	} else if (hi-lo)/hi < 0.01 {
		s.phase, s.why = done, "bracket within 1 %"
		return
	}
	for i := range s.runs {
		if s.runs[i].Level == mid {
			s.phase, s.why = done, "midpoint already run"
			return
		}
	}
	s.bisects++
	s.pending = mid
}

// bracket is the highest passing level and the lowest level above it, which
// failed; ok false when no level passed or the highest passing one has
// nothing above it.
func (s *Search) bracket() (lo, hi float64, ok bool) {
	lo = math.Inf(-1)
	for i := range s.runs {
		if passed(&s.runs[i]) {
			lo = max(lo, s.runs[i].Level)
		}
	}
	hi = math.Inf(1)
	for i := range s.runs {
		if lv := s.runs[i].Level; lv > lo {
			hi = min(hi, lv)
		}
	}
	return lo, hi, !math.IsInf(lo, -1) && !math.IsInf(hi, 1)
}

// Done reports whether the search has no level left to run, and why.
func (s *Search) Done() (bool, string) { return s.phase == done, s.why }

// Capacity is a search's answer.
type Capacity struct {
	// Found says some level passed. Level is the passing level with the
	// best throughput, and Throughput that throughput with its interval:
	// capacity is the most a passing level delivered, not merely the
	// highest level that passed (past the knee a higher level can pass
	// with less throughput).
	Found      bool
	Level      float64
	Throughput Estimate
	// LowerBound says no level failed and none saturated: the server may
	// do more than the grid asked of it.
	LowerBound bool
	// Saturated says the climb stopped on saturation.
	Saturated bool
	// CertainPass is the highest level whose pass is certain and
	// CertainFail the lowest level above it whose failure is certain (0:
	// none): capacity lies between them with the confidence of the plan.
	CertainPass, CertainFail float64
	// Pass and Fail bracket capacity on the point verdicts: the highest
	// passing level and the failing level above it (0: none), one
	// bisection step apart when bisection ran to its end.
	Pass, Fail float64
}

// More reports whether throughput a beats b: a level without one (NaN:
// nothing after its fill to judge) beats none. The capacity search and a
// sweep's saturation baseline (session) both pick the best level by it.
func More(a, b float64) bool { return a > b || math.IsNaN(b) && !math.IsNaN(a) }

// Capacity is the answer from the levels recorded so far.
func (s *Search) Capacity() Capacity {
	var c Capacity
	anyFail := false
	for i := range s.runs {
		r := &s.runs[i]
		c.Saturated = c.Saturated || r.Saturated
		if !passed(r) {
			anyFail = true
			continue
		}
		if !c.Found || More(r.Throughput.Value, c.Throughput.Value) {
			c.Found, c.Level, c.Throughput = true, r.Level, r.Throughput
		}
		if r.Certain {
			c.CertainPass = max(c.CertainPass, r.Level)
		}
	}
	c.LowerBound = c.Found && !anyFail && !c.Saturated
	for i := range s.runs {
		r := &s.runs[i]
		if !passed(r) && r.Certain && r.Level > c.CertainPass && (c.CertainFail == 0 || r.Level < c.CertainFail) {
			c.CertainFail = r.Level
		}
	}
	if lo, hi, ok := s.bracket(); ok {
		c.Pass, c.Fail = lo, hi
	} else if c.Found {
		for i := range s.runs {
			if passed(&s.runs[i]) {
				c.Pass = max(c.Pass, s.runs[i].Level)
			}
		}
	}
	return c
}
