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
