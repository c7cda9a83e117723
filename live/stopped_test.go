package live

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestLevelStoppedEarly: a level the first Ctrl-C cut short says so on
// its result line, with what it ran of its plan; a level that ran its
// requests or its time before the stop does not. Before, the interrupted
// level's line ("level 2  ok 32  failed 4") read as a whole level's.
func TestLevelStoppedEarly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		run := func(plan LevelPlan, records int, stopAt time.Duration) *Result {
			s := New(Options{})
			s.LevelStarted(plan)
			for k := range int64(records) {
				s.Add(rec(plan.Level, k*10*ms, 5*ms, ms, 2))
			}
			time.Sleep(stopAt)
			s.Stopping(5 * time.Second)
			s.LevelFinished(plan.Level, nil)
			s.End(string(rundir.ExitInterrupted))
			return s.Snapshot().Levels[0].Result
		}
		for _, c := range []struct {
			plan    LevelPlan
			records int
			stopAt  time.Duration
			want    string
		}{
			{LevelPlan{Level: 2, Requests: 400}, 36, 3 * time.Second, "stopped early: 36 of 400 requests"},
			{LevelPlan{Level: 2, Requests: 36}, 36, 3 * time.Second, ""},
			{LevelPlan{Level: 5, Duration: 10 * time.Second}, 20, 3500 * time.Millisecond, "stopped early at 0:03 of 0:10"},
			{LevelPlan{Level: 5, Duration: 10 * time.Second}, 20, 10 * time.Second, ""},
			{LevelPlan{Level: 5, Requests: 400, Duration: 10 * time.Second}, 20, 11 * time.Second, ""},
		} {
			r := run(c.plan, c.records, c.stopAt)
			if r.Stop != c.want {
				t.Errorf("%+v, %d done, stopped at %s: %q; want %q", c.plan, c.records, c.stopAt, r.Stop, c.want)
			}
		}
		r := run(LevelPlan{Level: 2, Requests: 400}, 36, 3*time.Second)
		snap := Snapshot{Levels: []LevelSnapshot{{Plan: LevelPlan{Level: 2, Requests: 400}, Finished: 1, Result: r}}}
		for _, width := range []int{40, 80} {
			if text := strings.Join(Render(&snap, width, true).Results, "\n"); !strings.Contains(text, "(stopped early: 36 of 400 requests)") {
				t.Errorf("%d columns: the result does not say it was stopped early:\n%s", width, text)
			}
		}
	})
}

// TestLevelStoppedBeforeAnyRequestIsNotJudged: a level the stop cut before
// any of its requests finished (a bisection's next level, Ctrl-C as it
// began) has nothing to judge: its line says it was stopped, not
// "FAIL: no measured requests", which read as the server failing it.
func TestLevelStoppedBeforeAnyRequestIsNotJudged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{SLO: report.SLO{TTFT: 30 * time.Millisecond}})
		s.LevelStarted(LevelPlan{Level: 22, Requests: 32})
		time.Sleep(100 * time.Millisecond)
		s.Stopping(5 * time.Second)
		s.LevelFinished(22, nil)
		s.End(string(rundir.ExitInterrupted))
		r := s.Snapshot().Levels[0].Result
		if r == nil || r.SLO != VerdictNone || len(r.Reasons) != 0 || r.Stop != "stopped early: 0 of 32 requests" {
			t.Fatalf("result %+v; want no verdict, stopped early: 0 of 32 requests", r)
		}
	})
}
