package live

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// clientSamples are one client sample a second from 0 to n s on 2 cores,
// the CPU share over the second ending at k s share(k).
func clientSamples(n int64, share func(k int64) float64) []rundir.ClientSample {
	out := []rundir.ClientSample{{TNS: 0, Cores: 2}}
	cpu := 0.0
	for k := int64(1); k <= n; k++ {
		cpu += 2 * share(k)
		out = append(out, rundir.ClientSample{TNS: k * int64(time.Second), CPUSeconds: cpu, Cores: 2})
	}
	return out
}

// TestLevelResultClientBound: a level of an ordinary sweep (no summary
// handed over) whose load generator ran at 98 % of its cores for 20 s and
// 80 % for the last 10 s — 92 % over the level, past report's 90 % — is
// CLIENT-BOUND in its result, on its result line and in the page's notes,
// as summary.json and the results table say. Before, the State judged its
// own levels with no client verdict at all (and kept only the last 10 s of
// samples, which read 80 %): the live line said nothing where the table
// said CLIENT-BOUND.
func TestLevelResultClientBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 5 * time.Second})
		s.LevelStarted(LevelPlan{Level: 2, Requests: 60})
		samples := clientSamples(30, func(k int64) float64 {
			if k <= 20 {
				return 0.98
			}
			return 0.8
		})
		next := 0 // the next sample to hand over, each at its time
		clientTo := func(ns int64) {
			for ; next < len(samples) && samples[next].TNS <= ns; next++ {
				sleepTo(t0, samples[next].TNS)
				s.Client(samples[next])
			}
		}
		for k := int64(0); k < 60; k++ { // two requests a second, 0.05 s to 29.15 s
			sent := 50*ms + k*490*ms
			done := sent + 100*ms + 9*10*ms
			clientTo(done)
			sleepTo(t0, done)
			s.Add(rec(2, sent, 100*ms, 10*ms, 10))
		}
		clientTo(30 * int64(time.Second))
		s.LevelFinished(2, nil)
		snap := s.Snapshot()
		r := snap.Levels[0].Result
		if r == nil || !r.ClientBound {
			t.Fatalf("result %+v; want it CLIENT-BOUND (92 %% of the client's cores over the level)", r)
		}
		for _, width := range []int{0, 40, 120} {
			f := Render(&snap, width, width > 0)
			if got := strings.Join(f.Results, "\n"); !strings.Contains(got, "CLIENT-BOUND") {
				t.Errorf("result line at %d columns:\n%s\nwant it to say CLIENT-BOUND", width, got)
			}
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var page struct{ Notes []string }
		if err := json.Unmarshal(b, &page); err != nil || len(page.Notes) == 0 || page.Notes[0] != "CLIENT-BOUND" {
			t.Errorf("the page's notes %q (%v); want CLIENT-BOUND", page.Notes, err)
		}
	})
}

