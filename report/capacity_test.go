package report

import (
	"strings"
	"testing"
	"time"
)

// addLevel adds ten two-token requests at level lv, sent every gapMS ms,
// each with its first token ttftMS after sending: the level's output
// throughput is 20 tokens over about 9·gapMS ms.
func addLevel(s *Summarizer, lv float64, gapMS, ttftMS int64) {
	for i := range int64(10) {
		sent := i * gapMS
		s.Add(rec(uint64(i), lv, sent, [][2]int64{{sent + ttftMS, 1}, {sent + ttftMS + 10, 1}}, 2, 10))
	}
}

// TestCapacityIsBestPassingThroughput: levels 4 and 8 meet TTFT p95 ≤ 100
// ms, but level 8 serves less (its requests are twice as far apart: 20
// tokens over 1860 ms against 960 ms); level 16 fails. Capacity is level 4,
// not the highest passing level 8, and it is no lower bound (level 16 was
// tried and failed).
func TestCapacityIsBestPassingThroughput(t *testing.T) {
	slo := SLO{TTFT: 100 * time.Millisecond}
	s := NewSummarizer(slo)
	addLevel(s, 4, 100, 40)
	addLevel(s, 8, 200, 40)
	addLevel(s, 16, 100, 150)
	sum := s.Close()
	if sum.Levels[0].OutputTokensPerS <= sum.Levels[1].OutputTokensPerS {
		t.Fatalf("fixture: level 4 %.2f tok/s should exceed level 8 %.2f", sum.Levels[0].OutputTokensPerS, sum.Levels[1].OutputTokensPerS)
	}
	c := sum.Capacity
	if c == nil || c.Level != 4 || c.LowerBound {
		t.Fatalf("capacity = %+v; want level 4, not a lower bound", c)
	}
	if c.OutputTokensPerS != sum.Levels[0].OutputTokensPerS {
		t.Errorf("capacity throughput %v; want level 4's %v", c.OutputTokensPerS, sum.Levels[0].OutputTokensPerS)
	}
}

// TestCapacityLowerBound: every level meets the SLO and throughput grows
// with load, so the capacity is the top level, a lower bound, and says so.
func TestCapacityLowerBound(t *testing.T) {
	s := NewSummarizer(SLO{TTFT: 100 * time.Millisecond})
	addLevel(s, 1, 400, 40)
	addLevel(s, 2, 200, 40)
	c := s.Close().Capacity
	if c == nil || c.Level != 2 || !c.LowerBound {
		t.Fatalf("capacity = %+v; want level 2, a lower bound", c)
	}
	if d := c.Describe(); !strings.Contains(d, "lower bound") {
		t.Errorf("Describe() = %q; want it to say lower bound", d)
	}
}
