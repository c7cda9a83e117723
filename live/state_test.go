package live

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

const ms = int64(time.Millisecond)

// rec is a successful measured record of level: sent at sentNS, first
// token ttft later, then out−1 more tokens tpot apart; done at the last.
func rec(level float64, sentNS, ttft, tpot int64, out int) *rundir.Record {
	r := &rundir.Record{Stage: rundir.StageMeasure, Level: level, ScheduledNS: sentNS, SentNS: sentNS,
		FirstTokenNS: sentNS + ttft, OK: true, Status: 200, OutputTokens: out, InputTokens: 100,
		OutputTokensSource: rundir.SourceServer}
	r.EndNS = r.FirstTokenNS + int64(out-1)*tpot
	r.DoneNS = r.EndNS
	for i := range out {
		r.Chunks = append(r.Chunks, [2]int64{r.FirstTokenNS + int64(i)*tpot, 1})
	}
	return r
}

// failed is a failed measured record of level, sent at sentNS, done after d.
func failed(level float64, sentNS, d int64, class rundir.ErrorClass) *rundir.Record {
	return &rundir.Record{Stage: rundir.StageMeasure, Level: level, ScheduledNS: sentNS, SentNS: sentNS,
		DoneNS: sentNS + d, EndNS: sentNS + d, ErrorClass: class, Error: "boom", Status: 500}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

// sleepTo sleeps until ns after the bubble's start.
func sleepTo(t0 time.Time, ns int64) { time.Sleep(time.Until(t0.Add(time.Duration(ns)))) }

// TestRollingWindow pins the rolling numbers against hand-computed values:
// one request completes each second, request k with TTFT 100·k ms, 11
// output tokens 20 ms apart (TPOT 20 ms); one failure at 6.5 s.
func TestRollingWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Run: "w", Start: t0, Window: 5 * time.Second})
		s.LevelStarted(LevelPlan{Level: 4, Requests: 20})
		const tpot = 20 * ms
		add := func(k int64) {
			ttft := 100 * k * ms
			done := k * int64(time.Second)
			sent := done - ttft - 10*tpot
			sleepTo(t0, done)
			s.Add(rec(4, sent, ttft, tpot, 11))
		}
		add(1)
		add(2)
		// At 2 s: two requests; the span is from the first send (1 s − 100
		// ms − 200 ms = 0.7 s) to now, 1.3 s, not the whole window.
		snap := s.Snapshot()
		w := snap.Window
		if w.SpanNS != 1300*ms || w.Completed != 2 || w.OK != 2 {
			t.Fatalf("at 2 s: span %d, completed %d, ok %d; want 1.3 s, 2, 2", w.SpanNS, w.Completed, w.OK)
		}
		if !near(w.RequestsPerS, 2/1.3) || !near(w.OutputTokensPerS, 22/1.3) {
			t.Errorf("at 2 s: %v req/s, %v tok/s; want %v, %v", w.RequestsPerS, w.OutputTokensPerS, 2/1.3, 22/1.3)
		}
		// p50 of {100, 200} = 150; p95: h = 0.95, 100 + 0.95·100 = 195.
		if w.TTFT.N != 2 || !near(w.TTFT.P50, 150) || !near(w.TTFT.P95, 195) || !near(w.TTFT.P99, 199) {
			t.Errorf("at 2 s: TTFT %+v; want n 2, p50 150, p95 195, p99 199", w.TTFT)
		}
		for k := int64(3); k <= 8; k++ {
			add(k)
			if k == 6 {
				sleepTo(t0, 6500*ms)
				s.Add(failed(4, 6400*ms, 100*ms, rundir.HTTP5xx))
			}
		}
		// At 8 s the window (3 s, 8 s] holds requests 4…8 and the failure.
		snap = s.Snapshot()
		w = snap.Window
		if w.SpanNS != 5*int64(time.Second) || w.Completed != 6 || w.OK != 5 {
			t.Fatalf("at 8 s: span %d, completed %d, ok %d; want 5 s, 6, 5", w.SpanNS, w.Completed, w.OK)
		}
		// TTFT {400…800}: p50 600; p95 h = 3.8 → 700 + 0.8·100 = 780;
		// p99 h = 3.96 → 796. TPOT 20 ms each. 6 completions / 5 s; 55 tokens / 5 s.
		if !near(w.TTFT.P50, 600) || !near(w.TTFT.P95, 780) || !near(w.TTFT.P99, 796) {
			t.Errorf("at 8 s: TTFT %+v; want p50 600, p95 780, p99 796", w.TTFT)
		}
		if w.TPOT.N != 5 || !near(w.TPOT.P50, 20) || !near(w.TPOT.P95, 20) {
			t.Errorf("at 8 s: TPOT %+v; want 5 × 20 ms", w.TPOT)
		}
		if !near(w.RequestsPerS, 1.2) || !near(w.OutputTokensPerS, 11) {
			t.Errorf("at 8 s: %v req/s, %v tok/s; want 1.2, 11", w.RequestsPerS, w.OutputTokensPerS)
		}
		// At 12 s only request 8 (done at 8 s) is left; at 13.5 s none.
		sleepTo(t0, 12*int64(time.Second))
		if w := s.Snapshot().Window; w.Completed != 1 || w.TTFT.P95 != 800 {
			t.Errorf("at 12 s: %+v; want request 8 alone", w)
		}
		sleepTo(t0, 13500*ms)
		if w := s.Snapshot().Window; w.Completed != 0 || w.TTFT.N != 0 || w.OutputTokensPerS != 0 {
			t.Errorf("at 13.5 s: %+v; want an empty window", w)
		}
		// Totals are the run's, not the window's.
		snap = s.Snapshot()
		if snap.OK != 8 || snap.Failed != 1 || snap.Errors[rundir.HTTP5xx] != 1 || snap.OutputTokens != 88 {
			t.Errorf("totals ok %d failed %d errors %v tokens %d; want 8, 1, http_5xx 1, 88", snap.OK, snap.Failed, snap.Errors, snap.OutputTokens)
		}
		if l := snap.Levels[0]; l.Done != 9 || l.OK != 8 || l.Failed != 1 || !l.Running {
			t.Errorf("level %+v; want 9 done, 8 ok, 1 failed, running", l)
		}
	})
}

