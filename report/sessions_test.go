package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestSessionDurationMS: 1.5 s from the first send to the last completion.
func TestSessionDurationMS(t *testing.T) {
	if got := SessionDurationMS(2_000_000, 1_502_000_000); got != 1500 {
		t.Errorf("SessionDurationMS = %v, want 1500", got)
	}
}

// TestSummarizeSessions: two sessions by hand. Session 7: turns 1–3 with
// TTFT 100, 20, 30 ms, sent at 0, 1 s, 2 s, each done 200 ms after its
// send; session 8: turns 1–2 with TTFT 80 and 10 ms, sent at 0.5 s and
// 1.5 s. Turn 1 TTFT p50 = (80+100)/2 = 90; later turns {10, 20, 30}: p50
// 20; durations 2.2 s and 1.2 s (p50 1,700 ms); 2.5 turns per session. A
// failed turn counts in the session's span and turns, not in TTFT.
func TestSummarizeSessions(t *testing.T) {
	s := NewSummarizer(SLO{})
	rec := func(id, sess uint64, turn int, sentMS, ttftMS int64) *rundir.Record {
		sent := sentMS * 1e6
		return &rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: 2, Session: sess, Turn: turn, OK: true,
			SentNS: sent, FirstTokenNS: sent + ttftMS*1e6, EndNS: sent + 190e6, DoneNS: sent + 200e6,
			Chunks: [][2]int64{{sent + ttftMS*1e6, 1}, {sent + 190e6, 1}}, OutputTokens: 2}
	}
	for _, r := range []*rundir.Record{
		rec(0, 7, 1, 0, 100), rec(1, 8, 1, 500, 80), rec(2, 7, 2, 1000, 20),
		rec(3, 8, 2, 1500, 10), rec(4, 7, 3, 2000, 30),
	} {
		s.Add(r)
	}
	s.Add(&rundir.Record{ID: 5, Stage: rundir.StageMeasure, Level: 3, OK: true, SentNS: 1, FirstTokenNS: 2, EndNS: 3, DoneNS: 3})
	sum := s.Close()
	if sum.Levels[1].Sessions != nil {
		t.Error("a level without sessions has a session view")
	}
	ss := sum.Levels[0].Sessions
	if ss == nil {
		t.Fatal("no session view")
	}
	if ss.Sessions != 2 || ss.TurnsMean != 2.5 {
		t.Errorf("sessions %d, turns mean %v; want 2 and 2.5", ss.Sessions, ss.TurnsMean)
	}
	if ss.FirstTurnTTFTMS.N != 2 || ss.FirstTurnTTFTMS.P50 != 90 {
		t.Errorf("turn 1 TTFT %+v, want n 2 p50 90", ss.FirstTurnTTFTMS)
	}
	if ss.LaterTurnsTTFTMS.N != 3 || ss.LaterTurnsTTFTMS.P50 != 20 {
		t.Errorf("later turns TTFT %+v, want n 3 p50 20", ss.LaterTurnsTTFTMS)
	}
	if len(ss.TTFTByTurnMS) != 3 || ss.TTFTByTurnMS[2].P50 != 30 || ss.TTFTByTurnMS[1].P50 != 15 {
		t.Errorf("TTFT by turn %+v, want 3 turns, turn 2 p50 15, turn 3 p50 30", ss.TTFTByTurnMS)
	}
	if ss.DurationMS.N != 2 || ss.DurationMS.P50 != 1700 || ss.DurationMS.Max != 2200 {
		t.Errorf("durations %+v, want 1200 and 2200 ms", ss.DurationMS)
	}
	line := sessionLine(ss)
	if !strings.Contains(line, "turn 1 90.0/") || !strings.Contains(line, "later turns 20.0/") {
		t.Errorf("table line %q", line)
	}
}

// TestSessionsKeepTheirWarmupTurns: the warm-up is the level's first
// requests, so with sessions it is the first turns of the first sessions,
// whose later turns are measured. Session 7's turn 1 (0–200 ms) is warm-up,
// its turns 2 and 3 (1 s, 2 s) measured; session 8's two turns (0.5 s,
// 1.5 s) measured; session 9 is warm-up only. The view counts sessions 7
// and 8, their turns whole: 3 and 2 (2.5 each, not 2), durations 2.2 and
// 1.2 s (session 7's not 1.2 s from its first measured send); its TTFTs are
// the measured turns' alone.
func TestSessionsKeepTheirWarmupTurns(t *testing.T) {
	s := NewSummarizer(SLO{})
	rec := func(id, sess uint64, turn int, sentMS, ttftMS int64, stage rundir.Stage) *rundir.Record {
		sent := sentMS * 1e6
		return &rundir.Record{ID: id, Stage: stage, Level: 2, Session: sess, Turn: turn, OK: true,
			SentNS: sent, FirstTokenNS: sent + ttftMS*1e6, EndNS: sent + 190e6, DoneNS: sent + 200e6,
			Chunks: [][2]int64{{sent + ttftMS*1e6, 1}, {sent + 190e6, 1}}, OutputTokens: 2}
	}
	w, m := rundir.StageWarmup, rundir.StageMeasure
	for _, r := range []*rundir.Record{
		rec(2, 8, 1, 500, 80, m), rec(0, 7, 1, 0, 100, w), rec(1, 9, 1, 100, 90, w), rec(3, 7, 2, 1000, 20, m),
		rec(4, 8, 2, 1500, 10, m), rec(5, 7, 3, 2000, 30, m), rec(6, 9, 2, 1100, 5, w),
	} {
		s.Add(r)
	}
	ss := s.Close().Levels[0].Sessions
	if ss == nil {
		t.Fatal("no session view")
	}
	if ss.Sessions != 2 || ss.TurnsMean != 2.5 {
		t.Errorf("sessions %d, turns mean %v; want 2 and 2.5 (session 7's warm-up turn counted)", ss.Sessions, ss.TurnsMean)
	}
	if ss.DurationMS.N != 2 || ss.DurationMS.Min != 1200 || ss.DurationMS.Max != 2200 {
		t.Errorf("durations %+v; want 1,200 and 2,200 ms (session 7 from its warm-up turn)", ss.DurationMS)
	}
	if ss.FirstTurnTTFTMS.N != 1 || ss.FirstTurnTTFTMS.P50 != 80 || ss.LaterTurnsTTFTMS.N != 3 {
		t.Errorf("turn 1 TTFT %+v, later %+v; want the measured turns only (80 ms; 3 later)", ss.FirstTurnTTFTMS, ss.LaterTurnsTTFTMS)
	}
}
