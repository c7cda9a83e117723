package live

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// judged is an interval as the session hands it over: an infinite bound
// left out.
func judged(name string, value, lo, hi, limit float64) rundir.Interval {
	bound := func(x float64) *float64 {
		if math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	return rundir.Interval{Name: name, Value: value, Lo: bound(lo), Hi: bound(hi), Limit: limit}
}

// TestAdaptiveLookLines: an adaptive level's live line shows its last
// look's intervals (an unbounded end as inf), narrowing from look to look;
// its result line says why it stopped. The lines are pinned whole, in a log
// (plain) and on a terminal where the interval is the first thing to go.
func TestAdaptiveLookLines(t *testing.T) {
	s := New(Options{Run: "qualify", SLO: report.SLO{Percentile: 95, TTFT: time.Second}})
	s.LevelStarted(LevelPlan{Level: 32, Duration: 10 * time.Second})
	line := func(tty bool, width int) string {
		snap := s.Snapshot()
		snap.NowNS = snap.Levels[0].StartNS + 7*int64(time.Second) // a fixed elapsed time for the line
		f := Render(&snap, width, tty)
		if len(f.Live) != 1 {
			t.Fatalf("live lines %q; want one", f.Live)
		}
		return f.Live[0]
	}
	s.Look(Look{Level: 32, N: 1, Judged: 50, Intervals: []rundir.Interval{
		judged("TTFT p95", 534.31, 382.5, math.Inf(1), 1000),
		judged("output tokens/s", 1485.2, 1326.4, 1644.9, 0)}})
	want := "inferbench: level 32  0:07/0:10  failed 0  ETA 0:03  TTFT -  0 out tok/s  " +
		"judged 50: TTFT p95 534.3ms [382.5ms, …]  out tok/s 1485 [1326, 1645]"
	if got := line(false, 80); got != want {
		t.Errorf("first look, plain:\n got %q\nwant %q", got, want)
	}
	s.Look(Look{Level: 32, N: 8, Judged: 120, Intervals: []rundir.Interval{
		judged("TTFT p95", 530, 401.25, 727.6, 1000),
		judged("output tokens/s", 1490, 1402, 1578, 0)}})
	want = "inferbench: level 32  0:07/0:10  failed 0  ETA 0:03  TTFT -  0 out tok/s  " +
		"judged 120: TTFT p95 530.0ms [401.2ms, 727.6ms]  out tok/s 1490 [1402, 1578]"
	if got := line(false, 80); got != want {
		t.Errorf("eighth look, plain:\n got %q\nwant %q", got, want)
	}
	if got, want := line(true, 160), "level 32  0:07/0:10  failed 0  ETA 0:03  TTFT -  0 out tok/s  "+
		"judged 120: TTFT p95 530.0ms [401.2ms, 727.6ms]  out tok/s 1490 [1402, 1578]"; got != want {
		t.Errorf("terminal, 160 columns:\n got %q\nwant %q", got, want)
	}
	if got := line(true, 60); strings.Contains(got, "judged") {
		t.Errorf("terminal, 60 columns: %q; want the intervals dropped first", got)
	}

	s.Look(Look{Level: 32, N: 8, Judged: 120, Stop: "verdict certain", Certain: true})
	s.LevelFinished(32, &report.Level{Level: 32, Requests: report.Requests{Total: 131, OK: 131},
		TTFTMS: report.Dist{N: 131, P50: 480, P95: 530}, OutputTokensPerS: 1490.44})
	snap := s.Snapshot()
	f := Render(&snap, 80, false)
	// 131 TTFTs are fewer than a p95 needs (200): marked as the table
	// marks it.
	want = "     32     131      0  480.0ms 530.0ms*        -    1490.4  pass  (stopped: verdict certain, 120 judged)"
	if len(f.Results) != 2 || f.Results[1] != want {
		t.Errorf("result lines %q;\nwant the header and %q", f.Results, want)
	}
	if r := ResultOf(&report.Level{TTFTMS: report.Dist{N: 200, P95: 530}, TPOTMS: report.Dist{N: 199, P95: 30}}, report.SLO{}); r.TTFTThin || !r.TPOTThin {
		t.Errorf("200 TTFTs thin %v, 199 TPOTs thin %v; want false, true", r.TTFTThin, r.TPOTThin)
	}
	if r := snap.Levels[0].Result; r == nil || r.Stop != "stopped: verdict certain, 120 judged" {
		t.Errorf("result %+v; want its stop", r)
	}
}

// TestAdaptiveLookOtherLevel: a look for a level not started is dropped, and
// a level without looks shows no interval and no stop.
func TestAdaptiveLookOtherLevel(t *testing.T) {
	s := New(Options{Run: "fixed"})
	s.LevelStarted(LevelPlan{Level: 4, Requests: 10})
	s.Look(Look{Level: 8, Judged: 50, Stop: "precise"})
	s.LevelFinished(4, &report.Level{Level: 4, Requests: report.Requests{Total: 10, OK: 10}})
	snap := s.Snapshot()
	if l := snap.Levels[0]; l.Look != nil || l.Result == nil || l.Result.Stop != "" {
		t.Errorf("level %+v; want no look and no stop", l)
	}
}