// TestRollingWindowCap: past WindowCap requests in the window, the rates
// divide by the time the kept requests cover.
func TestRollingWindowCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 5 * time.Second, WindowCap: 4})
		// Ten requests done 100 ms apart from 1.1 s to 2.0 s, 5 tokens each.
		for k := int64(1); k <= 10; k++ {
			done := 1000*ms + k*100*ms
			sleepTo(t0, done)
			s.Add(rec(1, done-50*ms, 10*ms, 10*ms, 5))
		}
		// Kept: done at 1.7, 1.8, 1.9, 2.0 s; span 2.0 − 1.7 = 0.3 s.
		w := s.Snapshot().Window
		if w.Completed != 4 || w.SpanNS != 300*ms || !near(w.RequestsPerS, 4/0.3) || !near(w.OutputTokensPerS, 20/0.3) {
			t.Errorf("window %+v; want 4 requests over 0.3 s", w)
		}
	})
}

// TestStagesAndRetries: warm-up requests count toward the level's progress
// and the window but not the totals; retried attempts count apart.
func TestStagesAndRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0})
		s.LevelStarted(LevelPlan{Level: 2, Requests: 3, Warmup: 2})
		time.Sleep(time.Second)
		for range 2 {
			r := rec(2, 0, 100*ms, 10*ms, 10)
			r.Stage = rundir.StageWarmup
			s.Add(r)
		}
		retried := failed(2, 100*ms, 10*ms, rundir.RateLimited)
		retried.Retried = true
		s.Add(retried)
		s.Add(rec(2, 200*ms, 100*ms, 10*ms, 10))
		snap := s.Snapshot()
		l := snap.Levels[0]
		if l.Done != 3 || l.OK != 1 || l.Failed != 0 || snap.OK != 1 || snap.Retried != 1 || snap.OutputTokens != 10 {
			t.Errorf("level done %d ok %d failed %d; run ok %d retried %d tokens %d; want 3, 1, 0; 1, 1, 10",
				l.Done, l.OK, l.Failed, snap.OK, snap.Retried, snap.OutputTokens)
		}
		if snap.CompletedAll != 3 || snap.OutputTokensAll != 30 || snap.Window.Completed != 3 {
			t.Errorf("all stages: %d completed, %d tokens, window %d; want 3, 30, 3", snap.CompletedAll, snap.OutputTokensAll, snap.Window.Completed)
		}
	})
}

