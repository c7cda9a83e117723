package adaptive

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// benchSLO judges all three per-request latencies: the most a look does.
var benchSLO = report.SLO{TTFT: time.Second, TPOT: 50 * time.Millisecond, E2E: 10 * time.Second}

// BenchmarkAdd is the cost of accounting for one completion, the hot path
// the recording goroutine pays per request, over levels of 2,000
// completions (a new level every 2,000, made with the timer stopped), so
// that the values' slices grow as they do in a level.
func BenchmarkAdd(b *testing.B) {
	p := mustPlan(b, Options{SLO: benchSLO, Precision: 1e-6, MaxRequests: 2000, OpenLoop: true})
	cs := openLoop(rand.New(rand.NewPCG(1, 1)), 2800, 20, 0, 0, simTTFT, simTPOT)[:2000]
	l := p.NewLevel(20, 0, 0, nil)
	i := 0
	for b.Loop() {
		if i == len(cs) {
			b.StopTimer()
			l, i = p.NewLevel(20, 0, 0, nil), 0
			b.StartTimer()
		}
		l.Add(cs[i])
		i++
	}
}

// BenchmarkLevel is the cost per completion of a whole level as a runner
// drives it: Add for each, Check at each look (49 looks over 1,000
// completions), open loop with three SLO latencies, the TTFT threshold at
// its true p95 (455 ms) so that no look settles the level early.
func BenchmarkLevel(b *testing.B) {
	slo := benchSLO
	slo.TTFT = 455 * time.Millisecond
	p := mustPlan(b, Options{SLO: slo, Precision: 1e-6, OpenLoop: true})
	cs := openLoop(rand.New(rand.NewPCG(1, 1)), 1400, 20, 0, 0, simTTFT, simTPOT)[:1000]
	l := p.NewLevel(20, 0, 0, nil)
	i := 0
	for b.Loop() {
		if i == len(cs) {
			b.StopTimer()
			if d := l.Decision(); d.Reason != Running && d.Reason != StopMaxRequests {
				b.Fatalf("the level stopped early: %+v", d)
			}
			l, i = p.NewLevel(20, 0, 0, nil), 0
			b.StartTimer()
		}
		if l.Add(cs[i]) {
			l.Check()
		}
		i++
	}
}

// BenchmarkCheck is one look at a level holding n completions (open loop,
// so the saturation trends run too), with the completions since the last
// look (n/20) still to merge.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(itoa(n), func(b *testing.B) {
			p := mustPlan(b, Options{SLO: benchSLO, Precision: 1e-6, MaxRequests: 1 << 30, OpenLoop: true})
			cs := openLoop(rand.New(rand.NewPCG(2, 2)), n*13/10+100, 20, 0, 0, simTTFT, simTPOT)[:n+n/20]
			l := p.NewLevel(20, 0, 0, nil)
			for _, c := range cs[:n] {
				l.Add(c)
			}
			fresh := cs[n:]
			for b.Loop() {
				b.StopTimer()
				for _, v := range []*values{&l.ttft, &l.tpot, &l.e2e} {
					v.sorted = v.sorted[:min(len(v.sorted), n)]
					v.pending = v.pending[:0]
				}
				for _, c := range fresh {
					l.ttft.add(c.Metrics.TTFT)
					l.tpot.add(c.Metrics.TPOT)
					l.e2e.add(c.Metrics.E2E)
				}
				l.stopped = false
				b.StartTimer()
				l.evaluate(Running)
			}
		})
	}
}

// BenchmarkNewPlan is a run's one-off cost: the look schedule and its
// boundary (default schedule, 49 looks).
func BenchmarkNewPlan(b *testing.B) {
	for b.Loop() {
		if _, err := NewPlan(Options{SLO: benchSLO, Precision: 0.05}); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return itoa(n/1000) + "k"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
