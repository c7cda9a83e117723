package compare

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// packedLevels collects records of one level, mostly one token an event,
// with a few events of 2 or 3 tokens and a few gaps of 5 s: ITL samples
// packed with values aside.
func packedLevels(t *testing.T, seed uint64, ttftMS float64) map[float64]*LevelSample {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	c := NewCollector(report.SLO{})
	s := report.NewSummarizer(report.SLO{})
	for i := range 400 {
		sent := int64(i) * 20e6
		rec := &rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, SentNS: sent, ScheduledNS: sent, OK: true, Status: 200}
		at := sent + int64((ttftMS+10*rng.Float64())*1e6)
		rec.FirstByteNS, rec.FirstTokenNS = at, at
		for tok := 0; tok < 16; {
			k := int64(1)
			if tok > 0 {
				gap := int64((8 + 4*rng.Float64()) * 1e6)
				switch rng.IntN(40) {
				case 0:
					k = 2 + int64(rng.IntN(2))
				case 1:
					gap = 5e9
				}
				at += gap
			}
			rec.Chunks = append(rec.Chunks, [2]int64{at, k})
			tok += int(k)
			rec.OutputTokens = tok
		}
		rec.EndNS, rec.DoneNS = at, at+1e6
		s.Add(rec)
		c.Add(rec)
	}
	return c.Levels(s.Close())
}

// unpacked returns s with its ITL sample as values and owners.
func unpacked(s *LevelSample) *LevelSample {
	u := *s
	w := &s.sorted[fieldITL]
	owners := make([]int32, w.len())
	for i := range owners {
		owners[i] = w.ownerOf(i)
	}
	u.sorted[fieldITL] = weighted{values: w.floats(), owner: owners}
	return &u
}

// TestPackedITLComparesAsUnpacked: a comparison of levels whose ITL
// samples are packed with values aside gives the rows (every change,
// interval, p-value and Mann–Whitney test) and ratios of the same levels
// with those samples as values and owners.
func TestPackedITLComparesAsUnpacked(t *testing.T) {
	a, b := packedLevels(t, 1, 50), packedLevels(t, 2, 53)
	pa, pb := a[4], b[4]
	if p := pa.sorted[fieldITL].packed; p == nil || len(p.asidePos) == 0 {
		t.Fatalf("ITL sample packed %v; want packed with values aside", p != nil)
	}
	rows := func(bs, cs *LevelSample) []byte {
		res := &Result{Resamples: 300, Seed: 3, Alpha: 0.05, Thresholds: DefaultThresholds().Limits}
		out, err := json.Marshal(bootstrapRows(bs, cs, 4, res))
		if err != nil {
			t.Fatal(err)
		}
		r, err := json.Marshal(Ratios(bs, cs, Metrics(), 0.05, 300, 5, "k"))
		if err != nil {
			t.Fatal(err)
		}
		return append(out, r...)
	}
	got, want := rows(pa, pb), rows(unpacked(pa), unpacked(pb))
	if !bytes.Equal(got, want) {
		t.Errorf("packed:\n%s\nunpacked:\n%s", got, want)
	}
}
