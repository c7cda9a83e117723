package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/semaphore"

	"github.com/inferbench/inferbench/internal/tick"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// Sessions makes every request of a Workload a turn of a multi-turn
// session (issue #21): turn k sends the whole conversation so far — the
// previous user messages and the replies actually received — plus a new
// user message, so a server's prefix cache sees each earlier turn as a
// cached prefix, as production chat traffic does.
//
// Closed loop: each worker runs one session's turns in order, pausing the
// think time between them, then starts the next session. Open loop: the
// arrival rate is of new sessions; a session's later turns are due think
// time after its previous turn ended. A turn that fails ends its session
// (there is no reply to build on). Request ids and counts still count
// requests: with a request count, a session starts only when the count has
// room for all its turns (turnBudget), so sessions are whole and the level
// may send fewer requests than the count, fewer than one session's turns;
// the duration limit cuts a session short.
type Sessions struct {
	// Turns gives session s's number of turns (≥ 1; less counts as 1). It
	// must be a pure function of s.
	Turns func(s uint64) int
	// ThinkTime gives the pause before turn k (k ≥ 2) of session s, from
	// the end of turn k−1; nil or ≤ 0: none. Pure function of (s, k).
	ThinkTime func(s uint64, k int) time.Duration
	// Message, when set, gives turn k's user message of session s and its
	// estimated token count (a dataset conversation's k-th human turn),
	// overriding the synthetic message of the request's prompt length.
	Message func(s uint64, k int) (text string, tokens int)
}

// turnState is what a session's current turn carries to send and brings
// back: the session and turn recorded on the record, and the reply text and
// outcome of the last attempt.
type turnState struct {
	session uint64
	turn    int
	reply   strings.Builder
	ok      bool
	class   rundir.ErrorClass
	output  int
	doneNS  int64
}

// ReplyBound is the most of a turn's reply kept to send back in the next
// turn, in bytes, for a request of maxTokens output tokens: 32 bytes a
// token (a token is some 4 bytes of English text, and no tokenizer's
// reaches 32), at least 64 KiB. A server that ignores max_tokens, or
// streams until the timeout, made every later turn of its session resend
// all it sent, the process holding it too: a bomb's worth of text a
// session. Past the bound the reply is cut (at a character), and the
// conversation goes on with what was kept.
func ReplyBound(maxTokens int) int { return max(64<<10, 32*maxTokens) }

// addReply keeps s, the text of one event of the turn's reply, up to
// ReplyBound.
func (ts *turnState) addReply(s string, maxTokens int) {
	room := ReplyBound(maxTokens) - ts.reply.Len()
	if room <= 0 {
		return
	}
	if len(s) > room {
		for room > 0 && !utf8.RuneStart(s[room]) {
			room-- // no character cut in two
		}
		s = s[:room]
	}
	ts.reply.WriteString(s)
}

// turnBudget is a level's request count shared among its sessions: each
// reserves its turns before its first is sent, and gives back those it did
// not send (a failed turn ends its session). The first session that does
// not fit ends the level's sessions, closed loop and open. Claimed turn by
// turn, as requests are, the count cut the sessions running when it ran
// out: --turns 4 with 100 requests at concurrency 16 ran 32 sessions of
// 3.1 turns on average; 25 of 4 now.
type turnBudget struct {
	left atomic.Int64
	out  atomic.Bool
}

func newTurnBudget(n int) *turnBudget {
	b := &turnBudget{}
	b.left.Store(int64(n))
	return b
}

// reserve takes n turns from the budget, or reports that the level's
// sessions are over: fewer were left, now or for an earlier session. A nil
// budget (no count) always has room.
func (b *turnBudget) reserve(n int) bool {
	if b == nil {
		return true
	}
	for !b.out.Load() {
		left := b.left.Load()
		if left < int64(n) {
			b.out.Store(true)
			return false
		}
		if b.left.CompareAndSwap(left, left-int64(n)) {
			return true
		}
	}
	return false
}

// giveBack returns n reserved turns that were not sent.
func (b *turnBudget) giveBack(n int) {
	if b != nil && n > 0 {
		b.left.Add(int64(n))
	}
}

// over reports that a session did not fit: no more start.
func (b *turnBudget) over() bool { return b != nil && b.out.Load() }

