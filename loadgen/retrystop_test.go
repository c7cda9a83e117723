package loadgen

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// TestStopWhileWaitingToRetryCountsTheRequest: a request rate-limited
// (429) and waiting to be sent again when the run stopped (Ctrl-C, then
// --grace) left only its attempt marked retried, which no measure counts:
// the request vanished. A -c 8 --retries 5 --grace 300ms run against a mock
// that rate-limits half its requests recorded 25 requests and reported 19
// (17 ok, 2 canceled); the other 6 were in no count. Each now ends with a
// record of class canceled that says it was not sent again.
func TestStopWhileWaitingToRetryCountsTheRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 10 * time.Millisecond, Tokens: 2, Err: func(call int64) error {
			if call < 4 { // the first send of each worker's first request
				return &targets.HTTPError{Status: 429}
			}
			return nil
		}}
		r := baseRunner(t, ft, Spread(0), Requests(1000), Warmup(0), Retries(3, time.Second), Grace(0))
		drain, stop := context.WithCancel(t.Context())
		time.AfterFunc(500*time.Millisecond, stop) // all four wait out their 1 s backoff
		var c collect
		r.Run(t.Context(), drain, time.Now(), c.add)
		final := map[uint64]*rundir.Record{}
		for _, rec := range c.recs {
			if f, ok := final[rec.ID]; !ok || rec.Attempt >= f.Attempt {
				final[rec.ID] = rec
			}
		}
		if len(final) != 4 {
			t.Fatalf("%d requests recorded; want the 4 sent", len(final))
		}
		for id, rec := range final {
			if rec.Retried || rec.ErrorClass != rundir.Canceled || rec.Attempt != 1 || rec.Error == "" {
				t.Errorf("request %d ends with attempt %d retried=%v class %q %q; want attempt 1, canceled, not retried, saying why",
					id, rec.Attempt, rec.Retried, rec.ErrorClass, rec.Error)
			}
		}
	})
}

// TestNoResendAfterTheStop: once the run stops sending (the first Ctrl-C),
// a request waiting to be sent again is not, though --grace would let it
// finish: the grace is for requests in flight, and "no new requests" means
// resends too. Before, a resend went out during the grace (sent at 3.03,
// 3.20, 3.37 s after a Ctrl-C at 2.85 s).
func TestNoResendAfterTheStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTarget{TTFT: 10 * time.Millisecond, Tokens: 2, Err: func(call int64) error {
			if call < 4 {
				return &targets.HTTPError{Status: 429}
			}
			return nil
		}}
		r := baseRunner(t, ft, Spread(0), Requests(1000), Warmup(0), Retries(3, time.Second), Grace(time.Minute))
		drain, stop := context.WithCancel(t.Context())
		time.AfterFunc(500*time.Millisecond, stop) // all four wait out their 1 s backoff
		var c collect
		r.Run(t.Context(), drain, time.Now(), c.add)
		for _, rec := range c.recs {
			if rec.Attempt > 0 && rec.ErrorClass != rundir.Canceled {
				t.Errorf("request %d: attempt %d sent at %.3f s, after the stop at 0.5 s (%q)", rec.ID, rec.Attempt, float64(rec.SentNS)/1e9, rec.ErrorClass)
			}
		}
		final := map[uint64]*rundir.Record{}
		for _, rec := range c.recs {
			if f, ok := final[rec.ID]; !ok || rec.Attempt >= f.Attempt {
				final[rec.ID] = rec
			}
		}
		for id, rec := range final {
			if rec.ErrorClass != rundir.Canceled || rec.Attempt != 1 {
				t.Errorf("request %d ends with attempt %d class %q; want attempt 1, canceled, not sent again", id, rec.Attempt, rec.ErrorClass)
			}
		}
	})
}
