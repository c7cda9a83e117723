package live

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// levelCase is a load profile and the words a level of it is shown with.
type levelCase struct {
	profile  string
	sessions bool    // its records are turns of multi-turn sessions
	level    float64 // the level as set
	name     string  // how a line names it
	header   string  // the result table's level column heading
	cell     string  // the level's cell in that column
}

var levelCases = []levelCase{
	{profile: "rate", level: 2, name: "level 2 req/s", header: "req/s", cell: "2"},
	{profile: "rate", level: 0.5, name: "level 0.5 req/s", header: "req/s", cell: "0.5"},
	{profile: "rate", sessions: true, level: 2, name: "level 2 sessions/s", header: "level", cell: "2"},
	{profile: "rate", sessions: true, level: 1, name: "level 1 session/s", header: "level", cell: "1"},
	{profile: "concurrency", level: 16, name: "level 16 streams", header: "streams", cell: "16"},
	{profile: "sweep", level: 1, name: "level 1 stream", header: "streams", cell: "1"},
	{profile: "concurrency", sessions: true, level: 8, name: "level 8 streams", header: "streams", cell: "8"},
	{profile: "trace", level: 0, name: "trace", header: "level", cell: "trace"},
	{profile: "", level: 16, name: "level 16", header: "level", cell: "16"}, // a plan that does not say
}

// levelCaseState is a State fed one level of c's profile, 20 requests of
// which completed, and whether it ends that level.
func levelCaseState(c levelCase, finish bool) *State {
	t0 := time.Now()
	s := New(Options{Start: t0, SLO: report.SLO{TTFT: time.Second}})
	// Told as the run tells it: the profile, never whether the requests
	// are turns (the run's LevelPlan does not say); the records do.
	s.LevelStarted(LevelPlan{Level: c.level, Profile: c.profile, Requests: 40})
	now := time.Since(t0).Nanoseconds()
	for k := range int64(20) {
		r := rec(c.level, now-900*ms+k*ms, 120*ms, 12*ms, 64)
		if c.sessions {
			r.Session, r.Turn = uint64(k/2+1), int(k%2+1)
		}
		s.Add(r)
	}
	if finish {
		s.LevelFinished(c.level, nil)
	}
	return s
}

// TestLevelSaysWhatItCounts: the live line, the result table and a narrow
// terminal's result block name a level as it was set, with what it counts —
// "level 2 req/s" for an open loop's rate, "level 16 streams" for a closed
// loop, "trace" for a trace — as report's tables head the levels
// ("requests per second offered", "concurrent streams"). They read "level 2"
// whatever the profile: a rate of 2 req/s and 2 streams looked the same.
func TestLevelSaysWhatItCounts(t *testing.T) {
	for _, c := range levelCases {
		t.Run(fmt.Sprintf("%s-%g-sessions-%v", c.profile, c.level, c.sessions), func(t *testing.T) {
			snap := levelCaseState(c, false).Snapshot()
			for _, width := range []int{160, 40} {
				f := Render(&snap, width, true)
				if len(f.Live) == 0 || !strings.HasPrefix(f.Live[0], c.name+"  ") {
					t.Errorf("at %d columns the live line reads %q; want it to begin %q", width, f.Live, c.name+"  ")
				}
			}
			if f := Render(&snap, 0, false); len(f.Live) != 1 || !strings.HasPrefix(f.Live[0], "inferbench: "+c.name+"  ") {
				t.Errorf("the plain progress line reads %q; want it to begin %q", f.Live, "inferbench: "+c.name+"  ")
			}

			snap = levelCaseState(c, true).Snapshot()
			for _, tty := range []bool{true, false} {
				f := Render(&snap, 160, tty)
				if len(f.Results) != 2 {
					t.Fatalf("results %q; want a header and a row", f.Results)
				}
				if h := strings.Fields(f.Results[0]); len(h) == 0 || h[0] != c.header {
					t.Errorf("tty %v: the result header reads %q; want its level column headed %q", tty, f.Results[0], c.header)
				}
				if row := strings.Fields(f.Results[1]); len(row) < 2 || row[0] != c.cell || row[1] != "20" {
					t.Errorf("tty %v: the result row reads %q; want %q under %q, then 20 ok", tty, f.Results[1], c.cell, c.header)
				}
				// The row's columns stay under the header's.
				if hc, rc := columnEnd(f.Results[0], "ok"), columnEnd(f.Results[1], "20"); hc != rc {
					t.Errorf("tty %v: ok ends at column %d in the header, 20 at %d in the row:\n%s\n%s", tty, hc, rc, f.Results[0], f.Results[1])
				}
			}
			f := Render(&snap, 40, true)
			if len(f.Results) != 2 || !strings.HasPrefix(f.Results[1], c.name+"  ok 20  ") {
				t.Errorf("at 40 columns the result block reads %q; want it to begin %q", f.Results, c.name+"  ok 20  ")
			}
		})
	}
}

// columnEnd is the column just past the first field s of line.
func columnEnd(line, s string) int {
	loc := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(s) + `(\s|$)`).FindStringIndex(line)
	if loc == nil {
		return -1
	}
	return strings.Index(line[loc[0]:], s) + loc[0] + len(s)
}

// TestLevelLabelInTheSnapshot: a level's snapshot carries its label and
// name, which the live page shows ("2 req/s" in its level card and table,
// "level 2 req/s" at its mark on the charts).
func TestLevelLabelInTheSnapshot(t *testing.T) {
	for _, c := range levelCases {
		snap := levelCaseState(c, false).Snapshot()
		l := snap.Levels[0]
		if l.Name != c.name || "level "+l.Label != c.name && l.Label != c.name {
			t.Errorf("%s %g (sessions %v): label %q, name %q; want the name %q", c.profile, c.level, c.sessions, l.Label, l.Name, c.name)
		}
	}
}

