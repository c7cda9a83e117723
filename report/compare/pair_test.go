package compare

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestPairedResamplesTheSameRequestsTogether: two levels that sent the
// same requests (the same IDs; sampleOf's requests all ask for the same
// lengths) are resampled in pairs. The baseline's 300 requests take
// lognormal times (σ 0.3: a mix of long and short ones); the candidate
// takes each 3 % longer, give or take 2 % of its own, so its requests/s is
// about 1/1.03 = 0.971 of the baseline's. Resampled apart, each side
// draws its own mix of long and short requests, and the interval of the
// ratio is as wide as the mix makes it: [0.927, 1.016] here, holding 1 (no
// change). Drawn in pairs, the mix is the same on both sides of every
// resample: the interval is the 2 % noise's, [0.968, 0.972] around
// 0.970, and excludes 1. Before pairing, both were the first.
func TestPairedResamplesTheSameRequestsTogether(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := lognormal(rng, 300, 100)
	b := make([]float64, len(a))
	for i := range a {
		b[i] = 1.03 * a[i] * (1 + 0.02*rng.NormFloat64())
	}
	rps, _ := LookupMetric("requests_per_s")
	ms := []Metric{rps}
	paired := Ratios(sampleOf(a, 1), sampleOf(b, 1), ms, 0.05, 2000, 1, "x")
	apart := Ratios(sampleOf(a, 1), sampleFrom(1000, b, 1), ms, 0.05, 2000, 1, "x")
	if len(paired) != 1 || len(apart) != 1 {
		t.Fatalf("Ratios = %+v, %+v; want one each", paired, apart)
	}
	p, u := paired[0], apart[0]
	if p.Ratio != u.Ratio || math.Abs(p.Ratio-1/1.03) > 0.005 {
		t.Errorf("ratio %v (paired), %v (apart); want the same, about %.3f", p.Ratio, u.Ratio, 1/1.03)
	}
	if !p.Paired || !(p.Low < p.Ratio && p.Ratio < p.High) || !(p.High < 1) || p.High-p.Low > 0.01 {
		t.Errorf("same requests: ratio %.4f [%.4f, %.4f], paired %v; want paired, an interval under 1 %% wide excluding 1", p.Ratio, p.Low, p.High, p.Paired)
	}
	if u.Paired || !(u.Low < 1 && 1 < u.High) {
		t.Errorf("other requests: ratio %.4f [%.4f, %.4f], paired %v; want resampled apart, the interval holding 1", u.Ratio, u.Low, u.High, u.Paired)
	}
}

// TestPairingNeedsTheSameRequests: levels are paired only when they sent
// the same requests: the same count, the same IDs, each asking for the same
// lengths (their fingerprints). The candidate's requests may end in any
// order: request i of the baseline is paired with the candidate's of its ID.
func TestPairingNeedsTheSameRequests(t *testing.T) {
	ttfts := []float64{10, 20, 30, 40}
	base := sampleOf(ttfts, 1)
	if p := pairing(base, sampleOf([]float64{40, 30, 20, 10}, 1)); len(p) != 4 {
		t.Errorf("same IDs and lengths: pairs %v; want 4", p)
	}
	shuffled := sampleOf(ttfts, 1)
	shuffled.ids = []uint32{3, 1, 0, 2}
	if p := pairing(base, shuffled); len(p) != 4 || p[0] != 2 || p[1] != 1 || p[2] != 3 || p[3] != 0 {
		t.Errorf("candidate in another order: pairs %v; want [2 1 3 0] (each baseline request with the candidate's of its ID)", p)
	}
	if p := pairing(base, sampleFrom(1, ttfts, 1)); p != nil {
		t.Errorf("other IDs: pairs %v; want none", p)
	}
	if p := pairing(base, sampleOf(ttfts[:3], 1)); p != nil {
		t.Errorf("fewer requests: pairs %v; want none", p)
	}
	other := sampleOf(ttfts, 1)
	other.fingerprint++ // a request that asked for other lengths
	if p := pairing(base, other); p != nil {
		t.Errorf("other lengths: pairs %v; want none", p)
	}
	// Runs of other workload seeds sent other requests, even where every
	// length is fixed: not paired; of one seed, paired.
	seeded := func(seed int64) *LevelSample {
		c := NewCollector(report.SLO{}).Seed(seed)
		for i := range 4 {
			c.Add(&rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 1, SentNS: int64(i) * 1e9, FirstTokenNS: int64(i)*1e9 + 1e6,
				EndNS: int64(i)*1e9 + 5e6, DoneNS: int64(i)*1e9 + 5e6, OK: true, OutputTokens: 4, RequestedOutputTokens: 4})
		}
		return c.Levels(&report.Summary{})[1]
	}
	if p := pairing(seeded(7), seeded(8)); p != nil {
		t.Errorf("seeds 7 and 8: pairs %v; want none", p)
	}
	if p := pairing(seeded(7), seeded(7)); len(p) != 4 {
		t.Errorf("seed 7 twice: pairs %v; want 4", p)
	}
}
