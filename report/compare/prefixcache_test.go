package compare

import (
	"strings"
	"testing"
)

// TestPrefixCacheRatesDiffer (QA: compare of two runs with --seed 5 read
// TTFT p50 -5.7 % [-6.8, -5.2] with no cache warning, the second run's
// summary showing "prefix cache hit rate 99.6%", the first's 0%): a level
// whose prefix cache hit rates differ by more than PrefixCacheDiffPoints
// is warned about, naming both rates; close rates, or a side without one,
// are not.
func TestPrefixCacheRatesDiffer(t *testing.T) {
	base := Meta{Model: "m", PrefixCache: map[float64]float64{16: 0, 32: 0.5}}
	cand := Meta{Model: "m", PrefixCache: map[float64]float64{16: 0.99609375, 32: 0.55}}
	_, ws := Check(base, cand)
	var got []string
	for _, w := range ws {
		if strings.Contains(w, "prefix cache") {
			got = append(got, w)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "level 16: baseline's 0.0%, candidate's 99.6%") || strings.Contains(got[0], "level 32") {
		t.Fatalf("prefix cache warnings %q; want one naming level 16's 0.0%% and 99.6%%, not level 32's 5 points", got)
	}
	// A server that reported no rate where the other's read over the
	// bound is warned of (an engine with its prefix cache off reports no
	// hits at all: a second outside QA pass compared a run against the
	// mock's --no-prefix-cache without a word); at a level the other read
	// under the bound, not.
	cand.PrefixCache = nil
	_, ws = Check(base, cand)
	all := strings.Join(ws, "\n")
	if !strings.Contains(all, "level 32: baseline's 50.0%, candidate's none reported") || strings.Contains(all, "level 16") {
		t.Errorf("candidate without a rate: warnings %q; want level 32 named, not level 16", ws)
	}
}
