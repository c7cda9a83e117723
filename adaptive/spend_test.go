package adaptive

import (
	"math"
	"testing"
	"time"
)

// TestAccount prices three levels run adaptively against qualify's fixed
// budget (300 requests or 10 s) and the grid 1, 2, 4, 8, 16, by hand (no
// drain known: the whole wall time is sending):
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
	used := []Use{{Level: 1, Requests: 100, Wall: 50 * time.Second}, {Level: 4, Requests: 120, Wall: 3 * time.Second}, {Level: 8, Requests: 50, Wall: time.Second}}
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
	used := []Use{{Level: 1, Requests: 100, Wall: 50 * time.Second}, {Level: 4, Requests: 120, Wall: 3 * time.Second}}
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

// TestAccountDrain: a fixed level whose duration ends its sending pays the
// drain after it as the adaptive level did. Level 64 completed 200
// requests in 6 s (33.3 a second), its last send at 4 s (a 2 s drain). A
// budget of 300 requests or 10 s: 300 take 9 s, within 10 s + 2 s, so 9 s.
// A budget of 300 or 5 s: sending stops at 5 s and the level ends at 7 s,
// 233 requests completed. Skipped level 128 is priced at level 64's pace
// and drain. A sending time the wall cannot hold is no drain.
func TestAccountDrain(t *testing.T) {
	used := []Use{{Level: 64, Requests: 200, Wall: 6 * time.Second, Sending: 4 * time.Second}}
	s := Account(used, []float64{64, 128}, Fixed{Requests: 300, Duration: 10 * time.Second})
	if l := s.Levels[0]; l.FixedRequests != 300 || l.FixedWall != 9*time.Second {
		t.Errorf("requests bound: %+v; want 300 requests in 9 s", l)
	}
	s = Account(used, []float64{64, 128}, Fixed{Requests: 300, Duration: 5 * time.Second})
	for i, l := range s.Levels {
		if l.FixedRequests != 233 || l.FixedWall != 7*time.Second || l.Skipped != (i == 1) {
			t.Errorf("duration bound, level %g: %+v; want 233 requests in 7 s", l.Level, l)
		}
	}
	s = Account([]Use{{Level: 1, Requests: 100, Wall: 10 * time.Second, Sending: 20 * time.Second}}, nil, Fixed{Duration: 5 * time.Second})
	if l := s.Levels[0]; l.FixedWall != 5*time.Second || l.FixedRequests != 50 {
		t.Errorf("sending past the wall: %+v; want 50 requests in 5 s, no drain", l)
	}
}

// TestAccountFull: a level that ran to the fixed duration spent what the
// fixed level spends, whatever its pace says (a skipped level priced from
// it is estimated at its pace and drain).
func TestAccountFull(t *testing.T) {
	used := []Use{{Level: 64, Requests: 200, Wall: 6 * time.Second, Sending: 4 * time.Second, Full: true}}
	s := Account(used, []float64{64, 128}, Fixed{Requests: 300, Duration: 4 * time.Second})
	if l := s.Levels[0]; l.FixedRequests != 200 || l.FixedWall != 6*time.Second {
		t.Errorf("full level: %+v; want its own 200 requests in 6 s", l)
	}
	if l := s.Levels[1]; l.FixedRequests != 200 || l.FixedWall != 6*time.Second {
		t.Errorf("skipped level: %+v; want 4 s of sending and the 2 s drain at level 64's pace", l)
	}
	// A fixed count below what the level completed ends the fixed level
	// first: 100 requests at 33.3 a second, 3 s.
	s = Account(used, nil, Fixed{Requests: 100, Duration: 4 * time.Second})
	if l := s.Levels[0]; l.FixedRequests != 100 || l.FixedWall != 3*time.Second {
		t.Errorf("count first: %+v; want 100 requests in 3 s", l)
	}
}

// TestAccountSetup: the spread probe before a level's window is paid once,
// outside the pace. Level 32 spent 1 s on its probe, then completed 100
// requests in 5 s, its last send at 5 s (a 1 s drain): 20 a second. 300
// requests: 1 + 15 s. 300 or 10 s: 1 s + 10 s of sending + the 1 s drain,
// 220 requests.
func TestAccountSetup(t *testing.T) {
	used := []Use{{Level: 32, Requests: 100, Wall: 6 * time.Second, Sending: 5 * time.Second, Setup: time.Second}}
	if l := Account(used, nil, Fixed{Requests: 300}).Levels[0]; l.FixedRequests != 300 || l.FixedWall != 16*time.Second {
		t.Errorf("requests bound: %+v; want 300 requests in 16 s", l)
	}
	if l := Account(used, nil, Fixed{Requests: 300, Duration: 10 * time.Second}).Levels[0]; l.FixedRequests != 220 || l.FixedWall != 12*time.Second {
		t.Errorf("duration bound: %+v; want 220 requests in 12 s", l)
	}
}
