package render

import (
	"math"
	"testing"

	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/rundir"
)

// The timeline's bins by hand. One request in flight from 0 to 1 s with a
// token every 0.1 s (ten events, the first carrying 2 tokens): 10 bins of
// 0.1 s, 5 to a point, so two points of 0.5 s at 0.25 s and 0.75 s, each
// 1.0 requests in flight, and 6 tokens (2+1+1+1+1) / 0.5 s = 12 tokens/s,
// then 5 / 0.5 s = 10; BinS, which the caption gives, is 0.5 s. With
// 2,000 bins (200 s) a point holds ceil(2000/160) = 13 bins: BinS 1.3 s.
func TestTimelineBinsByHand(t *testing.T) {
	rec := &rundir.Record{SentNS: 0, DoneNS: 1e9}
	for k := range 10 {
		tokens := int64(1)
		if k == 0 {
			tokens = 2
		}
		rec.Chunks = append(rec.Chunks, [2]int64{int64(k)*1e8 + 5e7, tokens})
	}
	r := &Run{levels: map[float64]*levelData{}}
	var tl timelineAcc
	r.addRecord(rec, &tl)
	r.finishTimeline(&tl)
	if r.timeline.BinS != 0.5 {
		t.Errorf("BinS = %g; want 0.5", r.timeline.BinS)
	}
	wantIn := []plot.Point{{T: 0.25, V: 1}, {T: 0.75, V: 1}}
	wantTok := []plot.Point{{T: 0.25, V: 12}, {T: 0.75, V: 10}}
	for q, want := range map[plot.Quantity][]plot.Point{plot.InFlight: wantIn, plot.OutputTokensPerS: wantTok} {
		got := r.timeline.Series[q]
		if len(got) != len(want) {
			t.Fatalf("%v: %v; want %v", q, got, want)
		}
		for i := range want {
			if d := got[i].V - want[i].V; got[i].T != want[i].T || d > 1e-9 || d < -1e-9 {
				t.Errorf("%v point %d = %+v; want %+v", q, i, got[i], want[i])
			}
		}
	}
	long := &Run{levels: map[float64]*levelData{}}
	long.finishTimeline(&timelineAcc{inflight: make([]float64, 2000)})
	if long.timeline.BinS != 1.3 {
		t.Errorf("2,000 bins: BinS = %g; want 1.3", long.timeline.BinS)
	}
}

// TestTimelineBinsStayBounded: a record reaching 300 days past the run's
// start (a year is the most a record may hold, rundir.MaxOffsetNS) widens
// the bins instead of allocating 100 ms ones all the way: report on such a
// line was killed for memory. The request·seconds in flight and the tokens
// are kept whole through the merges.
func TestTimelineBinsStayBounded(t *testing.T) {
	const far = int64(300 * 24 * 3600 * 1e9)
	r := &Run{levels: map[float64]*levelData{}}
	var tl timelineAcc
	r.addRecord(&rundir.Record{SentNS: 0, DoneNS: 1e9, Chunks: [][2]int64{{5e8, 3}}}, &tl)
	r.addRecord(&rundir.Record{SentNS: 2e9, DoneNS: far, Chunks: [][2]int64{{3e9, 1}, {far - 1, 2}}}, &tl)
	if n := max(len(tl.inflight), len(tl.tokens)); n > maxTimelineBins {
		t.Fatalf("%d bins; want at most %d", n, maxTimelineBins)
	}
	var in, tok float64
	for _, v := range tl.inflight {
		in += v
	}
	for _, v := range tl.tokens {
		tok += v
	}
	if want := float64(1e9 + far - 2e9); math.Abs(in-want) > want*1e-12 || tok != 6 {
		t.Errorf("in flight %g request·ns, %g tokens; want %g and 6", in, tok, want)
	}
	r.finishTimeline(&tl)
	if pts := r.timeline.Series[plot.InFlight]; len(pts) == 0 || len(pts) > maxTimelinePoints {
		t.Errorf("%d points; want 1 to %d", len(pts), maxTimelinePoints)
	}
}
