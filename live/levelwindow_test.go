package live

import (
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestSlowOpenLevelResultOverItsTime: an open level at 0.0001 req/s that
// ran 8 s and sent one request (128 tokens, done 1.32 s after its send)
// reads, on its result line, its rate over the 8 s the level ran, as
// summary.json does (report.LevelWindow): 16 output tok/s and 0.125 req/s,
// not the request's own 97 tok/s and 0.76 req/s.
func TestSlowOpenLevelResultOverItsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 5 * time.Second})
		s.LevelStarted(LevelPlan{Level: 0.0001, Profile: "rate", Duration: 8 * time.Second})
		r := rec(0.0001, 0, 50*ms, 10*ms, 128)
		sleepTo(t0, r.DoneNS)
		s.Add(r)
		sleepTo(t0, 8*int64(time.Second))
		s.LevelFinished(0.0001, nil)
		res := s.Snapshot().Levels[0].Result
		if res == nil || math.Abs(res.OutputTokensPerS-16) > 1e-9 || math.Abs(res.RequestsPerS-0.125) > 1e-12 {
			t.Fatalf("result %+v; want 16 out tok/s and 0.125 req/s over the level's 8 s", res)
		}
	})
}

// TestFollowedSlowOpenLevelOverItsTime: watching a finished run whose
// run.json says its one open level ran 8 s (levels) shows that level's
// result as report computes it: 16 output tok/s over the 8 s, not the one
// request's 97.
func TestFollowedSlowOpenLevelOverItsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 0)
		d.m.Load.Profile = "rate"
		d.m.Levels = []rundir.LevelSpan{{Level: 0.0001, Open: true, StartNS: 0, EndNS: 8e9}}
		d.m.ExitState = rundir.ExitComplete
		d.writeManifest()
		d.write(d.record(rec(0.0001, ms, 50*ms, 10*ms, 128)))
		var out syncBuffer
		if err := Follow(t.Context(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}}); err != nil {
			t.Fatal(err)
		}
		sum, _, err := report.SummarizeRun(d.dir, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		if got := sum.Levels[0].OutputTokensPerS; math.Abs(got-16) > 1e-9 {
			t.Fatalf("report: %v out tok/s; want 16", got)
		}
		res := ResultOf(&sum.Levels[0], report.SLO{})
		want := join(resultRow(&res, followedPlan(d, 0.0001), followedPlan(d, 0.0001).unit()))
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("watch's output lacks report's result line %q:\n%s", want, out.String())
		}
	})
}
