package servermetrics

import "testing"

// TestCounterRestartsTwiceInALongRun: an engine that restarts twice in a
// long run grows back past its count before each restart only after as
// much work again, many readings later: no pages taking turns. Any later
// return counted, so two restarts in a soak run made every scrape after
// the second fail ("the URL answers for more than one engine"). Pages that
// alternate (a balancer: 5000, 1000, 5010, 1010) come back on the next
// reading, and are still told.
func TestCounterRestartsTwiceInALongRun(t *testing.T) {
	var c counters
	v := 0.0
	for restart := 0; restart < 3; restart++ {
		for range 100 { // grows 10 a reading from 0 to past the last count
			v += 10
			c[0].add([]seriesValue{{v: v}})
		}
		v = 0 // restarts: back to zero
		c[0].add([]seriesValue{{v: v}})
	}
	if err := c.turns(); err != nil {
		t.Errorf("three restarts, each grown back over 100 readings: %v; want no error", err)
	}
	var b counters
	for _, v := range []float64{5000, 1000, 5010, 1010, 5020, 1020} {
		b[0].add([]seriesValue{{v: v}})
	}
	if b.turns() == nil {
		t.Error("pages alternating 5000, 1000, 5010, 1010, 5020, 1020: no error; want the pages told as several engines'")
	}
}
