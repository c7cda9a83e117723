package loadgen

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestUntilStopsClosedLoop: 4 workers, 100 requests; Until asks to stop at
// the 10th measured record. Sending stops, the requests in flight then end
// normally (not cancelled), Run returns nil, and InFlight counted the
// request at hand.
func TestUntilStopsClosedLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4}
		var (
			measured atomic.Int64
			minIn    atomic.Int64
			r        *Runner
		)
		minIn.Store(1 << 20)
		until := func(rec *rundir.Record) bool {
			if n := int64(r.InFlight()); n < minIn.Load() {
				minIn.Store(n)
			}
			return rec.Stage == rundir.StageMeasure && measured.Add(1) >= 10
		}
		r = baseRunner(t, ft, Requests(100), Until(until))
		var c collect
		res, err := run(t.Context(), r, c.add)
		if err != nil {
			t.Fatalf("Run: %v; want nil after a stop by Until", err)
		}
		// 2 warm-up + 10 measured, plus at most the 3 others in flight.
		if n := len(c.recs); n < 12 || n > 15 || res.Sent != int64(n) {
			t.Fatalf("records = %d, sent %d; want 12–15", n, res.Sent)
		}
		for _, rec := range c.recs {
			if !rec.OK {
				t.Errorf("record %d failed (%s: %s); requests in flight must run to their end", rec.ID, rec.ErrorClass, rec.Error)
			}
		}
		if m := minIn.Load(); m < 1 {
			t.Errorf("InFlight in Until = %d; want the request at hand counted (≥ 1)", m)
		}
		if n := r.InFlight(); n != 0 {
			t.Errorf("InFlight after Run = %d; want 0", n)
		}
	})
}

// TestUntilStopsOpenLoop: 20 req/s for 10 s would send 200; a stop at the
// 5th record ends the level after a few, each served to its end.
func TestUntilStopsOpenLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 300 * time.Millisecond, ITL: 10 * time.Millisecond, Tokens: 4}
		var seen atomic.Int64
		r, err := New(ft, Workload{Model: "m", PromptTokens: 4, MaxTokens: 4},
			Rate(20, ArrivalConstant, 0), Duration(10*time.Second), Level(20, 0),
			Until(func(*rundir.Record) bool { return seen.Add(1) >= 5 }))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatalf("Run: %v", err)
		}
		// By the 5th completion (at 0.53 s) requests up to 0.5 s were sent:
		// 11, all served.
		if n := len(c.recs); n < 5 || n > 12 {
			t.Fatalf("records = %d; want 5–12 of the 200 scheduled", n)
		}
		for _, rec := range c.recs {
			if !rec.OK {
				t.Errorf("record %d failed: %s", rec.ID, rec.Error)
			}
		}
	})
}
