package live

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestSetStart: once SetStart moves the origin 3 s past the State's
// creation, a snapshot 5 s after creation is 2 s into the run, and a record
// done at 1.5 s is in the 2 s window ending then (not in one ending 5 s after creation) (in virtual time).
func TestSetStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 2 * time.Second})
		s.SetStart(t0.Add(3 * time.Second))
		time.Sleep(5 * time.Second)
		s.LevelStarted(LevelPlan{Level: 1, Requests: 4})
		s.Add(rec(1, 1000*ms, 100*ms, 20*ms, 11))
		snap := s.Snapshot()
		if snap.NowNS != 2000*ms {
			t.Errorf("now %d ns; want 2 s after the new start", snap.NowNS)
		}
		if snap.Window.Completed != 1 {
			t.Errorf("window %+v; want the record done at 1.3 s in it", snap.Window)
		}
	})
}
