package adaptive

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestLevelInBubble runs a Level the way a runner will, in virtual time: 8
// closed-loop workers (goroutines sleeping each request's service time)
// hand completions to one recording goroutine, which calls Add and Check
// and stops the workers when the level stops. With TTFTs straddling the
// threshold and no precision reachable, the level must stop on its 5 s
// duration at the first completion past it: the virtual clock then reads
// between 5 s and 5 s plus one request, and the decision's elapsed time is
// the clock's.
func TestLevelInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The TTFTs are lognormal, median 300 ms, log-sd 0.3: p95 = 300 ms ·
		// e^{0.3·1.645} = 491.5 ms, the threshold.
		p := mustPlan(t, Options{SLO: report.SLO{TTFT: 491500 * time.Microsecond}, Precision: 1e-6, MaxDuration: 5 * time.Second, MaxRequests: 100000})
		origin := time.Now()
		since := func() time.Duration { return time.Since(origin) }
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan Completion)
		var wg sync.WaitGroup
		var ids atomic.Uint64 // request ids in the order they are taken, as the runner numbers them
		for w := range 8 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(w), 1))
				for ctx.Err() == nil {
					id := ids.Add(1) - 1
					sent := since()
					ttft := time.Duration(float64(300*time.Millisecond) * math.Exp(0.3*r.NormFloat64()))
					time.Sleep(ttft + 200*time.Millisecond)
					c := okAt(since(), float64(ttft)/1e6, float64(since()-sent)/1e6, 10)
					c.ID = id
					select {
					case done <- c:
					case <-ctx.Done():
					}
				}
			})
		}
		l := p.NewLevel(8, 0, 0, nil)
		var d Decision
		for c := range done {
			if l.Add(c) {
				if d = l.Check(); d.Stop {
					break
				}
			}
		}
		cancel()
		wg.Wait()
		if d.Reason != StopMaxDuration || d.Elapsed < 5*time.Second || d.Elapsed > 7*time.Second {
			t.Fatalf("decision %+v; want the 5 s limit", d)
		}
		if got := since(); got < d.Elapsed || got > d.Elapsed+2*time.Second {
			t.Errorf("virtual clock %v at the stop, decision elapsed %v", got, d.Elapsed)
		}
	})
}
