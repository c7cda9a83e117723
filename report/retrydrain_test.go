package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestRetryDrainIsNotClientBound: a closed loop of 2 workers that kept both
// streams busy, each sending its next 100 ms request the moment the last
// one ended, 12 requests a worker; worker 1's last request failed at
// 1.1 s and, with --retries, was sent again after a 2 s backoff. Its
// backoff holds the window open to 3.2 s while worker 0 is done: over the
// window 1.375 of 2 streams were in flight (69 %, under the 80 % bound),
// over the steady state (0 to the last first send, 1.1 s) 2 of 2. The
// level read CLIENT-BOUND, "the workers spent the rest in the client" (a
// --retries 2 run against a mock failing 15 % of requests: 6.3 of 8 over
// the window, 8.0 over the steady state); the streams are judged over the
// steady state, where the client keeps its load, not over the drain.
func TestRetryDrainIsNotClientBound(t *testing.T) {
	const ms = int64(1e6)
	s := NewSummarizer(SLO{})
	id := uint64(0)
	add := func(r rundir.Record) {
		r.ID, r.Stage, r.Level = id, rundir.StageMeasure, 2
		id++
		s.Add(&r)
	}
	ok := func(w int, sched, sent int64, attempt int) rundir.Record {
		return rundir.Record{Worker: w, ScheduledNS: sched, SentNS: sent, FirstTokenNS: sent + 20*ms, EndNS: sent + 100*ms, DoneNS: sent + 100*ms,
			OK: true, OutputTokens: 2, Chunks: [][2]int64{{sent + 20*ms, 1}, {sent + 100*ms, 1}}, Attempt: attempt}
	}
	for w := range 2 {
		for i := range 12 {
			t0 := int64(i) * 100 * ms
			if w == 1 && i == 11 {
				add(rundir.Record{Worker: w, ScheduledNS: t0, SentNS: t0, EndNS: t0 + ms, DoneNS: t0 + ms,
					Status: 500, ErrorClass: rundir.ErrorClass("http_5xx"), Retried: true})
				add(ok(w, t0, t0+2000*ms, 1))
				continue
			}
			add(ok(w, t0, t0, 0))
		}
	}
	l := s.Close().Levels[0]
	if !near(l.MeanInFlight, 4.4/3.2) {
		t.Fatalf("mean in flight %v over the window; want 1.375 (the test's premise)", l.MeanInFlight)
	}
	if l.Steady == nil {
		t.Fatal("no steady state")
	}
	cl := SummarizeClient(nil, &l, 2)
	for _, r := range cl.Reasons {
		if strings.Contains(r, "streams in flight") {
			t.Errorf("client-bound by its streams: %q; both were in flight all through the steady state", r)
		}
	}

	// A client that waits 100 ms between its 100 ms requests holds half
	// its streams over the steady state too, and is still told so.
	slow := NewSummarizer(SLO{})
	for w := range 2 {
		for i := range 12 {
			r := ok(w, int64(i)*200*ms, int64(i)*200*ms, 0)
			r.ID, r.Stage, r.Level = uint64(w*12+i), rundir.StageMeasure, 2
			slow.Add(&r)
		}
	}
	sl := slow.Close().Levels[0]
	cl = SummarizeClient(nil, &sl, 2)
	if len(cl.Reasons) != 1 || !strings.Contains(cl.Reasons[0], "only 1.0 of 2 streams in flight on average over the steady state") {
		t.Errorf("a client idle half the time: reasons %q; want its streams over the steady state, 1.0 of 2", cl.Reasons)
	}
}
