package adaptive

import (
	"math"
	"testing"
	"time"
)

// TestAccount prices three levels run adaptively against qualify's fixed
// budget (300 requests or 10 s) and the grid 1, 2, 4, 8, 16, by hand:
//
//	level 1: 100 requests in 50 s, 2 req/s: 300 would take 150 s, so 10 s and 20 requests
//	level 4: 120 in 3 s, 40 req/s: 300 in 7.5 s
//	level 8: 50 in 1 s, 50 req/s: 300 in 6 s
//	level 2 (skipped): priced at level 1's pace: 10 s, 20 requests
//	level 16 (skipped): at level 8's: 6 s, 300 requests
//
// Adaptive: 270 requests, 54 s; fixed: 940 requests, 39.5 s, 16 s of it
// estimated. The adaptive run spent more (level 1 ran five times as long as
// the fixed bound): Saved = 1 − 54/39.5 = −0.367.
func TestAccount(t *testing.T) {
	used := []Use{{1, 100, 50 * time.Second}, {4, 120, 3 * time.Second}, {8, 50, time.Second}}
	s := Account(used, []float64{1, 2, 4, 8, 16}, Fixed{Requests: 300, Duration: 10 * time.Second})
	want := []LevelSpend{
		{Use: used[0], FixedRequests: 20, FixedWall: 10 * time.Second},
		{Use: used[1], FixedRequests: 300, FixedWall: 7500 * time.Millisecond},
		{Use: used[2], FixedRequests: 300, FixedWall: 6 * time.Second},
		{Use: Use{Level: 2}, FixedRequests: 20, FixedWall: 10 * time.Second, Skipped: true},
		{Use: Use{Level: 16}, FixedRequests: 300, FixedWall: 6 * time.Second, Skipped: true},
	}
	if len(s.Levels) != len(want) {
		t.Fatalf("levels %+v", s.Levels)
	}
	for i := range want {
		if s.Levels[i] != want[i] {
			t.Errorf("level %g: %+v; want %+v", want[i].Level, s.Levels[i], want[i])
		}
	}
	if s.Requests != 270 || s.Wall != 54*time.Second || s.FixedRequests != 940 || s.FixedWall != 39500*time.Millisecond || s.SkippedFixedWall != 16*time.Second {
		t.Errorf("totals %+v", s)
	}
	if got := s.Saved(); math.Abs(got-(1-54/39.5)) > 1e-12 {
		t.Errorf("saved %g; want %g", got, 1-54/39.5)
	}
}

// TestAccountOneBound: a request budget alone runs the slow level its full
// 300 requests (150 s); a duration alone runs the fast one for its full 10
// s (400 requests at 40 req/s).
func TestAccountOneBound(t *testing.T) {
	used := []Use{{1, 100, 50 * time.Second}, {4, 120, 3 * time.Second}}
	s := Account(used, nil, Fixed{Requests: 300})
	if l := s.Levels[0]; l.FixedRequests != 300 || l.FixedWall != 150*time.Second {
		t.Errorf("requests only: %+v", l)
	}
	s = Account(used, nil, Fixed{Duration: 10 * time.Second})
	if l := s.Levels[1]; l.FixedRequests != 400 || l.FixedWall != 10*time.Second {
		t.Errorf("duration only: %+v", l)
	}
	if (Spend{}).Saved() != 0 {
		t.Error("an empty spend saved something")
	}
}