// conversation is a session's state between turns.
type conversation struct {
	id     uint64
	turns  int
	msgs   []targets.Message
	tokens int // estimated tokens of the conversation so far
}

// newConversation starts session id of the workload.
func (w *Workload) newConversation(id uint64) *conversation {
	n := 1
	if w.Sessions.Turns != nil {
		n = max(w.Sessions.Turns(id), 1)
	}
	return &conversation{id: id, turns: n, msgs: make([]targets.Message, 0, 2*n)}
}

// turnRequest builds turn k of conversation cv as request id: the
// conversation so far plus a new user message, and the input tokens of the
// whole with their source: sized only for a first message Synth counted
// (later turns add messages and replies the run did not count together).
func (w *Workload) turnRequest(cv *conversation, k int, id uint64) (targets.Request, int, rundir.TokenSource) {
	promptTokens, output := w.PromptTokens, w.MaxTokens
	if w.Lengths != nil {
		promptTokens, output = w.Lengths(id)
	}
	req := w.outputRequest(output)
	var text string
	sized := false
	switch {
	case w.Sessions.Message != nil:
		text, promptTokens = w.Sessions.Message(cv.id, k)
	case k == 1 && w.Synth != nil:
		// The session's first message is its synthetic prompt, keyed by
		// the session: sized by the run's method, after the shared
		// prefix when there is one (a system prompt every session
		// starts with). Later messages are the session's own words.
		text, promptTokens, sized = w.Synth(cv.id, max(promptTokens, 1))
	default:
		promptTokens = max(promptTokens, 1)
		text = sessionPrompt(w.Seed, cv.id, k, promptTokens)
	}
	cv.msgs = append(cv.msgs, targets.Message{Role: targets.RoleUser, Content: text})
	cv.tokens += promptTokens
	req.Prompt, req.Messages = "", cv.msgs
	return req, cv.tokens, inputSource(sized && k == 1)
}

// sessionPrompt is the synthetic user message of turn k of session s: n
// common words from a generator seeded by (seed, s, k), on a stream apart
// from single-turn prompts'.
func sessionPrompt(seed int64, s uint64, k, n int) string {
	return drawWords(rand.New(rand.NewPCG(uint64(seed)^0x5e5510f5e5510f, s*1024+uint64(k))), n)
}

// startSession returns session sid's conversation with all its turns
// reserved in the level's turn budget, or false when they do not fit (no
// session starts after that). Its callers start sessions one at a time, in
// the order of their ids, so the sessions a request count holds are always
// the first ones: two closed-loop workers that numbered their sessions and
// then reserved apart raced for the last room, and session 3 could take it
// from session 2, sending sessions 0, 1 and 3 where another run sent 0, 1
// and 2 (TestSessionsAreWhole, about 1 in 2,000 runs).
func (lv *level) startSession(sid uint64) (*conversation, bool) {
	// A shard's sessions are numbered in the whole run's id space, like its
	// requests: their ids and their drawn turns and messages differ from
	// other shards'.
	cv := lv.r.workload.newConversation(lv.r.c.shard.GlobalID(sid))
	return cv, lv.turns.reserve(cv.turns)
}

// runSession runs the turns of session cv (started by startSession, its
// turns reserved) in order. claim gives each turn
// its request id (false: the level is over); due is turn 1's due time in ns
// from the run's start, or −1 for "now"; acquire and release, when set,
// bound requests in flight (open loop). It returns the number of requests
// sent, the class of the last one's last attempt ("" for success, or none
// sent) and a sink error, the only error.
func (lv *level) runSession(ctx context.Context, worker int, cv *conversation, claim func() (uint64, bool),
	due int64, acquire func() bool, release func()) (sent int64, last rundir.ErrorClass, err error) {
	sid, w := cv.id, &lv.r.workload
	defer func() { lv.turns.giveBack(cv.turns - int(sent)) }()
	for k := 1; k <= cv.turns; k++ {
		if k > 1 {
			var think time.Duration
			if w.Sessions.ThinkTime != nil {
				think = max(w.Sessions.ThinkTime(sid, k), 0)
			}
			due += think.Nanoseconds()
			if !tick.Sleep(ctx, time.Until(lv.start.Add(time.Duration(due)))) {
				return sent, last, nil
			}
		}
		id, ok := claim()
		if !ok {
			return sent, last, nil
		}
		req, estIn, inSrc := w.turnRequest(cv, k, id)
		if due < 0 { // stamped after the prompt is built, as a single request's
			due = time.Since(lv.start).Nanoseconds()
		}
		if acquire != nil && !acquire() {
			return sent, last, nil
		}
		ts := &turnState{session: sid, turn: k}
		_, err := lv.sendAll(job{id: id, worker: worker, scheduledNS: due, req: req, estIn: estIn, inSrc: inSrc, turn: ts})
		if release != nil {
			release()
		}
		sent++
		last = ts.class
		if err != nil || !ts.ok {
			return sent, last, err
		}
		cv.msgs = append(cv.msgs, targets.Message{Role: targets.RoleAssistant, Content: ts.reply.String()})
		cv.tokens += ts.output
		due = ts.doneNS
	}
	return sent, last, nil
}

