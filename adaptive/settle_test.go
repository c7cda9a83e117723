package adaptive

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// feedTo adds completions 1…n (ids 0…n−1) of TTFT ttft(i) ms, 1 s apart,
// checking at each due look, and returns whether a look stopped the level.
func feedTo(l *Level, from, n int, ttft func(i int) float64) bool {
	for i := from; i <= n; i++ {
		c := okAt(time.Duration(i)*time.Second, ttft(i), 2000, 64)
		c.ID = uint64(i - 1)
		if l.Add(c) && l.Check().Stop {
			return true
		}
	}
	return false
}

// TestSettles: with a TTFT p95 ≤ 1 s and the default plan (ranks at look
// level a = 0.0054), a p95 has an upper bound only from 116 values (the
// sample's maximum then). After the first look (50 judged, TTFTs 100–149
// ms) 50 + 65 in flight is 115, too few; 50 + 66 settles it. Once the
// requests in flight are in, Drained decides a certain pass at 116. A
// sample whose maximum is above 0.9 s (of the 1 s threshold) does not
// settle, nor does a level before its first look, nor a failing one.
func TestSettles(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{Percentile: 95, TTFT: time.Second}, Precision: 0.01})
	fast := func(i int) float64 { return 100 + float64(i%50) }
	l := p.NewLevel(32, 0, 0, nil)
	if l.Settles(500) {
		t.Error("settled before the first look")
	}
	if feedTo(l, 1, 50, fast) {
		t.Fatal("the first look stopped the level")
	}
	if _, u := p.orderRanks(115); u <= 115 {
		t.Fatalf("the plan bounds a p95 from 115 values (rank %d): the test's numbers are off", u)
	}
	if l.Settles(65) {
		t.Error("settled with 115 values to come: too few for an upper bound")
	}
	if !l.Settles(66) {
		t.Error("not settled with 116 values to come, the largest 149 ms")
	}
	if feedTo(l, 51, 116, fast) {
		t.Fatal("a scheduled look stopped the level before the drain ended")
	}
	d := l.Drained()
	if !d.Stop || d.Reason != StopCertain || d.Verdict != Pass || !d.Certain || d.Judged != 116 {
		t.Errorf("drained: %+v; want a certain pass at 116", d)
	}
	if d2 := l.Drained(); d2.Look != d.Look {
		t.Errorf("Drained twice took another look: %d then %d", d.Look, d2.Look)
	}

	slow := p.NewLevel(32, 0, 0, nil)
	feedTo(slow, 1, 50, func(i int) float64 { return 100 + 17*float64(i) }) // up to 950 ms
	if slow.Settles(500) {
		t.Error("settled with a projected upper bound of 950 ms against 1 s × 0.9")
	}
	failing := p.NewLevel(32, 0, 0, nil)
	feedTo(failing, 1, 49, func(int) float64 { return 2000 })
	if failing.Settles(500) {
		t.Error("a failing level settled")
	}
}

// TestDrainedUnsettled: a projection that proves wrong (the requests in
// flight were slow) ends the level uncertain, StopEnded, on the point
// verdict: 116 values with 10 of them at 1.5 s fail the p95.
func TestDrainedUnsettled(t *testing.T) {
	p := mustPlan(t, Options{SLO: report.SLO{Percentile: 95, TTFT: time.Second}, Precision: 0.01})
	l := p.NewLevel(32, 0, 0, nil)
	feedTo(l, 1, 50, func(int) float64 { return 100 })
	if !l.Settles(66) {
		t.Fatal("not settled")
	}
	feedTo(l, 51, 116, func(i int) float64 {
		if i > 106 {
			return 1500
		}
		return 100
	})
	d := l.Drained()
	if !d.Stop || d.Reason != StopEnded || d.Verdict != Fail || d.Certain {
		t.Errorf("drained: %+v; want an uncertain fail, ended", d)
	}
}

// TestRampWaves: a closed-loop level of 64 whose TTFTs all miss a 1 s p95
// could settle the fail at its first look (50 judged), but judges two
// rounds of its concurrency first: it stops, certain, at the first look at
// or past 128 (130). An open-loop level, and a closed one of 16 (32 < 50),
// stop at 50 (the open one on saturation: it is served 1 req/s of 64); a
// level of 800 against at most 1,000 waits for 1,000.
func TestRampWaves(t *testing.T) {
	slow := func(int) float64 { return 2000 }
	for _, tc := range []struct {
		level float64
		open  bool
		want  int
	}{{64, false, 130}, {16, false, 50}, {64, true, 50}, {800, false, 1000}} {
		p := mustPlan(t, Options{SLO: report.SLO{Percentile: 95, TTFT: time.Second}, Precision: 0.05, OpenLoop: tc.open})
		l := p.NewLevel(tc.level, 0, 0, nil)
		if !feedTo(l, 1, 2000, slow) {
			t.Fatalf("level %g: never stopped", tc.level)
		}
		d := l.Decision()
		wantReason := StopCertain
		if tc.open {
			wantReason = StopSaturated // served 1 req/s of 64: saturated first, as certain
		}
		if d.Judged != tc.want || d.Reason != wantReason || d.Verdict != Fail || !d.Certain {
			t.Errorf("level %g (open %v): %s at %d judged, %s; want a certain fail at %d, %s", tc.level, tc.open, d.Reason, d.Judged, d.Verdict, tc.want, wantReason)
		}
	}
}
