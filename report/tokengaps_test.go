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
	g := checkTokenGaps(t, recs)
	wantGaps := []float64{10, 30, 5000, -2, 1.5}
	wantITL := []float64{10, 10, 10, 10, 5000, -2, 1.5}
	if got := g.appendGaps(nil); !slices.Equal(got, wantGaps) {
		t.Errorf("gaps = %v; want %v", got, wantGaps)
	}
	if got := g.appendITL(nil); !slices.Equal(got, wantITL) {
		t.Errorf("ITL = %v; want %v", got, wantITL)
	}
	if g.tokens() != len(wantITL) || len(g.wide) != 2 || len(g.multi) != 1 {
		t.Errorf("tokens %d, wide %v, multi %v; want 7 tokens, 2 wide gaps, 1 multi-token event", g.tokens(), g.wide, g.multi)
	}
}

// Past a block of gaps, with wide gaps among them, and with every event
// carrying one token (one Dist serving as both), tokenGaps gives back what
// EachITL defines.
func TestTokenGapsAcrossBlocks(t *testing.T) {
	var recs [][][2]int64
	at := int64(0)
	for i := range 3*gapBlock/100 + 7 {
		var c [][2]int64
		for j := range 101 {
			at += 1e6 + int64((i*31+j*17)%1000)*1013
			if (i*101+j)%50_000 == 0 {
				at += 6e9
			}
			c = append(c, [2]int64{at, 1})
		}
		recs = append(recs, c)
	}
	g := checkTokenGaps(t, recs)
	if len(g.blocks) != 4 || len(g.wide) == 0 || len(g.multi) != 0 {
		t.Errorf("%d blocks, %d wide gaps, %d multi-token events; want 4, some, 0", len(g.blocks), len(g.wide), len(g.multi))
	}
}

// checkTokenGaps adds recs to a tokenGaps and checks the values and
// distributions it gives back against EachITL's, the definition.
func checkTokenGaps(t *testing.T, recs [][][2]int64) *tokenGaps {
	t.Helper()
	var g tokenGaps
	var itl, gaps []float64
	for _, c := range recs {
		g.add(c)
		EachITL(c, func(gap float64, k int64) {
			gaps = append(gaps, gap)
			for range k {
				itl = append(itl, gap/float64(k))
			}
		})
	}
	if got := g.appendGaps(nil); !slices.Equal(got, gaps) {
		t.Errorf("gaps differ from EachITL's")
	}
	if got := g.appendITL(nil); !slices.Equal(got, itl) {
		t.Errorf("ITLs differ from EachITL's")
	}
	var scratch gapCodes
	d, dg := g.dists(&scratch)
	if d != distOf(slices.Clone(itl)) || dg != distOf(slices.Clone(gaps)) {
		t.Errorf("dists = %+v, %+v; want those of the values", d, dg)
	}
	if cap(scratch.codes) < len(itl) {
		t.Errorf("scratch of %d values; want room for %d", cap(scratch.codes), len(itl))
	}
	return &g
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
