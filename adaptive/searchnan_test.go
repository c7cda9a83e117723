package adaptive

import (
	"math"
	"testing"
)

// TestSearchUnknownThroughput: a closed-loop level whose sending ended
// before its fill did (a short level: nothing full-loaded after the fill)
// has no throughput to judge, NaN. Capacity is the most a passing level
// delivered, so it is level 4, which has a throughput, and so is level 8's
// baseline: before, level 2's NaN stuck (no value is greater than NaN), and
// capacity and the baseline were level 2 at NaN whatever 4 delivered.
func TestSearchUnknownThroughput(t *testing.T) {
	s := mustSearch(t, SearchOptions{Levels: []float64{2, 4, 8}, Integer: true})
	for _, lv := range []float64{2, 4} {
		got, _, _ := s.Next()
		d := Decision{Level: got, Verdict: Pass, Certain: true, Throughput: Estimate{Value: 100 * lv}}
		if lv == 2 {
			d.Throughput = Estimate{Value: math.NaN(), Lo: math.Inf(-1), Hi: math.Inf(1)}
		}
		if err := s.Record(d); err != nil {
			t.Fatal(err)
		}
	}
	_, baseline8, _ := s.Next()
	if baseline8 == nil || baseline8.Level != 4 {
		t.Errorf("baseline of level 8: %+v; want level 4, the lower level with a throughput", baseline8)
	}
	if c := s.Capacity(); c.Level != 4 || c.Throughput.Value != 400 {
		t.Errorf("capacity after 2 and 4: level %g, %v; want level 4, 400 tok/s", c.Level, c.Throughput)
	}
}
