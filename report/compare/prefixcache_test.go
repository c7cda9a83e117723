package compare

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
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
	cand.PrefixCache = map[float64]float64{}
	_, ws = Check(base, cand)
	all := strings.Join(ws, "\n")
	if !strings.Contains(all, "level 32: baseline's 50.0%, candidate's none reported") || strings.Contains(all, "level 16") {
		t.Errorf("candidate without a rate: warnings %q; want level 32 named, not level 16", ws)
	}
}

// TestPrefixCacheUnknownIsNoneReported: a history baseline's Meta is its
// run.json's (MetaOf, no rates: nil); the warning read that as "baseline's
// none reported" against every candidate level over 10 %, every night of a
// multi-turn run on a caching engine (a review). Unknown rates are not
// judged; a history baseline's come from its summaries.
func TestPrefixCacheUnknownIsNoneReported(t *testing.T) {
	cand := Meta{Model: "m", PrefixCache: map[float64]float64{8: 0.9}}
	if _, ws := Check(Meta{Model: "m"}, cand); strings.Contains(strings.Join(ws, "\n"), "prefix cache") {
		t.Errorf("unknown baseline rates: warnings %q", ws)
	}
	rate := func(v float64) *report.Summary {
		return &report.Summary{Levels: []report.Level{{Level: 8, Server: &report.ServerLevel{PrefixCacheHitRate: &v}}}}
	}
	got := PrefixCacheOf(rate(0.1), rate(0.2), rate(0.9), &report.Summary{})
	if len(got) != 1 || got[8] != 0.2 {
		t.Errorf("PrefixCacheOf = %v; want level 8 at the median 0.2", got)
	}
	if m := PrefixCacheOf(&report.Summary{}); m == nil || len(m) != 0 {
		t.Errorf("no rate reported: %v; want an empty map (known: none)", m)
	}
}

// TestPrefixCacheOfAHistoryBaseline: Compare takes a summaries-only
// baseline's rates from its summaries (its Meta, MetaOf's, has none): the
// median of 5 %, 10 % and 60 % at level 8 is 10 %, 80 points under the
// candidate's 90 %, and warned of as such.
func TestPrefixCacheOfAHistoryBaseline(t *testing.T) {
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, 50, 0, 0
	cand := load(t, c)
	cand.Meta.PrefixCache = map[float64]float64{8: 0.9}
	var sums []*report.Summary
	for _, v := range []float64{0.05, 0.6, 0.1} {
		s := summaryWith(50)
		s.Levels[0].Server = &report.ServerLevel{PrefixCacheHitRate: &v}
		sums = append(sums, s)
	}
	meta := cand.Meta
	meta.PrefixCache = nil // MetaOf's: unknown
	res, err := Compare(Baseline{Label: "h", Meta: meta, Summaries: sums}, cand, Options{Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(res.Warnings, "\n"); !strings.Contains(all, "level 8: baseline's 10.0%, candidate's 90.0%") {
		t.Errorf("warnings %q; want level 8's baseline 10.0%% (the summaries' median) against 90.0%%", res.Warnings)
	}
}
