package adaptive

import (
	"math"
	"time"
)

// Fixed is a fixed sweep's budget per level: Requests measured requests or
// Duration, whichever comes first (qualify: 300 requests or 10 s); a zero
// field is no bound.
type Fixed struct {
	Requests int
	Duration time.Duration
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
// the adaptive run skipped.
//
// A level that ran to the fixed duration (Full) spent what the fixed level
// spends. Any other level run adaptively is priced at its own pace: the fixed budget's
// requests take Wall·FixedRequests/Requests (the pace includes the level's
// warm-up and drain, which a fixed level pays too; in a closed loop of c
// streams, R rounds of c requests take R request times either way). When
// the fixed duration comes first, the fixed level sends for that long and
// then drains as the adaptive level did (Wall − Sending: its requests in
// flight at its last send completing; a level's duration ends its sending,
// not its requests). A skipped grid level is priced at the pace and drain
// of the nearest level run below it (the highest run level when none is
// below): above the knee a server completes requests at its saturated
// rate, so the nearest level's pace is the best guess there is. A level's
// Setup (its spread probe) is paid once by either, outside the pace.
func Account(used []Use, grid []float64, fixed Fixed) Spend {
	var s Spend
	ran := map[float64]bool{}
	for _, u := range used {
		ran[u.Level] = true
		ls := LevelSpend{Use: u}
		ls.FixedRequests, ls.FixedWall = fixedAt(u, fixed)
		s.add(ls)
	}
	for _, lv := range grid {
		if ran[lv] {
			continue
		}
		ref := nearestBelow(used, lv)
		if ref == nil {
			continue
		}
		ls := LevelSpend{Use: Use{Level: lv}, Skipped: true}
		ls.FixedRequests, ls.FixedWall = fixedAt(*ref, fixed)
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

// fixedAt is what the fixed budget spends on a level that spent u: its
// requests and wall time.
func fixedAt(u Use, f Fixed) (int, time.Duration) {
	if u.Requests <= 0 || u.Wall <= 0 {
		return f.Requests, f.Duration
	}
	if u.Full && (f.Requests == 0 || u.Requests <= f.Requests) {
		return u.Requests, u.Wall
	}
	setup := min(max(u.Setup, 0), u.Wall)
	drain := time.Duration(0)
	if u.Sending > setup && u.Sending < u.Wall {
		drain = u.Wall - u.Sending
	}
	body := u.Wall - setup // the window and the drain
	if body <= 0 {
		return f.Requests, f.Duration
	}
	pace := float64(u.Requests) / body.Seconds() // requests completed per second
	n, w := u.Requests, body
	if f.Requests > 0 {
		n = f.Requests
		w = time.Duration(float64(n) / pace * float64(time.Second))
	}
	if f.Duration > 0 && (f.Requests == 0 || w > f.Duration+drain) {
		w = f.Duration + drain
		n = int(math.Round(pace * w.Seconds()))
	}
	return n, setup + w
}

// nearestBelow is the run level closest below lv, or the highest run level
// when none is below; nil when nothing ran.
func nearestBelow(used []Use, lv float64) *Use {
	var below, top *Use
	for i := range used {
		u := &used[i]
		if u.Level < lv && (below == nil || u.Level > below.Level) {
			below = u
		}
		if top == nil || u.Level > top.Level {
			top = u
		}
	}
	if below != nil {
		return below
	}
	return top
}