// TestLevelClientVerdictIsReports: the client verdict of a level the State
// judges itself is report.SummarizeClient's over the same client samples
// and the level as report summarizes it, closed loop or not: the one
// definition, whatever makes the client bound.
func TestLevelClientVerdictIsReports(t *testing.T) {
	const sec = int64(time.Second)
	steady := func(int64) float64 { return 0.5 }
	// loop is n workers, each sending a request every second for secs
	// seconds, first token at ttft and tokens of itl after it.
	loop := func(n, secs, ttft, itl int64, tokens int) func() []*rundir.Record {
		return func() []*rundir.Record {
			var rs []*rundir.Record
			for k := range secs {
				for w := range n {
					r := rec(8, 50*ms+k*sec+w*10*ms, ttft, itl, tokens)
					r.Worker = int(w)
					rs = append(rs, r)
				}
			}
			return rs
		}
	}
	// closed is 8 workers, each sending a 100 ms request every second for
	// 12 s: 0.8 of 8 streams in flight on average.
	closed := loop(8, 12, 50*ms, 5*ms, 11)
	// busy is 4 workers, each sending a 900 ms request every second for
	// 20 s: 3.6 streams in flight on average, 80 requests.
	busy := loop(4, 20, 100*ms, 10*ms, 81)
	// turns is closed's requests as turns of multi-turn sessions, whose
	// workers idle for the think time by design.
	turns := func() []*rundir.Record {
		rs := closed()
		for _, r := range rs {
			r.Session, r.Turn = uint64(r.Worker), 1+int(r.SentNS/sec)
		}
		return rs
	}
	// lagged is 120 requests sent 6 ms behind their schedule.
	lagged := func() []*rundir.Record {
		var rs []*rundir.Record
		for k := range int64(120) {
			r := rec(8, 50*ms+k*100*ms, 50*ms, 5*ms, 11)
			r.ScheduledNS -= 6 * ms
			rs = append(rs, r)
		}
		return rs
	}
	sched := clientSamples(13, steady)
	for i := range sched {
		if i%4 == 1 {
			sched[i].SchedLatencyP99MS = 8
		}
	}
	cases := []struct {
		name    string
		records func() []*rundir.Record
		samples []rundir.ClientSample
		streams float64 // LevelPlan.Streams; > 0: a closed loop
		bound   bool    // what report says
	}{
		{"idle client", closed, clientSamples(13, steady), 0, false},
		{"CPU", closed, clientSamples(13, func(k int64) float64 { return 0.9 + 0.05*float64(k%2) }), 0, true},
		{"CPU below the bound", closed, clientSamples(13, func(int64) float64 { return 0.89 }), 0, false},
		{"scheduler latency", closed, sched, 0, true},
		{"send lag", lagged, clientSamples(13, steady), 0, true},
		{"streams in flight, closed loop", closed, clientSamples(13, steady), 8, true},
		{"streams in flight, multi-turn sessions", turns, clientSamples(13, steady), 8, false},
		{"streams in flight, open loop", closed, clientSamples(13, steady), 0, false},
		{"8 streams, 3.6 in flight", busy, clientSamples(21, steady), 8, true},
		{"a shard's 4 of 8 streams, 3.6 in flight", busy, clientSamples(21, steady), 4, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := New(Options{Start: time.Now(), Window: 5 * time.Second})
				sumz := report.NewSummarizer(report.SLO{})
				s.LevelStarted(LevelPlan{Level: 8, Streams: c.streams})
				for _, r := range c.records() {
					s.Add(r)
					sumz.Add(r)
				}
				for _, x := range c.samples {
					s.Client(x)
				}
				s.LevelFinished(8, nil)
				got := s.Snapshot().Levels[0].Result
				lvl := sumz.Snapshot().Levels[0]
				// report's verdict for the level, with the closed loop's
				// streams (report.ClosedStreams).
				want := report.SummarizeClient(c.samples, &lvl, c.streams)
				if want.Bound != c.bound {
					t.Fatalf("report says bound %v (%q); the case means %v", want.Bound, want.Reasons, c.bound)
				}
				if got.ClientBound != want.Bound {
					t.Errorf("live result bound %v; report.SummarizeClient says %v (%q)", got.ClientBound, want.Bound, want.Reasons)
				}
			})
		})
	}
}

