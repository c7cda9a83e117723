package live

import (
	"testing"
	"time"
)

// TestLiveTakesBoundedCounts: a server that said 1 output token for a
// stream of 5 events is counted by its events, as the summary counts it
// (rundir.Record.BoundOutputTokens): the result line and watch read 39.0
// out tok/s and TPOT "-" where the run's table read 194.9 and 5.88 ms (a
// second outside QA pass).
func TestLiveTakesBoundedCounts(t *testing.T) {
	s := New(Options{Start: time.Now()})
	r := rec(1, 0, 10*ms, 10*ms, 5)
	r.OutputTokens = 1 // the server's word, under its 5 events
	s.Add(r)
	if got := s.Snapshot().OutputTokens; got != 5 {
		t.Errorf("output tokens %d; want the events' 5", got)
	}
	if r.OutputTokens != 1 {
		t.Errorf("the record itself was changed: %d", r.OutputTokens)
	}
}
