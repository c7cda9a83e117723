package report

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestRetriedRequestGoodputAsLived: goodput judges a retried request
// (--retries) as its user lived it, from its schedule: its earlier attempts
// and the backoffs between them count. Its last attempt alone met a 60 ms
// TTFT; the user waited 650 ms for the first token. Two requests sent once
// meet the SLO; the retried one does not, so 2 of 3 are good. The TTFT
// distribution keeps counting each request from its last attempt's send
// (the server's latency), as RetriedWarning says.
func TestRetriedRequestGoodputAsLived(t *testing.T) {
	for _, c := range []struct {
		name string
		slo  SLO
	}{{"ttft", SLO{TTFT: 60 * time.Millisecond}}, {"e2e", SLO{E2E: 100 * time.Millisecond}}} {
		for _, retried := range []bool{false, true} {
			s := NewSummarizer(c.slo)
			// One request every 100 ms from 1 s to 3 s, each 50 ms to its
			// first token and 80 ms to its end: all meet the SLO.
			for i := range 21 {
				sent := 1000 + 100*int64(i)
				r := rec(uint64(i), 1, sent, [][2]int64{{sent + 50, 1}, {sent + 80, 1}}, 2, 10)
				if i == 10 && retried {
					// Request 10 was due at 1.4 s; its first attempt failed
					// (a retried record) and it was sent again at 2 s.
					s.Add(&rundir.Record{ID: 10, Stage: rundir.StageMeasure, Level: 1, ScheduledNS: 1400 * ms,
						SentNS: 1400 * ms, DoneNS: 1410 * ms, ErrorClass: rundir.HTTP5xx, Retried: true})
					r.ScheduledNS, r.Attempt = 1400*ms, 1
				}
				s.Add(r)
			}
			l := s.Close().Levels[0]
			if l.Requests.OK != 21 || l.TTFTMS.Max != 50 {
				t.Fatalf("%s: %d requests ok, TTFT max %v ms; want 21, 50 (from the last attempt's send)", c.name, l.Requests.OK, l.TTFTMS.Max)
			}
			if all := l.GoodputRPS == l.RequestsPerS; all == retried {
				t.Errorf("%s, retried %v: goodput %v of %v req/s; want every request good only when none was retried",
					c.name, retried, l.GoodputRPS, l.RequestsPerS)
			}
		}
	}
}
