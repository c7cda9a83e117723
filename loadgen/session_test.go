package loadgen

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// chatTarget answers each request, in virtual time, after 10 ms with the
// reply "reply-N" (N counting calls from 0), in two content events, and
// keeps every request's conversation; failAt, when ≥ 0, makes that call
// fail.
type chatTarget struct {
	mu      sync.Mutex
	convs   [][]targets.Message
	replies map[string]bool
	failAt  int
}

func (c *chatTarget) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	c.mu.Lock()
	n := len(c.convs)
	c.convs = append(c.convs, slices.Clone(req.Messages))
	reply := fmt.Sprintf("reply-%d", n)
	if c.replies == nil {
		c.replies = map[string]bool{}
	}
	c.replies[reply] = true
	c.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	if n == c.failAt {
		return targets.Final{}, &targets.HTTPError{Status: 500}
	}
	on(targets.Chunk{Content: reply[:3]})
	on(targets.Chunk{Content: reply[3:]})
	return targets.Final{Usage: &targets.Usage{CompletionTokens: 2}}, nil
}

// sessionWorkload is 3-turn sessions of 4-token messages, 2 s think time.
func sessionWorkload() Workload {
	return Workload{Model: "m", PromptTokens: 4, MaxTokens: 2, Sessions: &Sessions{
		Turns:     func(uint64) int { return 3 },
		ThinkTime: func(uint64, int) time.Duration { return 2 * time.Second },
	}}
}

// checkSessions checks the records of complete 3-turn sessions: turns 1,
// 2, 3 of each session in order; turn k sent 2k−1 messages, the earlier
// ones exactly the previous turn's messages and the reply it received;
// turn k due exactly think time (2 s) after turn k−1 ended.
func checkSessions(t *testing.T, ct *chatTarget, recs []*rundir.Record, sessions int) {
	t.Helper()
	bySession := map[uint64][]*rundir.Record{}
	for _, r := range recs {
		if !r.OK {
			t.Fatalf("record %d failed: %s", r.ID, r.Error)
		}
		bySession[r.Session] = append(bySession[r.Session], r)
	}
	if len(bySession) != sessions {
		t.Fatalf("%d sessions, want %d", len(bySession), sessions)
	}
	for s, rs := range bySession {
		slices.SortFunc(rs, func(a, b *rundir.Record) int { return a.Turn - b.Turn })
		for k, r := range rs {
			if r.Turn != k+1 {
				t.Fatalf("session %d: turns %d at position %d", s, r.Turn, k)
			}
			if k > 0 && r.ScheduledNS != rs[k-1].DoneNS+2e9 {
				t.Errorf("session %d turn %d due %d, want previous done %d + 2 s", s, r.Turn, r.ScheduledNS, rs[k-1].DoneNS)
			}
		}
	}
	for _, conv := range ct.convs {
		if len(conv)%2 != 1 || conv[len(conv)-1].Role != targets.RoleUser {
			t.Fatalf("conversation of %d messages, not ending with the user: %v", len(conv), conv)
		}
		for i, m := range conv[:len(conv)-1] {
			if i%2 == 1 && (m.Role != targets.RoleAssistant || !ct.replies[m.Content]) {
				t.Fatalf("message %d is %q %q, want a reply the server sent", i, m.Role, m.Content)
			}
		}
		if len(conv) > 1 {
			// The previous turn's conversation is this one's prefix.
			prev := conv[:len(conv)-2]
			if !slices.ContainsFunc(ct.convs, func(c []targets.Message) bool { return slices.Equal(c, prev) }) {
				t.Fatalf("turn with %d messages does not extend a previous turn", len(conv))
			}
		}
	}
}

// runSessions runs the session workload (sessionWorkload) against ct with
// opts, and returns the runner's result and its records.
func runSessions(t *testing.T, ct targets.Target, opts ...Option) (Result, []*rundir.Record) {
	t.Helper()
	r, err := New(ct, sessionWorkload(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	res, err := run(t.Context(), r, c.add)
	if err != nil {
		t.Fatal(err)
	}
	return res, c.recs
}

// TestSessionsClosedLoop: 2 workers, 12 requests of 3-turn sessions are
// exactly 4 whole sessions, each sent in order with the replies received.
func TestSessionsClosedLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &chatTarget{failAt: -1}
		_, recs := runSessions(t, ct, Concurrency(2), Requests(12), Level(2, 100))
		if len(recs) != 12 {
			t.Fatalf("%d records, want 12", len(recs))
		}
		checkSessions(t, ct, recs, 4)
		for _, rec := range recs {
			if rec.Session < 100 || rec.Session > 103 {
				t.Errorf("session id %d, want 100–103 (the level's first id + its ordinal)", rec.Session)
			}
			if want := 4*rec.Turn + 2*(rec.Turn-1); rec.RequestedInputTokens != want {
				t.Errorf("turn %d: requested input %d, want %d (4 per message, 2 per reply)", rec.Turn, rec.RequestedInputTokens, want)
			}
		}
	})
}

