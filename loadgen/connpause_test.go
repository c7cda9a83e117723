package loadgen

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestClosedLoopPausesWhileRefused: a closed-loop worker whose requests
// fail on the connection (the server is down: refused at once) sent its
// next at once, so a server killed for 6 s left 52,718 connection records
// of 4 workers (23.6 MB), a failure rate of how fast the client spun, not
// of how long the server was gone, and the spin took the CPU of the server
// restarting on the same host. From a worker's second connection failure
// in a row it pauses, 10 ms doubling to 1 s, until a request gets an
// answer: 2 workers refused for 1 s send some 20 requests, not thousands;
// one answer resumes the loop at once.
func TestClosedLoopPausesWhileRefused(t *testing.T) {
	refused := errors.Join(errors.New("dial tcp 127.0.0.1:1"), syscall.ECONNREFUSED)
	ft := &fakeTarget{Tokens: 2, Usage: true, Err: func(int64) error { return refused }}
	r, err := New(ft, Workload{Model: "m", PromptTokens: 8, MaxTokens: 2}, Concurrency(2), Requests(0), Duration(time.Second), Spread(0))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	for _, rec := range c.recs {
		if rec.ErrorClass != rundir.Connection {
			t.Fatalf("record %d: class %q; want connection", rec.ID, rec.ErrorClass)
		}
	}
	// Per worker, pauses of 0, 10, 20, …, 640 ms fill the second in 9
	// requests; a slow machine sends fewer, never more.
	t.Logf("%d requests in 1 s from 2 workers refused", len(c.recs))
	if n := len(c.recs); n > 2*10 {
		t.Errorf("%d requests in 1 s from 2 workers refused; want at most 20 (a pause after each failure from the second)", n)
	}
}

// TestConnPause: the pause after each of a worker's outcomes in turn.
func TestConnPause(t *testing.T) {
	var p connPause
	ms := time.Millisecond
	for i, c := range []struct {
		class rundir.ErrorClass
		want  time.Duration
	}{
		{rundir.Connection, 0}, {rundir.Connection, 10 * ms}, {rundir.Connection, 20 * ms}, {"", 0},
		{rundir.Connection, 0}, {rundir.HTTP5xx, 0}, {rundir.Connection, 0}, {rundir.Connection, 10 * ms},
		{rundir.Connection, 20 * ms}, {rundir.Connection, 40 * ms}, {rundir.Connection, 80 * ms}, {rundir.Connection, 160 * ms},
		{rundir.Connection, 320 * ms}, {rundir.Connection, 640 * ms}, {rundir.Connection, time.Second}, {rundir.Connection, time.Second},
	} {
		if got := p.after(c.class); got != c.want {
			t.Errorf("outcome %d (%q): pause %v; want %v", i, c.class, got, c.want)
		}
	}
}

// TestClosedSessionsPauseWhileRefused: a closed loop of multi-turn
// sessions, each ended by its first turn failing on the connection, starts
// its next session after the same pauses.
func TestClosedSessionsPauseWhileRefused(t *testing.T) {
	refused := errors.Join(errors.New("dial tcp 127.0.0.1:1"), syscall.ECONNREFUSED)
	ft := &fakeTarget{Tokens: 2, Usage: true, Err: func(int64) error { return refused }}
	w := Workload{Model: "m", PromptTokens: 8, MaxTokens: 2, Sessions: &Sessions{Turns: func(uint64) int { return 3 }}}
	r, err := New(ft, w, Concurrency(2), Requests(0), Duration(time.Second), Spread(0))
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if _, err := run(t.Context(), r, c.add); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sessions in 1 s from 2 workers refused", len(c.recs))
	if n := len(c.recs); n > 2*10 {
		t.Errorf("%d sessions in 1 s from 2 workers refused; want at most 20", n)
	}
}
