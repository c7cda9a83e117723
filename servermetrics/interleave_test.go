package servermetrics

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Two engines behind one URL (a Kubernetes Service, a load balancer) with
// the same labels answer the scrapes in turn: replica A at 5000 tokens,
// replica B at 1000, each doing 50 tok/s. Every answer from B read as a
// restart of A, whose value was carried: "engine generated 10466.4 tok/s
// (harness measured 111.9)", and no word why. A series that drops and then
// comes back up to where it was before the drop, twice, is not one engine
// restarting: the scrape says so, and no counter of that page is carried.
func TestWatchRefusesCountersOfEnginesTakingTurns(t *testing.T) {
	vals := []string{"5000", "1000", "5010", "1010", "5020", "1020", "5030"}
	var ps pages
	for _, v := range vals {
		ps = append(ps, vllm(t, v))
	}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &ps}}
		var buf bytes.Buffer
		if err := Record(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: len(vals)}, &buf); err != nil {
			t.Fatal(err)
		}
		got, err := rundir.ReadServerSamples(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(vals) {
			t.Fatalf("%d samples; want %d", len(got), len(vals))
		}
		last := got[len(got)-1]
		if last.Error == "" || !strings.Contains(last.Error, "more than one engine") || !strings.Contains(last.Error, "5010 → 1010 → 5020") {
			t.Errorf("last sample = %+v; want an error saying the URL answers for more than one engine, showing 5010 → 1010 → 5020", last)
		}
		if last.GenerationTokensTotal != nil {
			t.Errorf("last sample's generation counter = %v; want none", *last.GenerationTokensTotal)
		}
		var errs int
		for _, s := range got {
			if s.Error != "" {
				errs++
			}
		}
		if errs == 0 || errs == len(got) {
			t.Errorf("%d of %d scrapes failed; want the first readings kept, the later refused", errs, len(got))
		}
	})
}

// One engine that restarts twice and each time grows past where it was is
// still carried: only the return to the value before a drop, on the next
// readings, twice, tells turns apart from restarts.
func TestWatchCarriesAnEngineThatRestartsAndGrows(t *testing.T) {
	vals := []string{"100", "150", "10", "30", "200", "20", "40"}
	var ps pages
	for _, v := range vals {
		ps = append(ps, vllm(t, v))
	}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &ps}}
		var buf bytes.Buffer
		if err := Record(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: len(vals)}, &buf); err != nil {
			t.Fatal(err)
		}
		got, err := rundir.ReadServerSamples(&buf)
		if err != nil {
			t.Fatal(err)
		}
		// 100, 150, 150+10, 150+30, 150+200, 150+200+20, 150+200+40.
		want := []float64{100, 150, 160, 180, 350, 370, 390}
		for i, s := range got {
			if s.Error != "" || s.GenerationTokensTotal == nil || *s.GenerationTokensTotal != want[i] {
				t.Errorf("sample %d = %+v; want generation %v", i, s, want[i])
			}
		}
	})
}

// The scrapes before a page comes back the second time are kept, and
// their counters were carried over the first return as over a restart:
// 5000, 6000, 10010, 11020 at 0, 0.25, 0.5 and 0.75 s, where the two
// replicas did 10 tokens each per half second (40 tok/s). A level over the
// run's first 2 s read "engine generated 8026.7 tok/s". The summary takes
// no counter rate from a run whose scrapes were refused so, and says why
// in the level's engine change, as for pages of two engines' kinds.
func TestSummaryOfEnginesTakingTurnsTakesNoRate(t *testing.T) {
	var ps pages
	for _, v := range []string{"5000", "1000", "5010", "1010", "5020", "1020", "5030"} {
		ps = append(ps, vllm(t, v))
	}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &ps}}
		var buf bytes.Buffer
		if err := Record(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: 7}, &buf); err != nil {
			t.Fatal(err)
		}
		samples, err := rundir.ReadServerSamples(&buf)
		if err != nil {
			t.Fatal(err)
		}
		lv := report.SummarizeServer(samples, 0, 2e9)
		if lv.Samples != 4 || lv.Failed != 3 {
			t.Errorf("%d good scrapes, %d failed; want 4 and 3", lv.Samples, lv.Failed)
		}
		if lv.GenerationTokensPerS != nil {
			t.Errorf("engine generated %v tok/s; want no rate", *lv.GenerationTokensPerS)
		}
		for _, w := range []string{"more than one engine", "1.0 s", "no counter rate"} {
			if !strings.Contains(lv.EngineChange, w) {
				t.Errorf("engine change %q does not say %q", lv.EngineChange, w)
			}
		}
	})
}