// TestProbeNotPlanned: the spread probe counts as traffic (completed, its
// tokens) but not in the level's done/total, which would read 3/2 with it.
func TestProbeNotPlanned(t *testing.T) {
	s := New(Options{})
	s.LevelStarted(LevelPlan{Level: 4, Requests: 2})
	probe := rec(4, 0, 100*ms, 10*ms, 10)
	probe.Stage = rundir.StageProbe
	s.Add(probe)
	s.Add(rec(4, 200*ms, 100*ms, 10*ms, 10))
	s.Add(rec(4, 210*ms, 100*ms, 10*ms, 10))
	snap := s.Snapshot()
	if l := snap.Levels[0]; l.Done != 2 || l.OK != 2 || snap.OK != 2 {
		t.Errorf("level done %d ok %d, run ok %d; want 2, 2, 2 (the probe is not planned nor measured)", l.Done, l.OK, snap.OK)
	}
	if snap.CompletedAll != 3 || snap.OutputTokensAll != 30 {
		t.Errorf("all stages: %d completed, %d tokens; want 3, 30 (the probe is traffic)", snap.CompletedAll, snap.OutputTokensAll)
	}
	if got := strings.Join(Render(&snap, 160, false).Live, "\n"); !strings.Contains(got, "level 4  2/2 ") {
		t.Errorf("progress line %q; want done/total 2/2", got)
	}
}

