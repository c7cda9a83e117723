package render

import (
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