// runOpenSessions is the open loop of a session workload: sessions start
// at the due times of the arrival schedule (the rate is of sessions), each
// in its own goroutine, and their later turns follow their think times.
// MaxConcurrency bounds requests in flight, not sessions.
func (lv *level) runOpenSessions(ctx context.Context, cancel context.CancelCauseFunc) (Result, error) {
	r := lv.r
	c := &r.c
	if c.trace != nil {
		return Result{}, errors.New("runner: a trace cannot drive multi-turn sessions")
	}
	dues, err := c.schedule(ctx) // at most one session per request
	if err != nil {
		return Result{}, err
	}
	limit := c.firstID + uint64(c.warmup) + uint64(c.requests)
	if c.requests > 0 {
		lv.turns = newTurnBudget(c.warmup + c.requests)
	}
	base, baseNS := lv.startWindow()
	var (
		next atomic.Uint64
		sent atomic.Int64
		wg   sync.WaitGroup
	)
	claim := lv.claimer(ctx, &next, limit)
	var acquire func() bool
	var release func()
	if c.maxConcurrency > 0 {
		sem := semaphore.NewWeighted(int64(c.maxConcurrency))
		acquire = func() bool { return sem.Acquire(ctx, 1) == nil }
		release = func() { sem.Release(1) }
	}
	pace := newPacer()
	defer pace.stop()
	for i := 0; ; i++ {
		off, ok := dues.Next()
		if !ok {
			break
		}
		if c.requests > 0 && (c.firstID+next.Load() >= limit || lv.turns.over()) {
			break
		}
		if err := pace.wait(ctx, base.Add(off)); err != nil {
			break
		}
		cv, ok := lv.startSession(c.firstID + uint64(i)) // at its due time, in order
		if !ok {
			break
		}
		wg.Go(func() {
			n, _, err := lv.runSession(ctx, 0, cv, claim, baseNS+off.Nanoseconds(), acquire, release)
			sent.Add(n)
			if err != nil {
				cancel(fmt.Errorf("write record: %w", err))
			}
		})
	}
	wg.Wait()
	return Result{Sent: sent.Load()}, context.Cause(ctx)
}

// track marks rec as this turn's and empties the reply of an earlier
// attempt; the function it returns, called when rec is complete, keeps the
// attempt's outcome.
func (ts *turnState) track(rec *rundir.Record) func() {
	rec.Session, rec.Turn = ts.session, ts.turn
	ts.reply.Reset()
	return func() { ts.ok, ts.class, ts.output, ts.doneNS = rec.OK, rec.ErrorClass, rec.OutputTokens, rec.DoneNS }
}

// closedSession runs the session start gives on a closed-loop worker, adding its
// requests to sent, and pauses after it as pause says (a session ended by
// its connection failing: connPause); false ends the worker (a sink error
// cancels the level).
func (lv *level) closedSession(ctx context.Context, cancel context.CancelCauseFunc, worker int, start func() (*conversation, bool),
	claim func() (uint64, bool), sent *atomic.Int64, pause *connPause) bool {
	cv, ok := start()
	if !ok {
		return false // the count is over
	}
	n, last, err := lv.runSession(ctx, worker, cv, claim, -1, nil, nil)
	sent.Add(n)
	if err != nil {
		cancel(fmt.Errorf("write record: %w", err))
		return false
	}
	if n == 0 {
		return false // none sent: the count or the level is over
	}
	if d := pause.after(last); d > 0 && !tick.Sleep(ctx, d) {
		return false
	}
	return ctx.Err() == nil
}
