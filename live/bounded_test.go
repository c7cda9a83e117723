package live

import (
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestLiveTakesBoundedCounts: a server that said 1 output token for a
// stream of 5 events is counted by its events, as the summary counts it
// (rundir.Record.BoundOutputTokens): the result line and watch read 39.0
// out tok/s and TPOT "-" where the run's table read 194.9 and 5.88 ms (a
// second outside QA pass). The level's output tokens and out tok/s, and
// its TPOT p50 and p95, are the Summarizer's level's on the same records.
func TestLiveTakesBoundedCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: time.Hour})
		sum := report.NewSummarizer(report.SLO{})
		for i := range 6 {
			r := rec(1, int64(i)*20*ms, 10*ms, int64(4+i)*ms, 5)
			if i%2 == 0 {
				r.OutputTokens = 1 // the server's word, under its 5 events
			}
			sleepTo(t0, r.DoneNS)
			s.Add(r)
			sum.Add(r)
			if i%2 == 0 && r.OutputTokens != 1 {
				t.Fatalf("the record itself was changed: %d", r.OutputTokens)
			}
		}
		want := sum.Close().Levels[0]
		if want.OutputTokens != 30 || want.TPOTMS.N != 6 {
			t.Fatalf("summary: %d output tokens, TPOT n=%d; want 30 and 6, bounded", want.OutputTokens, want.TPOTMS.N)
		}
		snap := s.Snapshot()
		if snap.OutputTokens != want.OutputTokens {
			t.Errorf("output tokens %d; summary's %d", snap.OutputTokens, want.OutputTokens)
		}
		if w := snap.Levels[0].Window.TPOT; w.N != want.TPOTMS.N || math.Abs(w.P50-want.TPOTMS.P50) > 1e-9 {
			t.Errorf("watch's TPOT n=%d p50 %.4f ms; summary's n=%d p50 %.4f ms", w.N, w.P50, want.TPOTMS.N, want.TPOTMS.P50)
		}
		s.LevelFinished(1, nil)
		res := s.Snapshot().Levels[0].Result
		if res == nil {
			t.Fatal("no result")
		}
		if !near(res.OutputTokensPerS, want.OutputTokensPerS) || !res.HasTPOT || !near(res.TPOTP95, want.TPOTMS.P95) {
			t.Errorf("result line: %.4f out tok/s, TPOT p95 %.4f ms (%v); summary's %.4f, %.4f ms",
				res.OutputTokensPerS, res.TPOTP95, res.HasTPOT, want.OutputTokensPerS, want.TPOTMS.P95)
		}
	})
}
