package report

import (
	"slices"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// tokenGaps gives back every gap and per-token ITL value as EachITL
// defines them, in order: one-token events, a three-token event (its gap
// spread over three values), a gap of 5 s (past a uint32 of ns) and a
// negative gap (out-of-order timestamps), across two records.
func TestTokenGapsGivesBackEveryValue(t *testing.T) {
	recs := [][][2]int64{
		{{100e6, 1}, {110e6, 1}, {140e6, 3}, {5140e6, 1}},
		{{0, 1}},
		{{10e6, 2}, {8e6, 0}, {9500000, 1}},
	}
	var g tokenGaps
	for _, c := range recs {
		g.add(c)
	}
	wantGaps := []float64{10, 30, 5000, -2, 1.5}
	wantITL := []float64{10, 10, 10, 10, 5000, -2, 1.5}
	if got := g.appendGaps(nil); !slices.Equal(got, wantGaps) {
		t.Errorf("gaps = %v; want %v", got, wantGaps)
	}
	if got := g.appendITL(nil); !slices.Equal(got, wantITL) {
		t.Errorf("ITL = %v; want %v", got, wantITL)
	}
	if g.tokens != len(wantITL) || len(g.wide) != 2 || len(g.multi) != 1 {
		t.Errorf("tokens %d, wide %v, multi %v; want 7 tokens, 2 wide gaps, 1 multi-token event", g.tokens, g.wide, g.multi)
	}
	// The same values by EachITL, the definition.
	var itl, gaps []float64
	for _, c := range recs {
		EachITL(c, func(gap float64, k int64) {
			gaps = append(gaps, gap)
			for range k {
				itl = append(itl, gap/float64(k))
			}
		})
	}
	if !slices.Equal(itl, wantITL) || !slices.Equal(gaps, wantGaps) {
		t.Errorf("EachITL: ITL %v, gaps %v", itl, gaps)
	}
	d, dg, scratch := g.dists(nil)
	if d != distOf(slices.Clone(itl)) || dg != distOf(slices.Clone(gaps)) {
		t.Errorf("dists = %+v, %+v; want those of the values", d, dg)
	}
	if cap(scratch) < len(itl) {
		t.Errorf("scratch of %d values; want room for %d", cap(scratch), len(itl))
	}
}

// A Snapshot taken while records are still added leaves the next summary
// as it would be without it: the ITL values are laid out afresh from the
// order they came in, so the mean (summed in that order) is the same bits.
func TestSnapshotLeavesTheITLOfLaterSummaries(t *testing.T) {
	add := func(s *Summarizer, from, to int) {
		for i := from; i < to; i++ {
			r := okRecord(i)
			s.Add(r)
		}
	}
	a, b := NewSummarizer(SLO{}), NewSummarizer(SLO{})
	add(a, 0, 50)
	a.Snapshot()
	add(a, 50, 100)
	add(b, 0, 100)
	ga, gb := a.Close().Levels[0], b.Close().Levels[0]
	if ga.ITLMS != gb.ITLMS || ga.InterChunkMS != gb.InterChunkMS {
		t.Errorf("after a snapshot: ITL %+v, inter-chunk %+v; without: %+v, %+v", ga.ITLMS, ga.InterChunkMS, gb.ITLMS, gb.InterChunkMS)
	}
	if ga.ITLMS.N != 100*(9+2) {
		t.Errorf("ITL n = %d; want 1100", ga.ITLMS.N)
	}
}

// okRecord is the i-th of a series of successful records of 10 token
// events whose gaps are no whole number of milliseconds (their float64
// values' sum depends on its order), one event in four carrying 2 tokens.
func okRecord(i int) *rundir.Record {
	sent := int64(i) * 1e9
	r := &rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, OK: true, SentNS: sent, ScheduledNS: sent,
		OutputTokens: 12, InputTokens: 10, OutputTokensSource: rundir.SourceServer}
	at := sent + 40e6 + int64(i%7)*1e6
	r.Chunks = append(r.Chunks, [2]int64{at, 1})
	for j := 1; j < 10; j++ {
		at += 1e6 + int64((i*7919+j*104729)%9973)*337
		r.Chunks = append(r.Chunks, [2]int64{at, int64(1 + j%4/3)})
	}
	r.FirstTokenNS, r.FirstByteNS, r.FirstContentNS = r.Chunks[0][0], r.Chunks[0][0], r.Chunks[0][0]
	r.EndNS, r.DoneNS = at, at+1e5
	return r
}