// TestProbeStartsTheClockAtItsEnd: a level with a spread probe shows the
// probe while it is in flight, and its clock (StartNS, the origin of the
// duration's progress and ETA) starts when the probe ends, as the level's
// workers and --duration do; a followed run (levels known from records
// only) starts its level at the first send after the probe.
func TestProbeStartsTheClockAtItsEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0})
		s.LevelStarted(LevelPlan{Level: 4, Duration: 3 * time.Second, SpreadProbe: true})
		sleepTo(t0, 1000*ms)
		snap := s.Snapshot()
		if l := snap.Levels[0]; !l.Probing || l.StartNS != 0 {
			t.Fatalf("during the probe: probing %v, start %d; want true, 0", l.Probing, l.StartNS)
		}
		line := strings.Join(Render(&snap, 160, false).Live, "\n")
		if !strings.Contains(line, "level 4  spread probe 0:01") || strings.Contains(line, "ETA") || strings.Contains(line, "/0:03") {
			t.Errorf("during the probe the line reads %q; want the probe's time and no ETA or level clock", line)
		}
		probe := rec(4, 0, 100*ms, 10*ms, 131) // ends at 1400 ms
		probe.Stage = rundir.StageProbe
		s.Add(probe)
		s.Add(rec(4, 1400*ms, 100*ms, 10*ms, 10))
		sleepTo(t0, 3900*ms)
		snap = s.Snapshot()
		if l := snap.Levels[0]; l.Probing || l.StartNS != 1400*ms || l.BeganNS != 0 {
			t.Fatalf("after the probe: probing %v, start %d, began %d; want false, %d (the probe's end), 0 (a chart's mark stays)", l.Probing, l.StartNS, l.BeganNS, 1400*ms)
		}
		if line := strings.Join(Render(&snap, 160, false).Live, "\n"); !strings.Contains(line, "level 4  0:02/0:03") || !strings.Contains(line, "ETA 0:00") {
			t.Errorf("2.5 s into the level the line reads %q; want 0:02/0:03 and the 0.5 s left", line)
		}
		sleepTo(t0, 4500*ms)
		snap = s.Snapshot()
		if line := strings.Join(Render(&snap, 160, false).Live, "\n"); !strings.Contains(line, "0:03/0:03") || !strings.Contains(line, "draining") || strings.Contains(line, "ETA") {
			t.Errorf("past the duration the line reads %q; want 0:03/0:03 draining and no ETA", line)
		}
	})

	// A followed run: no LevelStarted, no plan.
	f := New(Options{})
	probe := rec(2, 50*ms, 100*ms, 10*ms, 10) // ends at 240 ms
	probe.Stage = rundir.StageProbe
	f.Add(probe)
	if got := f.Snapshot().Levels[0].StartNS; got != 240*ms {
		t.Errorf("followed, after the probe: start %d; want its end %d", got, 240*ms)
	}
	f.Add(rec(2, 260*ms, 100*ms, 10*ms, 10))
	f.Add(rec(2, 250*ms, 100*ms, 10*ms, 10))
	if got := f.Snapshot().Levels[0].StartNS; got != 250*ms {
		t.Errorf("followed: start %d; want the first send after the probe, %d", got, 250*ms)
	}
	if got := f.Snapshot().Levels[0].BeganNS; got != 50*ms {
		t.Errorf("followed: began %d; want the probe's send, %d", got, 50*ms)
	}
	// Records seen out of order: the level began at its earliest send.
	g := New(Options{})
	g.Add(rec(3, 300*ms, 100*ms, 10*ms, 10))
	g.Add(rec(3, 120*ms, 100*ms, 10*ms, 10))
	if got := g.Snapshot().Levels[0].BeganNS; got != 120*ms {
		t.Errorf("followed, out of order: began %d; want %d", got, 120*ms)
	}
}

// TestLevelResultMatchesReport: a level judged by the State from its own
// values gives the report's numbers and verdict for the same records.
func TestLevelResultMatchesReport(t *testing.T) {
	slo := report.SLO{TTFT: 450 * time.Millisecond, TPOT: 30 * time.Millisecond, E2E: 550 * time.Millisecond}
	s := New(Options{SLO: slo})
	sumz := report.NewSummarizer(slo)
	feed := func(r *rundir.Record) { s.Add(r); sumz.Add(r) }
	s.LevelStarted(LevelPlan{Level: 8, Requests: 21})
	for k := range int64(20) {
		feed(rec(8, k*100*ms, (100+20*k)*ms, (10+k)*ms, 1+int(k%7)))
	}
	feed(failed(8, 50*ms, 30*ms, rundir.Timeout))
	s.LevelFinished(8, nil)
	want := ResultOf(&sumz.Snapshot().Levels[0], slo)
	got := *s.Snapshot().Levels[0].Result
	if got.OK != want.OK || got.Failed != want.Failed || !near(got.TTFTP50, want.TTFTP50) || !near(got.TTFTP95, want.TTFTP95) || !near(got.TPOTP95, want.TPOTP95) ||
		!near(got.OutputTokensPerS, want.OutputTokensPerS) || !near(got.RequestsPerS, want.RequestsPerS) ||
		got.SLO != want.SLO || strings.Join(got.Reasons, ";") != strings.Join(want.Reasons, ";") {
		t.Errorf("State's result\n%+v\nreport's\n%+v", got, want)
	}
	// By hand: TTFT 100…480 ms step 20; p95 h = 0.95·19 = 18.05 → 460 + 0.05·20 = 461.
	// E2E's two highest are 572 and 625 ms: p95 572 + 0.05·53 = 574.65.
	// 1 failure in 21 is 4.8 % > the 1 % budget; 461 > 450; 574.65 > 550.
	if !near(got.TTFTP95, 461) || got.SLO != VerdictFail || len(got.Reasons) != 3 || !strings.Contains(got.Reasons[2], "E2E p95 574.7 ms") {
		t.Errorf("result %+v; want TTFT p95 461 ms, fail on error rate, TTFT and E2E (574.65 ms)", got)
	}
}