// TestFollowClientVerdict: watching a sweep that has ended, each level's
// client verdict is the one summary.json gives (report.SummarizeRun): level
// 2 with its client at 98 % of its cores, level 8 whose 8 closed-loop
// streams kept 0.8 requests in flight (run.json: a sweep), level 4 clean.
// watch reads client.jsonl whole before the records; before, it kept the
// last 10 s of it, and no level had a client verdict.
func TestFollowClientVerdict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const sec = int64(time.Second)
		d := newRunDir(t, scenarios.SLO{}, 0)
		// level writes lv's records: workers each sending a request every
		// second for n s from from s, its TTFT ttft and out tokens 10 ms apart.
		level := func(lv float64, workers, from, n int64, ttft int64, out int) {
			for k := range n {
				for w := range workers {
					r := rec(lv, (from+k)*sec+50*ms+w*10*ms, ttft, 10*ms, out)
					r.Worker = int(w)
					d.write(d.record(r))
				}
			}
		}
		level(2, 2, 0, 10, 100*ms, 81) // 900 ms: 1.8 of 2 in flight
		level(4, 4, 10, 10, 100*ms, 81)
		level(8, 8, 20, 12, 50*ms, 6) // 100 ms: 0.8 of 8
		var lines []string
		for _, c := range clientSamples(33, func(k int64) float64 {
			if k <= 10 {
				return 0.98
			}
			return 0.5
		}) {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, string(b)+"\n")
		}
		if err := os.WriteFile(filepath.Join(d.dir, rundir.ClientFile), []byte(strings.Join(lines, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		d.m.ExitState = rundir.ExitComplete
		d.writeManifest()
		var out strings.Builder
		if err := Follow(t.Context(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModeResults}}); err != nil {
			t.Fatal(err)
		}
		sum, _, err := report.SummarizeRun(d.dir, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		var bound []float64
		for i := range sum.Levels {
			res := ResultOf(&sum.Levels[i], report.SLO{})
			if res.ClientBound {
				bound = append(bound, res.Level)
			}
			if want := join(resultRow(&res, followedPlan(d, res.Level), followedPlan(d, res.Level).unit())); strings.Count(out.String(), want+"\n") != 1 {
				t.Errorf("output lacks report's result line %q once:\n%s", want, out.String())
			}
		}
		if len(bound) != 2 || bound[0] != 2 || bound[1] != 8 {
			t.Errorf("report: levels %v client-bound; want 2 and 8", bound)
		}
	})
}

// TestFollowReplayClientVerdict: `watch --live` on a sweep that has ended
// replays it for the live page, holding client.jsonl back to each page
// point; a level finished when the next level's first record came, before
// the samples of its own last second were fed, and lost its client verdict
// (level 2 at 98 % of the cores read clean). Each level's verdict is the
// summary's, as without the page (TestFollowClientVerdict).
func TestFollowReplayClientVerdict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const sec = int64(time.Second)
		d := newRunDir(t, scenarios.SLO{}, 0)
		level := func(lv float64, workers, from, n int64, ttft int64, out int) {
			for k := range n {
				for w := range workers {
					r := rec(lv, (from+k)*sec+50*ms+w*10*ms, ttft, 10*ms, out)
					r.Worker = int(w)
					d.write(d.record(r))
				}
			}
		}
		level(2, 2, 0, 10, 100*ms, 81)
		level(4, 4, 10, 10, 100*ms, 81)
		var lines []string
		for _, c := range clientSamples(22, func(k int64) float64 {
			switch { // level 2 at 91 % of the cores, most of it in its last 5 s
			case k <= 5:
				return 0.82
			case k <= 10:
				return 1
			}
			return 0.5
		}) {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, string(b)+"\n")
		}
		if err := os.WriteFile(filepath.Join(d.dir, rundir.ClientFile), []byte(strings.Join(lines, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		d.m.ExitState = rundir.ExitComplete
		d.writeManifest()
		f, err := NewFollower(t.Context(), d.dir, FollowOptions{})
		if err != nil {
			t.Fatal(err)
		}
		points := 0
		// As replayPoints sets them, without a page: a point each 4 s of the
		// run, so that a level ends between two.
		f.replay, f.replayStep = func() { points++ }, 4*sec
		if err := f.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		sum, _, err := report.SummarizeRun(d.dir, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		snap := f.State().Snapshot()
		if points == 0 || len(snap.Levels) != len(sum.Levels) {
			t.Fatalf("%d points, %d levels followed, %d summarized", points, len(snap.Levels), len(sum.Levels))
		}
		for i := range sum.Levels {
			want := ResultOf(&sum.Levels[i], report.SLO{}).ClientBound
			if got := snap.Levels[i].Result; got == nil || got.ClientBound != want {
				t.Errorf("level %g: followed result %+v; want client-bound %v as the summary", sum.Levels[i].Level, got, want)
			}
		}
		if !ResultOf(&sum.Levels[0], report.SLO{}).ClientBound {
			t.Error("the summary does not find level 2 client-bound: the test checks nothing")
		}
	})
}
