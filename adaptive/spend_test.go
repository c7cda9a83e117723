package adaptive

import (
	"math"
	"testing"
	"time"
)

// secs is s seconds as a Duration, to the nanosecond.
func secs(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

// wantLevel checks one level's fixed spend: its requests exactly, its wall
// time within a microsecond (the model's arithmetic is in float seconds).
func wantLevel(t *testing.T, l LevelSpend, requests int, wall float64) {
	t.Helper()
	if l.FixedRequests != requests || (l.FixedWall-secs(wall)).Abs() > time.Microsecond {
		t.Errorf("level %g: %d requests in %v; want %d in %v", l.Level, l.FixedRequests, l.FixedWall, requests, secs(wall))
	}
}

// TestAccount prices a sweep of 1, 2, 4, 8, 16, 32 streams from levels 4
// and 16 run adaptively, against a budget of 40 measured requests or 10 s
// a level after 2 warm-up requests, by hand. Both levels spent 1.2 s on
// their spread probe (P; the mean start of c workers spread over it is
// P̄ = 1.2·(c−1)/(2c)).
//
//	level 4: 12 measured + 2 warm-up sent, last send 7.9 s and end 9.4 s into the
//	  level, so 6.7 and 8.2 s into its window: a drain of 1.5 s, and
//	  n·L = c·((S+E)/2 − P̄): 14·L = 4·(7.45 − 0.45), L = 2 s
//	level 16: 50 + 2 sent, S = 9.0625, E = 11.5625: drain 2.5 s,
//	  52·L = 16·(10.3125 − 0.5625), L = 3 s
//
// Request time: 1.2 s at 1 stream (the probe), 2 at 4, 3 at 16; linear in
// between, and above 16 growing with the streams (the completion rate
// stays 16/3 a second). Drain: the nearest run level's at or below (else
// the lowest), at most L. A duration-bound level sends c·((10 − P̄)/L + ½),
// its last send at 10 − L/(c+1); a count-bound one sends its 42th at P̄ +
// L·(42/c − ½). Wall = P + last send + drain.
//
//	c   L        drain    bound  sent                          measured  wall
//	1   1.2      1.2      10 s   10/1.2 + ½ = 8.83 → 9         7         1.2 + 9.4 + 1.2 = 11.8
//	2   1.46667  1.46667  10 s   2·(9.7/1.46667 + ½) = 14.23   12        1.2 + 9.51111 + 1.46667 = 12.17778
//	4   2        1.5      10 s   4·(9.55/2 + ½) = 21.1         19        1.2 + 9.6 + 1.5 = 12.3
//	8   2.33333  1.5      10 s   8·(9.475/2.33333 + ½) = 36.49 34        1.2 + 9.74074 + 1.5 = 12.44074
//	16  3        2.5      42     at 0.5625 + 3·3.125 = 6.9375  40        1.2 + 6.9375 + 2.5 = 10.6375
//	32  6        2.5      42     at 0.58125 + 6·0.8125         40        1.2 + 5.45625 + 2.5 = 9.15625
//
// Fixed: 152 requests, 68.51227 s, 45.57477 s of it for the skipped
// levels; adaptive: 62 requests, 22.1625 s.
func TestAccount(t *testing.T) {
	used := []Use{
		{Level: 4, Requests: 12, Wall: secs(9.4), Sending: secs(7.9), Setup: secs(1.2)},
		{Level: 16, Requests: 50, Wall: secs(12.7625), Sending: secs(10.2625), Setup: secs(1.2)},
	}
	s := Account(used, []float64{1, 2, 4, 8, 16, 32}, Fixed{Requests: 40, Duration: 10 * time.Second, Warmup: 2})
	want := []struct {
		level    float64
		skipped  bool
		requests int
		wall     float64
	}{{4, false, 19, 12.3}, {16, false, 40, 10.6375}, {1, true, 7, 11.8}, {2, true, 12, 11.2 + 44.0/45},
		{8, true, 34, 12.7 - 7.0/27}, {32, true, 40, 9.15625}}
	if len(s.Levels) != len(want) {
		t.Fatalf("levels %+v", s.Levels)
	}
	for i, w := range want {
		l := s.Levels[i]
		if l.Level != w.level || l.Skipped != w.skipped {
			t.Errorf("level %d: %g skipped %v; want %g skipped %v", i, l.Level, l.Skipped, w.level, w.skipped)
		}
		if !w.skipped && l.Use != used[i] {
			t.Errorf("level %g: use %+v; want %+v", l.Level, l.Use, used[i])
		}
		wantLevel(t, l, w.requests, w.wall)
	}
	if s.Requests != 62 || s.Wall != secs(22.1625) || s.FixedRequests != 152 ||
		(s.FixedWall-secs(68.51227)).Abs() > 10*time.Microsecond || (s.SkippedFixedWall-secs(45.57477)).Abs() > 10*time.Microsecond {
		t.Errorf("totals %+v", s)
	}
	if got, want := s.Saved(), 1-22.1625/68.51227; math.Abs(got-want) > 1e-6 {
		t.Errorf("saved %g; want %g", got, want)
	}
}

// TestAccountOneBound: level 4 of TestAccount under one bound at a time. A
// count alone: the 42th request is sent at 0.45 + 2·(42/4 − ½) = 20.45 s,
// so 40 measured requests in 1.2 + 20.45 + 1.5 = 23.15 s. A duration alone
// of 5 s: 4·(4.55/2 + ½) = 11.1 sent, 9 measured, in 1.2 + (5 − 0.4) + 1.5
// = 7.3 s. No bound: the level is its own spend, and a skipped level is
// not priced.
func TestAccountOneBound(t *testing.T) {
	used := []Use{{Level: 4, Requests: 12, Wall: secs(9.4), Sending: secs(7.9), Setup: secs(1.2)}}
	wantLevel(t, Account(used, nil, Fixed{Requests: 40, Warmup: 2}).Levels[0], 40, 23.15)
	wantLevel(t, Account(used, nil, Fixed{Duration: 5 * time.Second, Warmup: 2}).Levels[0], 9, 7.3)
	s := Account(used, []float64{1, 4}, Fixed{})
	if len(s.Levels) != 1 {
		t.Errorf("no bound: %+v; want level 4 alone", s.Levels)
	}
	wantLevel(t, s.Levels[0], 12, 9.4)
	if (Spend{}).Saved() != 0 {
		t.Error("an empty spend saved something")
	}
}

// TestAccountBelowIsSlower is the mistake this model replaced: levels below
// the lowest run were priced at its whole speed, so a fixed level of 1
// stream was said to send 300 requests in well under 10 s when its stream
// completes one request per request time. Level 64 (probe 1 s; 638 + 2
// sent, S = 14.7421875 and E = 16.2421875 into its window: a 1.5 s drain,
// 640·L = 64·(15.4921875 − 0.4921875), L = 1.5 s) prices level 1 at the
// probe's 1 s: 10/1 + ½ → 11 sent, 9 measured, in 1 + 9.5 + 1 = 11.5 s;
// level 32 at L = 1 + 0.5·31/63 = 1.24603: 32·((10 − 0.484375)/L + ½) =
// 260.4 sent, 258 measured. Without a probe (an open loop, an explicit
// spread) the level's own request time stands below it: 640·L =
// 64·16.4921875, L = 1.64921875, and level 1 sends 10/L + ½ = 6.56 → 7,
// 5 measured, in 10 − L/2 + 1.5 s.
func TestAccountBelowIsSlower(t *testing.T) {
	used := []Use{{Level: 64, Requests: 638, Wall: secs(17.2421875), Sending: secs(15.7421875), Setup: secs(1)}}
	f := Fixed{Requests: 300, Duration: 10 * time.Second, Warmup: 2}
	s := Account(used, []float64{1, 32}, f)
	wantLevel(t, s.Levels[1], 9, 11.5)
	if l := s.Levels[2]; l.FixedRequests != 258 {
		t.Errorf("level 32: %d requests; want 258", l.FixedRequests)
	}
	used[0].Setup = 0
	wantLevel(t, Account(used, []float64{1}, f).Levels[1], 5, 10-1.64921875/2+1.5)
}

// TestAccountNoSending: a level whose last send is unknown (Sending 0, or
// past its wall) is taken to end one request time after it: n·L = c·(E −
// L/2 − P̄), 100·L = 1·(10 − L/2), L = 10/100.5; its drain is L. 10 s
// then send 10/L + ½ = 101 requests, in 10 − L/2 + L.
func TestAccountNoSending(t *testing.T) {
	l := 10 / 100.5
	for _, sending := range []time.Duration{0, 20 * time.Second} {
		used := []Use{{Level: 1, Requests: 100, Wall: 10 * time.Second, Sending: sending}}
		wantLevel(t, Account(used, nil, Fixed{Duration: 10 * time.Second}).Levels[0], 101, 10+l/2)
	}
}

// TestAccountFull: a level that ran to the fixed duration spent what the
// fixed level spends, whatever the model says; a skipped level is priced
// from it by the model (level 128 above level 64 of L = 64·(5 − 0)/200 =
// 1.6 s and a 2 s drain: L = 3.2, 4 s send 128·(4/3.2 + ½) = 224, in
// 4 − 3.2/129 + 2 s).
func TestAccountFull(t *testing.T) {
	used := []Use{{Level: 64, Requests: 200, Wall: 6 * time.Second, Sending: 4 * time.Second, Full: true}}
	s := Account(used, []float64{64, 128}, Fixed{Requests: 300, Duration: 4 * time.Second})
	wantLevel(t, s.Levels[0], 200, 6)
	wantLevel(t, s.Levels[1], 224, 6-3.2/129)
	// A fixed count below what the level completed ends the fixed level
	// first: the 100th send at 1.6·(100/64 − ½) = 1.7 s, then the drain.
	wantLevel(t, Account(used, nil, Fixed{Requests: 100, Duration: 4 * time.Second}).Levels[0], 100, 1.7+1.6)
}

// TestAccountOpenLoop prices a rate sweep of 2, 4, 8 and 16 requests a
// second from levels 4 and 8 run, against 40 measured requests or 10 s a
// level after 2 warm-up requests, on a constant schedule (the k-th send
// at k/rate). By hand:
//
//	2/s  skipped: 10 s holds 20 sends, 18 measured; last send 9.5 s; the
//	     drain of the lowest level run (4/s: 1.5 s) and the mean setup of
//	     the levels that had one (8/s: 0.5 s): 11.5 s
//	4/s  ran: 30 measured + 2 sent, last at 7.75 s, then done at 9.25 s
//	     (drain 1.5 s); fixed: 40 + 2 sent, last at 10.25 s — past 10 s, so
//	     10 s's 40 sends, 38 measured, last at 9.75 s: 9.75 + 1.5 = 11.25 s
//	8/s  ran: the same 42 sends fit (last at 5.125 s); its own drain, 2 s:
//	     7.125 s, plus its 0.5 s of setup: 7.625 s
//	16/s skipped: 40 measured, last at 41/16 = 2.5625 s, the drain of the
//	     nearest run level below (8/s, 2 s), the setup: 5.0625 s
func TestAccountOpenLoop(t *testing.T) {
	constant := func(rate float64, n int, horizon time.Duration) (int, time.Duration) {
		sent := n
		if horizon > 0 {
			if in := int(math.Ceil(rate * horizon.Seconds())); n <= 0 || in < n {
				sent = in
			}
		}
		return sent, secs(float64(sent-1) / rate)
	}
	used := []Use{
		{Level: 4, Requests: 30, Sending: secs(7.75), Wall: secs(9.25)},
		{Level: 8, Requests: 60, Sending: secs(0.5 + 7.0), Wall: secs(0.5 + 9.0), Setup: secs(0.5)},
	}
	sp := Account(used, []float64{2, 4, 8, 16}, Fixed{Requests: 40, Duration: 10 * time.Second, Warmup: 2, Sends: constant})
	if len(sp.Levels) != 4 {
		t.Fatalf("levels %+v; want 4", sp.Levels)
	}
	byLevel := map[float64]LevelSpend{}
	for _, l := range sp.Levels {
		byLevel[l.Level] = l
	}
	wantLevel(t, byLevel[2], 18, 11.5)
	wantLevel(t, byLevel[4], 38, 11.25)
	wantLevel(t, byLevel[8], 40, 7.625)
	wantLevel(t, byLevel[16], 40, 5.0625)
	if !byLevel[2].Skipped || !byLevel[16].Skipped || byLevel[4].Skipped {
		t.Errorf("skipped: %+v; want 2 and 16 only", sp.Levels)
	}
}