// TestLevelResultResent: a level's result counts the measured requests the
// HTTP client sent again on its own, as report does (a request resent twice
// once; a failed one too; not a warm-up, nor an attempt --retries sent
// again), whether the State judges it or the summary is handed over, and
// its result line says so: against llama-server 9 of 80 requests were
// resent, and the line read as a clean level's.
func TestLevelResultResent(t *testing.T) {
	s := New(Options{})
	sumz := report.NewSummarizer(report.SLO{})
	feed := func(r *rundir.Record) { s.Add(r); sumz.Add(r) }
	s.LevelStarted(LevelPlan{Level: 4, Requests: 80, Warmup: 1})
	warm := rec(4, 0, 100*ms, 10*ms, 3)
	warm.Stage, warm.Resent = rundir.StageWarmup, 1
	feed(warm)
	for k := range int64(78) {
		r := rec(4, (1+k)*10*ms, 100*ms, 10*ms, 3)
		if k%10 == 0 { // 8 of them
			r.Resent = 1 + int(k%20)/10
		}
		feed(r)
	}
	retried := failed(4, 800*ms, 5*ms, rundir.Connection)
	retried.Retried, retried.Resent = true, 1
	feed(retried)
	last := failed(4, 805*ms, 5*ms, rundir.Connection)
	last.Resent = 1
	feed(last)
	feed(rec(4, 810*ms, 100*ms, 10*ms, 3))
	want := sumz.Snapshot().Levels[0]
	if want.ResentRequests != 9 || want.Requests.Total != 80 {
		t.Fatalf("report counts %d resent of %d; want 9 of 80", want.ResentRequests, want.Requests.Total)
	}
	s.LevelFinished(4, nil)
	own := *s.Snapshot().Levels[0].Result
	s2 := New(Options{})
	s2.LevelStarted(LevelPlan{Level: 4, Requests: 80})
	s2.LevelFinished(4, &want)
	handed := *s2.Snapshot().Levels[0].Result
	for name, r := range map[string]Result{"own": own, "summary": handed} {
		if r.Resent != 9 || r.OK+r.Failed != 80 {
			t.Errorf("%s result: resent %d of %d; want 9 of 80", name, r.Resent, r.OK+r.Failed)
		}
		snap := Snapshot{Levels: []LevelSnapshot{{Plan: LevelPlan{Level: 4, Requests: 80}, Result: &r, Finished: 1}}}
		for _, width := range []int{0, 40, 120} {
			f := Render(&snap, width, width > 0)
			if got := strings.Join(strings.Fields(f.Results[1]), " "); !strings.Contains(got, "(resent by the HTTP client: 9 of 80)") {
				t.Errorf("%s result at %d columns: %q; want it to say 9 of 80 were resent", name, width, f.Results[1])
			}
		}
	}
}

// TestLevelFinishedWithSummary: a summary handed over is judged as is.
func TestLevelFinishedWithSummary(t *testing.T) {
	s := New(Options{SLO: report.SLO{TTFT: time.Second}})
	s.LevelStarted(LevelPlan{Level: 1})
	l := report.Level{Level: 1, Requests: report.Requests{Total: 10, OK: 10},
		TTFTMS: report.Dist{N: 10, P95: 900}, TPOTMS: report.Dist{N: 10, P95: 12}, OutputTokensPerS: 321,
		Client: &report.ClientLevel{Bound: true}}
	s.LevelFinished(1, &l)
	r := s.Snapshot().Levels[0].Result
	if r == nil || r.SLO != VerdictPass || r.TTFTP95 != 900 || r.OutputTokensPerS != 321 || !r.ClientBound || r.Note != "" {
		t.Errorf("result %+v; want the summary's values, pass, client-bound", r)
	}
	// An ITL objective cannot be judged from the State's own values: said so.
	s = New(Options{SLO: report.SLO{ITL: 50 * time.Millisecond}})
	s.Add(rec(1, 0, 10*ms, 10*ms, 3))
	s.LevelFinished(1, nil)
	if r := s.Snapshot().Levels[0].Result; r.Note == "" {
		t.Errorf("result %+v; want a note that ITL was not judged", r)
	}
}

