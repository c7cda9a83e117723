package adaptive_test

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/internal/pipetest"
	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/session"
)

// TestSpendEstimatesTheFixedSweep checks adaptive.Account's estimate of a
// whole fixed sweep against the sweep itself and against the sweep worked
// out by hand, on the fixed-timing mock inside a synctest bubble (a fake
// clock: every request takes exactly TTFT + ITL·(tokens−1) = 100 + 7·50 =
// 450 ms, whatever the concurrency). The sweep is 1, 2, 4, 8, 16 streams,
// 60 measured requests or 2 s a level, no warm-up, the auto spread.
//
// A fixed level of c streams: the spread probe, one request alone (0.45
// s); the window opens and worker w starts at w·0.45/c s; each worker sends
// back to back until 60 ids are taken or 2 s have passed (a send at 2 s is
// too late); the requests in flight complete. By hand (s_w + k·0.45 < 2):
//
//	c   sent  bound     last send      level wall (probe + last send + 0.45)
//	1     5   2 s       1.8            2.7
//	2     9   2 s       1.8            2.7
//	4    18   2 s       1.9125         2.8125
//	8    36   2 s       1.96875        2.86875
//	16   60   60 ids    1.659375       2.559375 (the 60th send: the 4th
//	                                   round's 12th worker, 3·0.45 + 11·0.028125)
//
// 128 requests, 13.640625 s in all. The adaptive run searches from 16 (the
// top: every level passes) and runs that level only: 72 requests in its 2
// s (its count is the plan's, not the fixed 60; a p95 pass cannot be
// certain before 116 judged), so even level 16's fixed spend is the
// model's, and the rest of the sweep is the estimate. Levels 1–8 run far
// below level 16's pace (c/0.45 requests a second): priced at its pace,
// each was 60
// requests in 2.5 s (the estimate this test was written against: 300
// requests, 12.4 s). Wanted: every level within 5 % of its wall time and
// within 5 % or 1 request of its count, the totals within 3 %.
func TestSpendEstimatesTheFixedSweep(t *testing.T) {
	byHand := map[float64]sweepLevel{1: {5, 2.7}, 2: {9, 2.7}, 4: {18, 2.8125}, 8: {36, 2.86875}, 16: {60, 2.559375}}
	run := func(precision float64) (*rundir.Adaptive, map[float64]sweepLevel) {
		return runFixedMock(t, &session.Options{Kind: "vllm", URL: "http://mock", Model: "m", API: "chat", Sweep: []int{1, 2, 4, 8, 16},
			Requests: 60, Duration: 2 * time.Second, SpreadAuto: true, MaxTokens: 8, PromptTokens: 4,
			Timeout: 10 * time.Second, GPUBackend: "none", ServerMetrics: "off",
			GPUInterval: 50 * time.Millisecond, NoProbe: true, Precision: precision,
			Search: true, SearchStart: 16, SLO: report.SLO{TTFT: time.Second}})
	}
	_, fixed := run(0)
	for lv, h := range byHand {
		if g := fixed[lv]; g.requests != h.requests || math.Abs(g.wall-h.wall) > 1e-6 {
			t.Errorf("fixed level %g: %d requests in %.6f s; by hand %d in %.6f s", lv, g.requests, g.wall, h.requests, h.wall)
		}
	}
	a, _ := run(0.05)
	if a == nil || a.Spend == nil {
		t.Fatalf("adaptive section %+v; want a spend", a)
	}
	sp := a.Spend
	if len(sp.Levels) != len(byHand) {
		t.Fatalf("spend levels %+v; want the five of the sweep", sp.Levels)
	}
	var wantN int
	var wantW float64
	for _, l := range sp.Levels {
		h := byHand[l.Level]
		wantN += h.requests
		wantW += h.wall
		t.Logf("level %g (skipped %v, ran %d requests in %.3f s): estimate %d requests, %.3f s; fixed %d, %.3f s",
			l.Level, l.Skipped, l.Requests, l.WallS, l.FixedRequests, l.FixedWallS, h.requests, h.wall)
		if d := math.Abs(float64(l.FixedRequests - h.requests)); d > 1 && d > 0.05*float64(h.requests) {
			t.Errorf("level %g: estimated %d requests; the fixed level sent %d", l.Level, l.FixedRequests, h.requests)
		}
		if r := l.FixedWallS / h.wall; math.Abs(r-1) > 0.05 {
			t.Errorf("level %g: estimated %.3f s; the fixed level took %.3f s (%.0f %%)", l.Level, l.FixedWallS, h.wall, 100*r)
		}
	}
	if r := float64(sp.FixedRequests) / float64(wantN); math.Abs(r-1) > 0.03 {
		t.Errorf("fixed sweep estimated at %d requests; it sent %d (%.0f %%)", sp.FixedRequests, wantN, 100*r)
	}
	if r := sp.FixedWallS / wantW; math.Abs(r-1) > 0.03 {
		t.Errorf("fixed sweep estimated at %.3f s; it took %.3f s (%.0f %%)", sp.FixedWallS, wantW, 100*r)
	}
}

// runFixedMock runs o in a synctest bubble against the fixed-timing mock
// (TTFT 100 ms, ITL 50 ms, 8 tokens: every request 450 ms), into a run
// directory of its own, and returns the run's adaptive section (nil for a
// fixed sweep) and each level's spend from its records.
func runFixedMock(t *testing.T, o *session.Options) (a *rundir.Adaptive, levels map[float64]sweepLevel) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		o.Out = filepath.Join(t.TempDir(), "run")
		o.Dial = fixedMockBubble(t, 100*time.Millisecond, 50*time.Millisecond, 8)
		if _, err := session.Run(t.Context(), t.Context(), o, io.Discard); err != nil {
			t.Fatal(err)
		}
		m, err := rundir.ReadManifest(o.Out)
		if err != nil {
			t.Fatal(err)
		}
		a, levels = m.Adaptive, levelsOf(t, o.Out)
	})
	return a, levels
}

// sweepLevel is one level of a sweep: its measured requests and wall time.
type sweepLevel struct {
	requests int
	wall     float64
}

// levelsOf is each level's measured requests and wall time from a run's
// records: from its first send (the spread probe's) to its last completion.
func levelsOf(t *testing.T, dir string) map[float64]sweepLevel {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type span struct {
		n           int
		first, last int64
	}
	spans := map[float64]*span{}
	for r, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		s := spans[r.Level]
		if s == nil {
			s = &span{first: math.MaxInt64}
			spans[r.Level] = s
		}
		if r.Stage == rundir.StageMeasure && !r.Retried {
			s.n++
		}
		s.first, s.last = min(s.first, r.SentNS), max(s.last, r.DoneNS, r.EndNS)
	}
	out := map[float64]sweepLevel{}
	for lv, s := range spans {
		out[lv] = sweepLevel{s.n, time.Duration(s.last - s.first).Seconds()}
	}
	return out
}

// fixedMockBubble serves the fixed-timing mock on pipes (pipetest); call it inside a
// synctest bubble and set the returned dialer as Options.Dial.
func fixedMockBubble(t *testing.T, ttft, itl time.Duration, tokens int) session.Dialer {
	t.Helper()
	m, err := mock.New(mock.Config{TTFT: ttft, ITL: itl, OutputTokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	return pipetest.Serve(t, m).Dial
}