// TestSessionsOpenLoop: a session every 10 s (each lasts 4 s), 9 requests are 3 whole
// sessions, each turn due think time after the previous one ended.
func TestSessionsOpenLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &chatTarget{failAt: -1}
		res, recs := runSessions(t, ct, Rate(0.1, ArrivalConstant, 1), Requests(9), MaxConcurrency(4))
		if res.Sent != 9 || len(recs) != 9 {
			t.Fatalf("sent %d, recorded %d; want 9", res.Sent, len(recs))
		}
		checkSessions(t, ct, recs, 3)
	})
}

// TestSessionEndsOnFailure: a failed turn ends its session; the worker
// goes on with a new session.
func TestSessionEndsOnFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &chatTarget{failAt: 1} // session 0's turn 2
		_, recs := runSessions(t, ct, Concurrency(1), Requests(5))
		var got []string
		for _, rec := range recs {
			got = append(got, fmt.Sprintf("%d/%d/%v", rec.Session, rec.Turn, rec.OK))
		}
		want := []string{"0/1/true", "0/2/false", "1/1/true", "1/2/true", "1/3/true"}
		if !slices.Equal(got, want) {
			t.Errorf("session/turn/ok = %v, want %v", got, want)
		}
	})
}

// TestSessionsAreWhole: a request count that is not a whole number of
// sessions sends the whole sessions it holds and no part of another,
// closed loop and open (10 requests of 3-turn sessions: 3 sessions, 9
// requests; claimed turn by turn, the closed loop of 2 workers ran 4
// sessions, one of them of 1 turn). A failed turn gives its session's
// unsent turns back: 8 requests, session 0 failing at its second turn,
// leave room for sessions 1 and 2 whole.
func TestSessionsAreWhole(t *testing.T) {
	for _, c := range []struct {
		name     string
		opts     []Option
		failAt   int
		want     []string // session/turns sent
		requests int
	}{
		{"closed", []Option{Concurrency(2), Requests(10)}, -1, []string{"0/3", "1/3", "2/3"}, 9},
		{"open", []Option{Rate(0.1, ArrivalConstant, 1), Requests(10), MaxConcurrency(4)}, -1, []string{"0/3", "1/3", "2/3"}, 9},
		{"closed, a failure", []Option{Concurrency(1), Requests(8)}, 1, []string{"0/2", "1/3", "2/3"}, 8},
	} {
		synctest.Test(t, func(t *testing.T) {
			ct := &chatTarget{failAt: c.failAt}
			res, recs := runSessions(t, ct, c.opts...)
			turns := map[uint64]int{}
			for _, rec := range recs {
				turns[rec.Session]++
			}
			var got []string
			for s := range uint64(len(turns)) {
				got = append(got, fmt.Sprintf("%d/%d", s, turns[s]))
			}
			if !slices.Equal(got, c.want) || res.Sent != int64(c.requests) {
				t.Errorf("%s: sessions/turns %v, %d sent; want %v, %d", c.name, got, res.Sent, c.want, c.requests)
			}
		})
	}
}

// BenchmarkSessionWorkload builds a 10,000-request multi-turn workload:
// 2,500 four-turn sessions of 128-token messages, each turn carrying the
// conversation so far with 128-token replies (what the run builds before
// each send).
func BenchmarkSessionWorkload(b *testing.B) {
	w := Workload{Model: "m", PromptTokens: 128, MaxTokens: 128, Sessions: &Sessions{Turns: func(uint64) int { return 4 }}}
	reply := sessionPrompt(1, 0, 0, 128)
	for b.Loop() {
		id := uint64(0)
		for s := range uint64(2500) {
			cv := w.newConversation(s)
			for k := 1; k <= cv.turns; k++ {
				req, _, _ := w.turnRequest(cv, k, id)
				id++
				if len(req.Messages) != 2*k-1 {
					b.Fatalf("turn %d: %d messages", k, len(req.Messages))
				}
				cv.msgs = append(cv.msgs, targets.Message{Role: targets.RoleAssistant, Content: reply})
			}
		}
	}
}

