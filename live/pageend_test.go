package live

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
)

// TestPageAfterTheEndShowsNoRollingNumbers: once the run has ended, the
// page's number cards that read "now" (the level, in flight, the rolling
// TTFT and tokens/s) say "-"; the levels table holds each level's result.
// Before, the TTFT card kept the last 5 s of the last level — "73.8 ms /
// 82.9 ms" under a table whose last level read TTFT p95 81.2 ms, numbers
// of no level — beside a level card and a streamed tok/s card reading "-",
// and a followed run's output tok/s card kept its last rate too.
func TestPageAfterTheEndShowsNoRollingNumbers(t *testing.T) {
	bin := chromiumtest.Path(t)
	for _, streamed := range []bool{true, false} {
		s := New(Options{Run: "ended"})
		s.tracked.Store(streamed)
		s.LevelStarted(LevelPlan{Level: 4, Requests: 20})
		now := time.Since(s.start).Nanoseconds()
		for k := range 20 {
			s.Add(rec(4, now-int64(20-k)*20*ms-500*ms, int64(60+k)*ms, 20*ms, 10))
		}
		if w := s.Snapshot().Window; w.TTFT.N == 0 {
			t.Fatalf("the level's window holds no TTFT: %+v", w)
		}
		s.LevelFinished(4, nil)
		s.End("complete")
		sv := startServer(t, s, ServerOptions{})
		dom, console := chromiumtest.Run(t, bin, holdServer(t, sv, 300*time.Millisecond, ""), "--dump-dom")
		if a := bodyAttrs(dom); a["data-errors"] != "[]" || len(console) > 0 {
			t.Errorf("page errors %s, console %q; want none", a["data-errors"], console)
		}
		for _, id := range []string{"level", "ttft", "outtps"} {
			if m := spanText(id).FindStringSubmatch(dom); m == nil || m[1] != "-" {
				t.Errorf("streamed %v: after the end the %s card reads %q; want -", streamed, id, m)
			}
		}
		if m := spanText("requests").FindStringSubmatch(dom); m == nil || m[1] != "20" {
			t.Errorf("streamed %v: requests ok reads %q; want the run's 20", streamed, m)
		}
	}
}

// TestPageSaysARunThatDidNotCompleteInRed: the state of a run that ended
// other than complete (failed, interrupted, gone under watch) is not shown
// in the green of a completed one; before, "run ended: failed" and a
// killed run's "run ended: running" read green like "run ended: complete".
func TestPageSaysARunThatDidNotCompleteInRed(t *testing.T) {
	bin := chromiumtest.Path(t)
	for exit, bad := range map[string]bool{"complete": false, "failed": true, "interrupted": true, ExitGone: true} {
		s := New(Options{Run: "ended-" + exit})
		s.LevelStarted(LevelPlan{Level: 1, Requests: 2})
		s.Add(rec(1, 0, 50*ms, 20*ms, 10))
		s.End(exit)
		sv := startServer(t, s, ServerOptions{})
		dom, _ := chromiumtest.Run(t, bin, holdServer(t, sv, 200*time.Millisecond, ""), "--dump-dom")
		m := regexp.MustCompile(`<div id="state" class="([^"]*)">([^<]*)<`).FindStringSubmatch(dom)
		if m == nil || m[2] != "run ended: "+exit {
			t.Errorf("%s: state %q; want run ended: %s", exit, m, exit)
			continue
		}
		classes := strings.Fields(m[1])
		if slices.Contains(classes, "bad") != bad {
			t.Errorf("%s: state's classes %q; want bad %v", exit, classes, bad)
		}
	}
	if !strings.Contains(pageCSS, ".state.ended.bad {") {
		t.Error("page.css has no colour for .state.ended.bad")
	}
}
