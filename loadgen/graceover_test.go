package loadgen

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestGraceOverSaysSo: requests still in flight when --grace ran out were
// recorded "read stream: interrupted by signal interrupt", the words of a
// second Ctrl-C: a reader of the records could not tell the two apart, nor
// see that the grace was too short for the requests (a 1 s grace on 10 s
// requests). Cancelled at the grace's end, their error says so; cancelled
// by the hard stop before it, it does not.
func TestGraceOverSaysSo(t *testing.T) {
	for _, abort := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			ft := &fakeTarget{TTFT: 100 * time.Millisecond, ITL: 100 * time.Millisecond, Tokens: 10} // 1 s each
			r := baseRunner(t, ft, Spread(0), Requests(1000), Warmup(0), Grace(200*time.Millisecond))
			hard, cancelHard := context.WithCancel(t.Context())
			defer cancelHard()
			drain, cancel := context.WithCancel(hard)
			time.AfterFunc(2500*time.Millisecond, cancel) // mid-way through the third round
			if abort {
				time.AfterFunc(2600*time.Millisecond, cancelHard)
			}
			var c collect
			r.Run(hard, drain, time.Now(), c.add)
			canceled := 0
			for _, rec := range c.recs {
				if rec.ErrorClass != rundir.Canceled {
					continue
				}
				canceled++
				if said := strings.Contains(rec.Error, "grace"); said == abort {
					t.Errorf("abort=%v: record %d: %q", abort, rec.ID, rec.Error)
				}
			}
			if canceled != 4 {
				t.Errorf("abort=%v: %d canceled; want the 4 in flight", abort, canceled)
			}
		})
	}
}