// TestClientBound: the live verdict follows report's thresholds.
func TestClientBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0})
		// Half a core of two: not bound.
		for i := range int64(5) {
			sleepTo(t0, (i+1)*int64(time.Second))
			s.Client(rundir.ClientSample{TNS: (i + 1) * int64(time.Second), CPUSeconds: 0.5 * float64(i), Cores: 2})
		}
		if snap := s.Snapshot(); snap.ClientBound {
			t.Fatalf("client bound at 25%% CPU: %v", snap.ClientReasons)
		}
		// Then 1.9 of 2 cores a second (95 %), to 11 s: the window (6 s, 11 s]
		// holds the samples from 6 s on, each covering the second before it.
		for i := range int64(6) {
			sleepTo(t0, (6+i)*int64(time.Second))
			s.Client(rundir.ClientSample{TNS: (6 + i) * int64(time.Second), CPUSeconds: 2 + 1.9*float64(i+1), Cores: 2})
		}
		snap := s.Snapshot()
		if !snap.ClientBound || len(snap.ClientReasons) != 1 || !strings.Contains(snap.ClientReasons[0], "CPU at 95%") {
			t.Errorf("client bound %v %q; want bound on CPU at 95%%", snap.ClientBound, snap.ClientReasons)
		}
		if len(s.clients) > 12 {
			t.Errorf("%d client samples kept; want the last two windows' only", len(s.clients))
		}
		// Send lag 10 ms (≥ 5 ms) on 100 requests in the window: bound
		// too; on one, not (its p99 is that one send).
		s2 := New(Options{Start: t0})
		for i := range report.ClientSendLagMinSends {
			r := rec(1, time.Since(t0).Nanoseconds()-100*ms, 10*ms, 10*ms, 2)
			r.ScheduledNS = r.SentNS - 10*ms
			s2.Add(r)
			bound := s2.Snapshot().ClientBound
			if i == 0 && bound {
				t.Errorf("client bound on one send 10 ms late")
			}
		}
		if snap := s2.Snapshot(); !snap.ClientBound || !strings.Contains(strings.Join(snap.ClientReasons, ";"), "behind schedule") {
			t.Errorf("client bound %v %q; want bound on send lag", snap.ClientBound, snap.ClientReasons)
		}
	})
}

// blockTarget streams one token when released.
type blockTarget struct{ release chan struct{} }

func (b blockTarget) Stream(ctx context.Context, _ targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	<-b.release
	on(targets.Chunk{Content: "x"})
	return targets.Final{}, nil
}

// TestTrackInFlight: requests are in flight from Stream's call to its return.
func TestTrackInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		if s.Snapshot().InFlightKnown {
			t.Fatal("in flight known before Track")
		}
		bt := blockTarget{release: make(chan struct{})}
		tt := s.Track(bt)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() { tt.Stream(t.Context(), targets.Request{}, func(targets.Chunk) {}) })
		}
		synctest.Wait()
		if snap := s.Snapshot(); !snap.InFlightKnown || snap.InFlight != 3 {
			t.Errorf("in flight %d (known %v); want 3", snap.InFlight, snap.InFlightKnown)
		}
		close(bt.release)
		wg.Wait()
		if n := s.Snapshot().InFlight; n != 0 {
			t.Errorf("in flight %d after all returned; want 0", n)
		}
	})
}

