package live

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestPointWindowRates: at 0.8 requests/s (one completion every 1.25 s,
// 11 output tokens each), a point's per-second rate jumps between 0 and
// 1 request/s, while its window rates, once the 5 s window is full, read
// 4 requests in 5 s: 0.8 requests/s and 8.8 output tokens/s. With no level
// running a point has no window rates.
func TestPointWindowRates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0})
		s.LevelStarted(LevelPlan{Level: 1, Requests: 100})
		go func() {
			for k := int64(1); k <= 12; k++ {
				sleepTo(t0, k*1250*ms)
				now := k * 1250 * ms
				s.Add(rec(1, now-200*ms, 100*ms, 10*ms, 11)) // done now
			}
		}()
		var prev Snapshot
		seen := map[float64]bool{}
		for sec := int64(1); sec <= 15; sec++ {
			sleepTo(t0, sec*int64(time.Second)+600*ms) // never at a completion
			cur := s.Snapshot()
			p := pointOf(&prev, &cur)
			prev = cur
			seen[p.RPS] = true
			if p.RPSWindow == nil || p.OutTPSWindow == nil {
				t.Fatalf("%d.6 s: no window rates while the level runs", sec)
			}
			if sec < 6 { // the window fills from the first send, at 1.05 s
				continue
			}
			if !near(*p.RPSWindow, 0.8) || !near(*p.OutTPSWindow, 8.8) {
				t.Errorf("%d.6 s: window rates %g req/s, %g tok/s; want 0.8, 8.8", sec, *p.RPSWindow, *p.OutTPSWindow)
			}
		}
		if !seen[0] || !seen[1] {
			t.Errorf("per-second rates %v; want 0 and 1 among them (the jumps the window smooths)", seen)
		}
		s.LevelFinished(1, nil)
		cur := s.Snapshot()
		if p := pointOf(&prev, &cur); p.RPSWindow != nil || p.OutTPSWindow != nil {
			t.Errorf("no level running: window rates %v, %v; want none", p.RPSWindow, p.OutTPSWindow)
		}
	})
}