// TestSessionsAutoSpreadProbe: with AutoSpread the probe is one request
// alone (stage probe, id 6: after the level's own, in no session), whose
// 10 ms sets the spread, not a whole session (3 turns, 4 s of think time):
// worker 0 starts its session when the probe ends, worker 1 5 ms later
// (10 ms over 2 workers), and the request count is their six turns.
func TestSessionsAutoSpreadProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := &chatTarget{failAt: -1}
		res, recs := runSessions(t, ct, Concurrency(2), Requests(6), Spread(AutoSpread))
		if res.Spread != 10*time.Millisecond || len(recs) != 7 {
			t.Fatalf("spread %s, %d records; want 10ms (one request), 7 (the probe and 6)", res.Spread, len(recs))
		}
		var got []string
		for _, rec := range recs {
			got = append(got, fmt.Sprintf("%d:%s:w%d/s%d/t%d@%dms", rec.ID, rec.Stage, rec.Worker, rec.Session, rec.Turn, rec.SentNS/1e6))
		}
		want := []string{"6:probe:w0/s0/t0@0ms", "0:measure:w0/s0/t1@10ms", "1:measure:w1/s1/t1@15ms", "2:measure:w0/s0/t2@2020ms",
			"3:measure:w1/s1/t2@2025ms", "4:measure:w0/s0/t3@4030ms", "5:measure:w1/s1/t3@4035ms"}
		if !slices.Equal(got, want) {
			t.Errorf("records %v, want %v", got, want)
		}
	})
}

// TestSessionsSharded: the sessions of shard 1 of 2 get ids ≡ 1 mod 2, like
// its request ids, so two shards' sessions never share an id once merged.
func TestSessionsSharded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, recs := runSessions(t, &chatTarget{failAt: -1}, Concurrency(4), Requests(12), Shard(rundir.Shard{Index: 1, Count: 2}))
		sessions := map[uint64]int{}
		for _, rec := range recs {
			sessions[rec.Session]++
			if rec.Session%2 != 1 || rec.ID%2 != 1 {
				t.Errorf("record %d of session %d: want both ≡ 1 mod 2", rec.ID, rec.Session)
			}
		}
		if len(recs) != 6 || len(sessions) != 2 {
			t.Errorf("%d records in %d sessions; want this shard's 6 in 2", len(recs), len(sessions))
		}
	})
}

// TestSessionsSynthFirstMessage: with Synth (exact sizing, a shared
// prefix) a session's first message is Synth's prompt for the session's id
// and length, its later messages the session's own words, and every turn
// records the session's prefix group, not its request id's.
func TestSessionsSynthFirstMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := sessionWorkload()
		w.Synth = func(id uint64, n int) (string, int, bool) {
			return fmt.Sprintf("prefix%d own%d", id%2, id), 100 + n, true
		}
		w.PrefixGroup = func(id uint64) int { return 1 + int(id%2) }
		ct := &chatTarget{failAt: -1}
		r, err := New(ct, w, Concurrency(2), Requests(12), Level(2, 100))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		checkSessions(t, ct, c.recs, 4)
		for _, rec := range c.recs {
			if want := 1 + int(rec.Session%2); rec.PrefixGroup != want {
				t.Errorf("record %d (session %d turn %d): prefix group %d, want the session's %d", rec.ID, rec.Session, rec.Turn, rec.PrefixGroup, want)
			}
			// 104 tokens first (100 of prefix + 4), then 4 per message and 2 per reply.
			if want := 100 + 4*rec.Turn + 2*(rec.Turn-1); rec.RequestedInputTokens != want {
				t.Errorf("turn %d: requested input %d, want %d", rec.Turn, rec.RequestedInputTokens, want)
			}
		}
		for _, conv := range ct.convs {
			s := 100 + uint64(len(c.recs)) // any session: find it by its first message
			for sid := uint64(100); sid < 104; sid++ {
				if conv[0].Content == fmt.Sprintf("prefix%d own%d", sid%2, sid) {
					s = sid
				}
			}
			if s >= 104 {
				t.Fatalf("first message %q is not Synth's for a session", conv[0].Content)
			}
			for i := 2; i < len(conv); i += 2 {
				if want := sessionPrompt(0, s, i/2+1, 4); conv[i].Content != want {
					t.Errorf("session %d message %d: %q, want its own words %q", s, i, conv[i].Content, want)
				}
			}
		}
	})
}