// TestEndFreezes: End finishes running levels and freezes the clock.
func TestEndFreezes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		s.LevelStarted(LevelPlan{Level: 1})
		time.Sleep(time.Second)
		s.Add(rec(1, 0, 100*ms, 10*ms, 5))
		s.End(string(rundir.ExitInterrupted))
		a := s.Snapshot()
		time.Sleep(time.Minute)
		b := s.Snapshot()
		if !b.Ended || b.ExitState != "interrupted" || a.NowNS != b.NowNS || b.NowNS != int64(time.Second) {
			t.Errorf("after End: ended %v %q, now %d then %d; want frozen at 1 s", b.Ended, b.ExitState, a.NowNS, b.NowNS)
		}
		if l := b.Levels[0]; l.Running || l.Result == nil || l.Result.OK != 1 {
			t.Errorf("level after End: %+v; want finished with its result", l)
		}
	})
}

// TestTelemetryKept: the latest reading of each GPU and the last good scrape.
func TestTelemetryKept(t *testing.T) {
	s := New(Options{})
	s.GPU([]rundir.GPUSample{{Index: 1, UtilizationPct: gpu.Ptr(10.0)}, {Index: 0, UtilizationPct: gpu.Ptr(20.0)}})
	s.GPU([]rundir.GPUSample{{Index: 1, UtilizationPct: gpu.Ptr(30.0)}, {Index: -1, Error: "tick failed"}})
	s.Server(rundir.ServerSample{Engine: "vllm", RequestsWaiting: gpu.Ptr(4.0)})
	s.Server(rundir.ServerSample{Error: "scrape failed"})
	snap := s.Snapshot()
	if len(snap.GPUs) != 2 || snap.GPUs[0].Index != 0 || *snap.GPUs[1].UtilizationPct != 30 {
		t.Errorf("GPUs %+v; want devices 0 and 1, device 1 at 30 %%", snap.GPUs)
	}
	if snap.Server == nil || *snap.Server.RequestsWaiting != 4 {
		t.Errorf("server %+v; want the last good scrape", snap.Server)
	}
}

// TestStoppingReplacesTheETA: once the run is told to stop (the first
// Ctrl-C), the live line says "stopping" with what is left of the grace
// for the requests in flight, rounded up, and no ETA; the snapshot carries
// the moment and the grace (the live page shows them). It counted down its
// ETA until the level ended.
func TestStoppingReplacesTheETA(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0})
		s.LevelStarted(LevelPlan{Level: 8, Duration: 20 * time.Second})
		s.Add(rec(8, 100*ms, 100*ms, 10*ms, 10))
		sleepTo(t0, 2000*ms)
		snap := s.Snapshot()
		if line := strings.Join(Render(&snap, 160, false).Live, "\n"); !strings.Contains(line, "ETA 0:18") || strings.Contains(line, "stopping") {
			t.Fatalf("before the stop the line reads %q; want ETA 0:18", line)
		}
		s.Stopping(5 * time.Second)
		sleepTo(t0, 2800*ms)
		snap = s.Snapshot()
		if snap.StoppingNS != 2000*ms || snap.GraceNS != 5000*ms {
			t.Errorf("snapshot stopping %d, grace %d; want %d, %d", snap.StoppingNS, snap.GraceNS, 2000*ms, 5000*ms)
		}
		line := strings.Join(Render(&snap, 160, false).Live, "\n")
		if !strings.Contains(line, "stopping: ≤ 0:05 for those in flight") || strings.Contains(line, "ETA") {
			t.Errorf("0.8 s into the stop the line reads %q; want 'stopping: ≤ 0:05 for those in flight' (4.2 s left) and no ETA", line)
		}
		if line := strings.Join(Render(&snap, 60, true).Live, "\n"); !strings.Contains(line, "stopping") {
			t.Errorf("on a narrow terminal the line reads %q; want 'stopping' kept", line)
		}
		s.Stopping(time.Second) // once: the first stop holds
		if snap = s.Snapshot(); snap.GraceNS != 5000*ms {
			t.Errorf("a second Stopping changed the grace to %d", snap.GraceNS)
		}
	})
}
