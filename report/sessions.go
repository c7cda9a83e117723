package report

import (
	"fmt"
	"slices"

	"github.com/inferbench/inferbench/rundir"
)

// SessionLevel is a level's multi-turn session view: what a conversation's
// later turns cost against its first, where a prefix cache shows (later
// turns resend the conversation so far).
type SessionLevel struct {
	// Sessions counts the sessions with at least one measured record.
	Sessions int `json:"sessions"`
	// FirstTurnTTFTMS is the TTFT of successful turn-1 requests;
	// LaterTurnsTTFTMS that of turns 2 and later.
	FirstTurnTTFTMS  Dist `json:"first_turn_ttft_ms"`
	LaterTurnsTTFTMS Dist `json:"later_turns_ttft_ms"`
	// TTFTByTurnMS is the TTFT per turn (index 0: turn 1), up to the
	// longest session's last turn.
	TTFTByTurnMS []Dist `json:"ttft_by_turn_ms"`
	// DurationMS is the sessions' durations (SessionDurationMS).
	DurationMS Dist `json:"duration_ms"`
	// TurnsMean is the mean number of turns per session. The warm-up is
	// a level's first requests, so with sessions the first turns of its
	// first sessions, whose later turns are measured: a session's warm-up
	// turns count in its turns and its duration (withWarmup), not in the
	// TTFTs.
	TurnsMean float64 `json:"turns_mean"`
}

// sessionAcc accumulates a level's sessions.
type sessionAcc struct {
	ttftByTurn [][]float64                 // ttftByTurn[k-1]: successful turn k's TTFTs
	spans      map[uint64]*[2]int64        // session → first sent, last done
	turns      map[uint64]map[int]struct{} // session → its measured turns
}

// addSession accounts for a measured record's session, if it has one.
func (a *levelAcc) addSession(r *rundir.Record) {
	if r.Turn < 1 {
		return
	}
	if a.sessions == nil {
		a.sessions = newSessionAcc()
	}
	a.sessions.add(r)
}

func newSessionAcc() *sessionAcc {
	return &sessionAcc{spans: map[uint64]*[2]int64{}, turns: map[uint64]map[int]struct{}{}}
}

// add takes r's send, done and turn into its session's.
func (s *sessionAcc) add(r *rundir.Record) {
	done := max(r.DoneNS, r.EndNS)
	if sp := s.spans[r.Session]; sp == nil {
		s.spans[r.Session] = &[2]int64{r.SentNS, done}
		s.turns[r.Session] = map[int]struct{}{}
	} else {
		sp[0], sp[1] = min(sp[0], r.SentNS), max(sp[1], done)
	}
	s.turns[r.Session][r.Turn] = struct{}{}
}

// addTurnTTFT keeps a successful turn's TTFT by its turn.
func (a *levelAcc) addTurnTTFT(r *rundir.Record, ttft float64) {
	if r.Turn < 1 || a.sessions == nil {
		return
	}
	s := a.sessions
	for len(s.ttftByTurn) < r.Turn {
		s.ttftByTurn = append(s.ttftByTurn, nil)
	}
	s.ttftByTurn[r.Turn-1] = append(s.ttftByTurn[r.Turn-1], ttft)
}

// withWarmup adds to each of s's sessions the span and turns its warm-up
// turns had (warm: the level's warm-up records); a session with no
// measured turn stays out. It returns s.
func (s *sessionAcc) withWarmup(warm *sessionAcc) *sessionAcc {
	if s == nil || warm == nil {
		return s
	}
	for sid, sp := range s.spans {
		w := warm.spans[sid]
		if w == nil {
			continue
		}
		sp[0], sp[1] = min(sp[0], w[0]), max(sp[1], w[1])
		for k := range warm.turns[sid] {
			s.turns[sid][k] = struct{}{}
		}
	}
	return s
}

// level computes the session view; nil without sessions.
func (s *sessionAcc) level() *SessionLevel {
	if s == nil {
		return nil
	}
	l := &SessionLevel{Sessions: len(s.spans)}
	var later, dur []float64
	turns := 0
	for sid, sp := range s.spans {
		dur = append(dur, SessionDurationMS(sp[0], sp[1]))
		turns += len(s.turns[sid])
	}
	for k, v := range s.ttftByTurn {
		l.TTFTByTurnMS = append(l.TTFTByTurnMS, distOf(slices.Clone(v)))
		if k > 0 {
			later = append(later, v...)
		}
	}
	if len(s.ttftByTurn) > 0 {
		l.FirstTurnTTFTMS = distOf(slices.Clone(s.ttftByTurn[0]))
	}
	l.LaterTurnsTTFTMS = distOf(later)
	l.DurationMS = distOf(dur)
	if l.Sessions > 0 {
		l.TurnsMean = float64(turns) / float64(l.Sessions)
	}
	return l
}

// sessionLine is the terminal table's line for a level's sessions.
func sessionLine(s *SessionLevel) string {
	line := fmt.Sprintf("sessions: %d (%.1f turns each, duration p50 %.0f ms)", s.Sessions, s.TurnsMean, s.DurationMS.P50)
	if f, l := s.FirstTurnTTFTMS, s.LaterTurnsTTFTMS; f.N > 0 && l.N > 0 {
		line += fmt.Sprintf("; TTFT p50/p95 turn 1 %.1f/%.1f ms, later turns %.1f/%.1f ms", f.P50, f.P95, l.P50, l.P95)
	}
	return line + "\n"
}