// TestFollowSaysWhatTheLevelCounts: watch of a run whose run.json says its
// load is a rate (load.profile) names its levels as rates, on the live line
// and in the result table: it read "level 2", as for 2 streams. A trace's
// one level reads "trace", not "level 0".
func TestFollowSaysWhatTheLevelCounts(t *testing.T) {
	for _, c := range []struct {
		profile     string
		levels      []float64
		live        string // a progress line's start, of the first level
		header, row string // the result table's level column, the first level's cell
	}{
		{"rate", []float64{2, 4}, `inferbench: level 2 req/s  \d/8 `, "req/s", "2"},
		{"concurrency", []float64{4}, `inferbench: level 4 streams  \d/8 `, "streams", "4"},
		{"trace", []float64{0}, `inferbench: trace  \d/8 `, "level", "trace"},
	} {
		t.Run(c.profile, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				d := newRunDir(t, scenarios.SLO{}, 8)
				d.m.Load.Profile = c.profile
				d.writeManifest()
				text := followPlain(t, d, func(start time.Time) {
					for _, level := range c.levels {
						for k := range 8 {
							time.Sleep(500 * time.Millisecond)
							r := rec(level, time.Since(start).Nanoseconds()-300*ms, 100*ms, 20*ms, 10)
							r.ID = uint64(k)
							d.write(d.record(r))
						}
					}
					d.m.ExitState = rundir.ExitComplete
					d.writeManifest()
					time.Sleep(time.Second)
				})
				if !regexp.MustCompile(c.live).MatchString(text) {
					t.Errorf("no progress line matching %q:\n%s", c.live, text)
				}
				header := regexp.MustCompile(`(?m)^ *(\S+) +ok failed `).FindStringSubmatch(text)
				if header == nil || header[1] != c.header {
					t.Errorf("result header %q; want the level column headed %q:\n%s", header, c.header, text)
				}
				if !regexp.MustCompile(`(?m)^ *` + regexp.QuoteMeta(c.row) + ` +8 +0 `).MatchString(text) {
					t.Errorf("no result row of %s with 8 ok:\n%s", c.row, text)
				}
			})
		})
	}
}

// TestMetricsLevelSaysWhatItCounts: /metrics' inferbench_level carries the
// load profile of the level it gives (profile="rate": a request rate), so
// that a dashboard can say what the number is.
func TestMetricsLevelSaysWhatItCounts(t *testing.T) {
	s := New(Options{Run: "bench-1"})
	s.LevelStarted(LevelPlan{Level: 2, Profile: "rate", Requests: 10})
	if v := value(t, scrapeHandler(t, metricsHandler(s)), "inferbench_level", "profile", "rate"); v != 2 {
		t.Errorf("inferbench_level{profile=\"rate\"} %v; want 2", v)
	}
}

// TestPageSaysWhatTheLevelCounts: the live page, in headless Chromium,
// names an open loop's levels as rates — "4 req/s" in its level card and
// levels table, "level 4 req/s" at the level's mark on the charts — where
// it showed the bare 2 and 4.
func TestPageSaysWhatTheLevelCounts(t *testing.T) {
	bin := chromiumtest.Path(t)
	t0 := time.Now().Add(-12 * time.Second)
	s := New(Options{Run: "rates", Start: t0})
	s.LevelStarted(LevelPlan{Level: 2, Profile: "rate", Requests: 20})
	base := time.Since(t0).Nanoseconds() - 12e9
	for k := range int64(20) {
		s.Add(rec(2, base+k*300*ms, 100*ms, 10*ms, 16))
	}
	s.LevelFinished(2, nil)
	s.LevelStarted(LevelPlan{Level: 4, Profile: "rate", Requests: 40})
	for k := range int64(10) {
		s.Add(rec(4, time.Since(t0).Nanoseconds()-2e9+k*100*ms, 100*ms, 10*ms, 16))
	}
	sv := startServer(t, s, ServerOptions{Interval: 200 * time.Millisecond})
	dom, console := chromiumtest.Run(t, bin, holdServer(t, sv, 1500*time.Millisecond, ""), "--dump-dom", "--window-size=1400,1200")
	if attrs := bodyAttrs(dom); attrs["data-errors"] != "[]" || len(console) > 0 {
		t.Errorf("page errors %s, console %q; want none", attrs["data-errors"], console)
	}
	if m := spanText("level").FindStringSubmatch(dom); m == nil || m[1] != "4 req/s" {
		t.Errorf("the level card reads %q; want 4 req/s", m)
	}
	rows := regexp.MustCompile(`(?s)<tbody id="level-rows">.*?</tbody>`).FindString(dom)
	if !strings.Contains(rows, "<tr><td>2 req/s</td><td>done</td>") || !strings.Contains(rows, "<tr><td>4 req/s</td><td>running</td>") {
		t.Errorf("the levels table lacks 2 req/s done and 4 req/s running:\n%s", rows)
	}
	// Level 4's mark (level 2 began before the page's first point, off
	// the axis).
	m := regexp.MustCompile(`id="chart-rps"[^>]*data-marks="([^"]*)"`).FindStringSubmatch(dom)
	if m == nil || m[1] != "level 4 req/s" {
		t.Errorf("the rps chart's level marks read %q; want level 4 req/s", m)
	}
}
