package compare

import (
	"cmp"
	"slices"

	"github.com/inferbench/inferbench/rundir"
)

// Two runs of one scenario and seed send the same request list: request
// ID k of a level asks for the same lengths in both (its prompt's and its
// output's, drawn from the seed in the order the requests are scheduled).
// What one such request took in the baseline and in the candidate is then
// a pair: on the simulated A100 (uniform 16–256 output tokens), the E2E of
// one ID in two runs correlated at 0.9998. Resampled apart, as two
// independent samples, each side's resample draws its own mix of long and
// short requests, and the mix alone moves requests/s, total tokens/s,
// goodput and E2E: ±6.7 % on requests/s for three runs within 0.5 % of
// one another (docs/gating.md). Resampled in pairs (a resample draws a
// request of both runs together), the mix is the same on both sides of
// every resample and only what the servers did differs: the paired
// bootstrap (Efron & Tibshirani 1993, ch. 6 and 8: resample the pairs).
// Pairing is valid whatever the pairs' correlation; without it, the
// interval is the independent samples'.

// pairKey is a request's part in its level's fingerprint: its ID and the
// lengths it asked for, mixed (splitmix64's finalizer, step by step).
func pairKey(rec *rundir.Record) uint64 {
	h := mix64(rec.ID)
	h = mix64(h ^ uint64(rec.RequestedInputTokens))
	return mix64(h ^ uint64(rec.RequestedOutputTokens)<<1)
}

// mix64 is splitmix64's finalizer (Steele, Lea & Flood 2014).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// pairing returns, when levels bs and cs ran the same request list (runs
// of one workload seed, Collector.Seed, with the same number of measured
// requests, the same IDs, each asking for the same lengths: their
// fingerprints, of the seed and the sum of their pairKeys, are equal), the
// index in cs of the request of bs at each index; nil when they did not.
func pairing(bs, cs *LevelSample) []int32 {
	n := len(bs.reqs)
	if n == 0 || n != len(cs.reqs) || bs.ids == nil || cs.ids == nil || bs.fingerprint != cs.fingerprint {
		return nil
	}
	ob, oc := byID(bs.ids), byID(cs.ids)
	perm := make([]int32, n)
	for k := range n {
		if bs.ids[ob[k]] != cs.ids[oc[k]] {
			return nil
		}
		perm[ob[k]] = oc[k]
	}
	return perm
}

// byID returns the indices of ids in the order of their IDs.
func byID(ids []uint32) []int32 {
	o := make([]int32, len(ids))
	for i := range o {
		o[i] = int32(i)
	}
	slices.SortFunc(o, func(a, b int32) int { return cmp.Compare(ids[a], ids[b]) })
	return o
}
