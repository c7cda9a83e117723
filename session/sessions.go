package session

import (
	"math/rand/v2"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/scenarios"
)

// sessionsFrom turns workload.turns and workload.think_time into the
// load generator's sessions, nil without turns. Turns are drawn per session
// and think times per turn, each from a generator seeded by the workload's
// seed and the session (and turn), so every run with the seed has the same
// sessions. With a dataset, session s replays the human turns of the
// conversation drawn for s (ShareGPT), at most the turns drawn; a JSONL
// dataset gives each turn a prompt of its own.
func sessionsFrom(s *scenarios.Scenario, prompts *scenarios.Prompts) *loadgen.Sessions {
	w := &s.Workload
	if w.Turns.IsZero() {
		return nil
	}
	seed, turns, think := w.SeedValue(), w.Turns, w.ThinkTime
	ss := &loadgen.Sessions{
		Turns: func(sid uint64) int {
			return turns.SampleTurns(rand.New(rand.NewPCG(seed^0x7475726e73, sid)))
		},
	}
	if !think.IsZero() {
		ss.ThinkTime = func(sid uint64, k int) time.Duration {
			return think.Sample(rand.New(rand.NewPCG(seed^0x7468696e6b, sid*1024+uint64(k))))
		}
	}
	if prompts == nil {
		return ss
	}
	if !prompts.HasTurns() {
		ss.Message = func(sid uint64, k int) (string, int) {
			p := prompts.At(sid*1024 + uint64(k)) // JSONL: a prompt per turn
			return p.Text, p.PromptTokens
		}
		return ss
	}
	drawn := ss.Turns
	ss.Turns = func(sid uint64) int {
		return min(drawn(sid), len(prompts.TurnsAt(sid))) // the conversation's own turns, at most drawn
	}
	ss.Message = func(sid uint64, k int) (string, int) {
		t := prompts.TurnsAt(sid)
		text := t[min(k, len(t))-1]
		return text, scenarios.EstimateTokens(text)
	}
	return ss
}
