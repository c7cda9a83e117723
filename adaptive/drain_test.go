package adaptive

import (
	"cmp"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// drainLevel is a closed loop of 4 workers whose requests of 100 tokens take
// 2 s each while all 4 are in flight: worker w sends at w × 0.5 s + 2k s, so
// that one completes every 0.5 s, and its long-run rate is, by hand, 4 ×
// 100 / 2 = 200 tok/s. Sending stops at 40 s (the last send is worker 0's at
// 40 s); the 4 requests then in flight run with fewer beside them and
// finish sooner, as a continuous-batching engine's do: those sent at 38.5,
// 39, 39.5 and 40 s end at 40.25, 40.5, 40.75 and 41 s (1.75, 1.5, 1.25 and
// 1 s). No look stops the level (its minimum is never reached).
func drainLevel(t *testing.T) *Level {
	p := mustPlan(t, Options{Precision: 0.05, MinRequests: 1000, MaxRequests: 1000})
	l := p.NewLevel(4, 0, 0, nil)
	drain := map[time.Duration]time.Duration{
		38500 * time.Millisecond: 40250 * time.Millisecond, 39 * time.Second: 40500 * time.Millisecond,
		39500 * time.Millisecond: 40750 * time.Millisecond, 40 * time.Second: 41 * time.Second,
	}
	id := uint64(0)
	for sent := time.Duration(0); sent <= 40*time.Second; sent += 500 * time.Millisecond {
		done := sent + 2*time.Second
		if d, ok := drain[sent]; ok {
			done = d
		}
		c := okAt(done, 100, float64(done-sent)/float64(time.Millisecond), 100)
		c.ID = id
		id++
		if l.Add(c) && l.Check().Stop {
			t.Fatalf("the level stopped at %d completions", l.n)
		}
	}
	return l
}

// TestClosedLoopDrainLeftOut: the closed loop's long-run rate, C × Σ tokens
// / Σ (done − sent), holds while C requests are in flight; the drain's
// requests, with fewer in flight, are faster and would read it high. Ended
// by the runner (Finish) or after Settles stopped its sending (Drained),
// the level's output tokens/s is that of the requests done by its last
// send: 200 tok/s, as computed by hand. Before, the completions of the
// drain that fell in a full bucket counted (40.25–40.75 s, in the bucket
// ending at 40.96 s) and it read 201.9: 4 × 7,900 / 156.5.
func TestClosedLoopDrainLeftOut(t *testing.T) {
	for _, end := range []string{"finish", "drained"} {
		l := drainLevel(t)
		var d Decision
		if end == "finish" {
			d = l.Finish()
		} else {
			d = l.Drained()
		}
		if tp := d.Throughput; math.Abs(tp.Value-200) > 1e-9 || !(tp.Lo <= 200 && 200 <= tp.Hi) {
			t.Errorf("%s, %d completions: %v on %d buckets; want 200 tok/s, by hand 4 × 100 / 2", end, d.N, tp, tp.N)
		}
	}
}

// TestClosedLoopLookAfterSettles: a closed loop of c workers with the
// same requests (100 tokens in 2 s while all c are in flight, one completing
// every 2/c s: by hand c × 100 / 2 tok/s) under an E2E objective of 10 s,
// fed as the runner feeds it: each completion is added, looked at when a
// look is due, and Settles asked with the requests still in flight; once
// it says the requests sent settle the level, sending stops and those in
// flight finish in half the time they had left. Every look from then on
// (the live display shows each) and Drained's decision judge the requests
// done by the last send. Before, the look during the drain (at 110
// completions) read 1,002, 1,222 and 1,657 tok/s for 1,000, 1,200 and 1,600,
// and Drained the same.
func TestClosedLoopLookAfterSettles(t *testing.T) {
	for _, c := range []int{20, 24, 32} {
		p := mustPlan(t, Options{SLO: report.SLO{E2E: 10 * time.Second}, Precision: 0.05})
		l := p.NewLevel(float64(c), 0, 0, nil)
		want := float64(c) * 100 / 2
		step := 2 * time.Second / time.Duration(c)
		type req struct {
			id         uint64
			sent, done time.Duration
		}
		var flight []req
		id := uint64(0)
		for w := range c {
			flight = append(flight, req{id, time.Duration(w) * step, time.Duration(w)*step + 2*time.Second})
			id++
		}
		sending, looksAfter := true, 0
		check := func(when string, d Decision) {
			if tp := d.Throughput; math.Abs(tp.Value-want) > 1e-9*want {
				t.Errorf("c %d, %s at %d completions: %v on %d buckets; want %g tok/s", c, when, d.N, tp, tp.N, want)
			}
		}
		for len(flight) > 0 && !l.Decision().Stop {
			slices.SortFunc(flight, func(a, b req) int { return cmp.Compare(a.done, b.done) })
			r := flight[0]
			flight = flight[1:]
			cm := okAt(r.done, 100, float64(r.done-r.sent)/float64(time.Millisecond), 100)
			cm.ID, cm.Sent = r.id, r.sent
			if l.Add(cm) {
				d := l.Check()
				if !sending {
					looksAfter++
					check("a look after the sending stopped", d)
				}
			}
			if sending && l.Settles(len(flight)) {
				sending = false
				for i := range flight {
					flight[i].done = r.done + (flight[i].done-r.done)/2
				}
			}
			if sending {
				flight = append(flight, req{id, r.done, r.done + 2*time.Second})
				id++
			}
		}
		if sending || looksAfter == 0 {
			t.Fatalf("c %d: sending stopped %v, %d looks after; want Settles to stop it and a look in the drain", c, !sending, looksAfter)
		}
		check("drained", l.Drained())
	}
}
