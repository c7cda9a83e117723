package report

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestCreditProperties checks Credit on random streams (1 to 400 chunks of
// 1 to 8 tokens, gaps of 0 to 50 ms with stalls, some starting before the
// run's origin, as a warm-up may): a request is credited whole over all
// time, its shares are in [0, 1] and add up over adjacent windows, and a
// window's share is off the tokens its chunks carry by at most a piece (a
// CreditKnots-th of the tokens) and a chunk at each edge.
func TestCreditProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	for n := range 2000 {
		r := &rundir.Record{FirstTokenNS: rnd.Int64N(2e9) - 1e9}
		at, total, biggest := r.FirstTokenNS, int64(0), int64(0)
		for i := range 1 + rnd.IntN(400) {
			if i > 0 {
				at += rnd.Int64N(50 * ms)
				if rnd.IntN(20) == 0 {
					at += rnd.Int64N(2e9) // a stall
				}
			}
			k := 1 + rnd.Int64N(8)
			r.Chunks = append(r.Chunks, [2]int64{at, k})
			total += k
			biggest = max(biggest, k)
		}
		r.EndNS, r.DoneNS = at, at+rnd.Int64N(20*ms)
		r.OutputTokens = int(total)
		c := CreditOf(r)
		if got := c.Share(c.From-1, c.To); got != 1 {
			t.Fatalf("record %d: %v of it credited over all time; want 1", n, got)
		}
		for range 20 {
			a := c.From - 10*ms + rnd.Int64N(c.To-c.From+20*ms)
			b := a + rnd.Int64N(c.To-a+10*ms)
			e := b + rnd.Int64N(c.To-b+10*ms)
			ab, be, ae := c.Share(a, b), c.Share(b, e), c.Share(a, e)
			if ab < 0 || ab > 1 || math.Abs(ab+be-ae) > 1e-9 {
				t.Fatalf("record %d: shares (%d, %d] %v + (%d, %d] %v, (%d, %d] %v; want in [0, 1] and adding up", n, a, b, ab, b, e, be, a, e, ae)
			}
			var in int64
			for _, ch := range r.Chunks {
				if ch[0] > a && ch[0] <= b {
					in += ch[1]
				}
			}
			bound := 2 * (float64(total)/CreditKnots + float64(biggest) + 1)
			if d := ab*float64(total) - float64(in); math.Abs(d) > bound {
				t.Fatalf("record %d: (%d, %d] credited %.2f tokens, its chunks carry %d; want within %.1f", n, a, b, ab*float64(total), in, bound)
			}
		}
	}
}
