package servermetrics

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/rundir"
)

// An engine restarted during the run: its counters start again from 0.
// A Scraper carries them over the drop as Prometheus's rate() does (the
// value before the drop is added to everything after it), so that a
// difference of two samples is what the engine did between them; before,
// the summary printed "engine generated -36366.7 tok/s". A failed scrape
// in between changes nothing.
func TestWatchCarriesCountersOverARestart(t *testing.T) {
	gen := []float64{100, 150, -1, 10, 30, 25}
	var ps pages
	for _, v := range gen {
		if v < 0 {
			ps = append(ps, nil) // the scrape fails
			continue
		}
		pg := withSeries(t, fixture(t, "vllm-metrics-v1-busy.txt"), "vllm:generation_tokens_total", fmt.Sprintf(" %g", v))
		ps = append(ps, withSeries(t, pg, "vllm:prompt_tokens_total", fmt.Sprintf(" %g", 2*v)))
	}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &ps}}
		var buf bytes.Buffer
		if err := Record(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: len(gen)}, &buf); err != nil {
			t.Fatal(err)
		}
		got, err := rundir.ReadServerSamples(&buf)
		if err != nil {
			t.Fatal(err)
		}
		// 100, 150, (failed), 10 → 150+10, 30 → 150+30, 25 → 150+30+25.
		want := []float64{100, 150, 0, 160, 180, 205}
		for i, s := range got {
			if (s.Error != "") != (gen[i] < 0) {
				t.Errorf("sample %d: error %q", i, s.Error)
			}
			if s.Error != "" {
				continue
			}
			if *s.GenerationTokensTotal != want[i] || *s.PromptTokensTotal != 2*want[i] {
				t.Errorf("sample %d: generation %v, prompt %v; want %v and %v", i, *s.GenerationTokensTotal, *s.PromptTokensTotal, want[i], 2*want[i])
			}
		}
		if len(got) != len(gen) {
			t.Errorf("%d samples; want %d", len(got), len(gen))
		}
	})
}

// pages is an http.RoundTripper that answers the n-th request with the
// n-th page (a nil page fails the request): a Scraper over it reads the
// pages in turn, without a network.
type pages [][]byte

func (p *pages) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(*p) == 0 {
		return nil, errors.New("no page left")
	}
	b := (*p)[0]
	*p = (*p)[1:]
	if b == nil {
		return nil, errors.New("connection refused")
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain; version=0.0.4"}},
		Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
}

// watchPages runs Watch over a Scraper of ps, one scrape per page, as a
// run's telemetry does (session passes Scraper.Scrape to Watch), and
// returns the generation-token total of each sample (-1 where it has
// none).
func watchPages(t *testing.T, ps ...[]byte) []float64 {
	t.Helper()
	var got []float64
	synctest.Test(t, func(t *testing.T) {
		p := pages(ps)
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &p}}
		err := Watch(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: len(ps)}, func(s rundir.ServerSample) error {
			if s.Error != "" {
				t.Fatalf("scrape failed: %s", s.Error)
			}
			if s.GenerationTokensTotal == nil {
				got = append(got, -1)
			} else {
				got = append(got, *s.GenerationTokensTotal)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	return got
}

// withSeries returns page with the series of family replaced by one
// series per line of lines (each "{labels} value"), at the place of the
// first. The test pages below are the real vLLM and TGI pages of
// testdata/telemetry with a counter family's one series so duplicated
// under a label, as data-parallel vLLM (engine="0", "1") and several
// models behind one router publish it.
func withSeries(t *testing.T, page []byte, family string, lines ...string) []byte {
	t.Helper()
	var out []string
	found := false
	for line := range strings.Lines(string(page)) {
		if strings.HasPrefix(line, family+"{") || strings.HasPrefix(line, family+" ") {
			if !found {
				for _, l := range lines {
					out = append(out, family+l+"\n")
				}
			}
			found = true
			continue
		}
		out = append(out, line)
	}
	if !found {
		t.Fatalf("no %s on the page", family)
	}
	return []byte(strings.Join(out, ""))
}

// vllm is the recorded vLLM V1 page with one generation-token series per
// value, engine="0", "1", …, each value as the page writes it; an empty
// value leaves that engine's series out of the page.
func vllm(t *testing.T, vs ...string) []byte {
	t.Helper()
	var lines []string
	for i, v := range vs {
		if v != "" {
			lines = append(lines, fmt.Sprintf(`{engine="%d",model_name="qwen3.6-27b-autoround"} %s`, i, v))
		}
	}
	return withSeries(t, fixture(t, "vllm-metrics-v1-busy.txt"), "vllm:generation_tokens_total", lines...)
}

// A restart of one of two data-parallel engines: A=100, B=50, then A
// restarts and both do 10 more (A=10, B=60). The engine did 150, then 10
// on A and 10 on B: 170. Carrying the sum (70 < 150: offset 150) gave 220.
func TestWatchCarriesEachSeriesOverARestart(t *testing.T) {
	got := watchPages(t, vllm(t, "100", "50"), vllm(t, "10", "60"))
	if want := []float64{150, 170}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// A=100, B=50, then A restarts to 10 while B grows to 145: the sum (155)
// still grew, so carrying the sum missed the restart (155); the engine did
// 100+10+145 = 255.
func TestWatchSeesARestartTheOtherSeriesHides(t *testing.T) {
	got := watchPages(t, vllm(t, "100", "50"), vllm(t, "10", "145"))
	if want := []float64{150, 255}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// One series, as a single engine publishes it: carried as before the
// carry went per series (TestWatchCarriesCountersOverARestart's numbers).
func TestWatchCarriesOneSeriesAsBefore(t *testing.T) {
	got := watchPages(t, vllm(t, "100"), vllm(t, "150"), vllm(t, "10"), vllm(t, "30"), vllm(t, "25"))
	if want := []float64{100, 150, 160, 180, 205}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// Engine 0 vanishes from a page (restarting) while engine 1 goes on, then
// comes back lower: it keeps contributing its 100 while absent, and its
// return at 5 is a restart: 150, 100+60, 100+5+70. Carrying the sum gave
// 150, 210, 225.
func TestWatchSeriesThatVanishesAndComesBackLower(t *testing.T) {
	got := watchPages(t, vllm(t, "100", "50"), vllm(t, "", "60"), vllm(t, "5", "70"))
	if want := []float64{150, 160, 175}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// Engine 1 appears mid-run at 30; then engine 0 restarts: 100, 100+30,
// 100+20+40. Carrying the sum gave 100, 130, 190.
func TestWatchSeriesAppearingMidRun(t *testing.T) {
	got := watchPages(t, vllm(t, "100"), vllm(t, "100", "30"), vllm(t, "20", "40"))
	if want := []float64{100, 130, 160}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// A series that says nothing on a page (NaN, negative, past
// maxTokensTotal) keeps its last carried value there, and the family keeps
// a value: 150, then 100+60 three times, then 110+70. Carrying the sum,
// the NaN series was left out of it, which carried 60 as a restart (210),
// a negative or too large one took the family's value from the page (none)
// and the last page was carried from 210: 150, 210, none, none, 330.
func TestWatchSeriesWithoutACount(t *testing.T) {
	got := watchPages(t, vllm(t, "100", "50"), vllm(t, "NaN", "60"), vllm(t, "-1", "60"), vllm(t, "2e18", "60"), vllm(t, "110", "70"))
	if want := []float64{150, 160, 160, 160, 180}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// Series are told apart by their whole label set, in any order, with any
// bytes in the values: {a="1,b=2"} and {a="1",b="2"} are two series,
// though a key of name=value pairs joined by commas would be one, and
// {b="2",a="1"} is the second again. The first restarts from 10 to 5: the
// engine did 10+5+25 = 40. Carrying the sum (30, then 30) missed it.
func TestWatchTellsSeriesApartByTheirLabels(t *testing.T) {
	page := fixture(t, "vllm-metrics-v1-busy.txt")
	const fam = "vllm:generation_tokens_total"
	got := watchPages(t,
		withSeries(t, page, fam, `{a="1,b=2"} 10`, `{a="1",b="2"} 20`),
		withSeries(t, page, fam, `{b="2",a="1"} 25`, `{a="1,b=2"} 5`))
	if want := []float64{30, 40}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// TGI's token counts are histograms; behind a router, one per model. The
// recorded TGI page's input-length histogram (sum 662) is duplicated
// under model="a" and "b" (b's sum 100); a restarts to 20 while b grows
// to 150: 762, then 662+20+150 = 832. Carrying the sum (170 < 762) gave
// 932.
func TestWatchCarriesEachHistogramSeries(t *testing.T) {
	tgi := func(sums ...int) []byte {
		var out []string
		for line := range strings.Lines(string(fixture(t, "tgi-metrics-excerpt.txt"))) {
			if !strings.HasPrefix(line, "tgi_request_input_length_") {
				out = append(out, line)
				continue
			}
			for i, sum := range sums {
				model := fmt.Sprintf(`model="%c"`, 'a'+i)
				l := line
				if strings.HasPrefix(l, "tgi_request_input_length_sum ") {
					l = fmt.Sprintf("tgi_request_input_length_sum %d\n", sum)
				}
				if strings.Contains(l, "{") {
					l = strings.Replace(l, "{", "{"+model+",", 1)
				} else {
					l = strings.Replace(l, " ", "{"+model+"} ", 1)
				}
				out = append(out, l)
			}
		}
		return []byte(strings.Join(out, ""))
	}
	var got []float64
	synctest.Test(t, func(t *testing.T) {
		p := pages{tgi(662, 100), tgi(20, 150)}
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &p}}
		err := Watch(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: 2}, func(s rundir.ServerSample) error {
			if s.PromptTokensTotal == nil {
				t.Fatalf("sample %+v has no prompt total", s)
			}
			got = append(got, *s.PromptTokensTotal)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if want := []float64{762, 832}; !slices.Equal(got, want) {
		t.Errorf("prompt totals %v; want %v", got, want)
	}
}

// Past maxSeries series in a family, the series first seen later are
// carried as one by the family-sum rule. A page of maxSeries+2 series at 1
// each (X and Y the last two) gives maxSeries+2; then the tracked series
// at 2, X at 1 and Y absent: Y's vanishing drops the untracked sum from 2
// to 1, a restart by that rule (offset 2): 2·maxSeries + 1 + 2. Then a new
// series Z at 4 joins the untracked ones (X+Z = 5 ≥ 1): 2·maxSeries + 5 +
// 2. Carrying the sum gave maxSeries+2, 2·maxSeries+1, 2·maxSeries+5.
func TestWatchBoundsTheSeriesItCarries(t *testing.T) {
	page := func(tracked string, extra ...string) []byte {
		vs := make([]string, maxSeries, maxSeries+len(extra))
		for i := range vs {
			vs[i] = tracked
		}
		return vllm(t, append(vs, extra...)...)
	}
	got := watchPages(t, page("1", "1", "1"), page("2", "1", ""), page("2", "1", "", "4"))
	if want := []float64{maxSeries + 2, 2*maxSeries + 3, 2*maxSeries + 7}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// However many label sets pages bring, a family keeps at most maxSeries
// series: a hostile engine that names every series anew on every page
// cannot grow the carry without bound.
func TestCarryKeepsAtMostMaxSeries(t *testing.T) {
	var f family
	n := 0
	for range 3 {
		var pg []seriesValue
		for range maxSeries {
			var k seriesKey
			binary.BigEndian.PutUint64(k[:], uint64(n))
			n++
			pg = append(pg, seriesValue{k, 1})
		}
		f.add(pg)
	}
	if len(f.series) != maxSeries || len(f.at) != maxSeries {
		t.Errorf("%d series carried, %d keys kept after %d label sets; want %d", len(f.series), len(f.at), n, maxSeries)
	}
}

// A page that repeats a series (a metric name and label set written twice)
// is invalid exposition; Prometheus stores the first sample and drops the
// others as duplicates (prom.Families), and so does a Scraper: 30, then 35
// (35 > 30, no restart). Before, the repeats were summed: 30+20, 35+25.
func TestWatchKeepsTheFirstOfARepeatedSeries(t *testing.T) {
	page := fixture(t, "vllm-metrics-v1-busy.txt")
	const fam = "vllm:generation_tokens_total"
	got := watchPages(t, withSeries(t, page, fam, `{engine="0"} 30`, `{engine="0"} 20`), withSeries(t, page, fam, `{engine="0"} 35`, `{engine="0"} 25`))
	if want := []float64{30, 35}; !slices.Equal(got, want) {
		t.Errorf("generation totals %v; want %v", got, want)
	}
}

// The repeat of a gauge's series is dropped too, its labels in any order:
// running is engine 0's 3 and engine 1's 5 (8, not 3+4+5 = 12), KV use the
// mean of engine 0's 0.2 and engine 1's 0.6 (0.4, not the mean of three).
func TestParseKeepsTheFirstOfARepeatedGauge(t *testing.T) {
	page := `vllm:num_requests_running{engine="0",model_name="m"} 3
vllm:num_requests_running{model_name="m",engine="0"} 4
vllm:num_requests_running{engine="1",model_name="m"} 5
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.2
vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.6
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.9
`
	s, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if s.RequestsRunning == nil || *s.RequestsRunning != 8 || s.KVCacheUsage == nil || *s.KVCacheUsage != 0.4 {
		t.Errorf("running %v, KV %v; want 8 and 0.4", ptr(s.RequestsRunning), ptr(s.KVCacheUsage))
	}
}

// A TGI histogram written twice under one label set: its first _sum (662)
// is the prompt total. The parser (expfmt) took the last _sum (900) and
// counted the buckets of both.
func TestParseKeepsTheFirstOfARepeatedHistogram(t *testing.T) {
	var hist []string
	for line := range strings.Lines(string(fixture(t, "tgi-metrics-excerpt.txt"))) {
		if strings.HasPrefix(line, "tgi_request_input_length_") {
			hist = append(hist, line)
		}
	}
	again := strings.Replace(strings.Join(hist, ""), "tgi_request_input_length_sum 662", "tgi_request_input_length_sum 900", 1)
	page := strings.Replace(string(fixture(t, "tgi-metrics-excerpt.txt")), "tgi_request_input_length_count 109\n", "tgi_request_input_length_count 109\n"+again, 1)
	if !strings.Contains(page, "_sum 900") {
		t.Fatal("the repeated histogram is not on the page")
	}
	s, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if s.PromptTokensTotal == nil || *s.PromptTokensTotal != 662 {
		t.Errorf("prompt total %v; want 662, the first histogram's sum", ptr(s.PromptTokensTotal))
	}
}

// Parse, a Scraper's first scrape and every series' own count agree: the
// sum of the series that hold one (here engine 1's 60, engine 0 being
// negative: before, the whole family had no value).
func TestParseSumsTheSeriesThatHoldACount(t *testing.T) {
	s, err := Parse(bytes.NewReader(vllm(t, "-1", "60", "15")))
	if err != nil {
		t.Fatal(err)
	}
	if s.GenerationTokensTotal == nil || *s.GenerationTokensTotal != 75 {
		t.Errorf("generation total %v; want 75", ptr(s.GenerationTokensTotal))
	}
}

// A page cut mid-line whose body still ended cleanly (a proxy that closes
// the response at the cut with a Content-Length to match, or an engine
// that writes its page short): the generation total 12345 cut to "12" was
// read as 12, a restart from 12,000, carried as 12,000+12 and then
// 12,000+12,400 = 24,400 when the engine had done 400 more. The cut page
// is now a failed scrape that says so, and the carry goes on from the
// pages before it: 12,000, (failed), 12,400.
func TestWatchRefusesAPageCutMidLine(t *testing.T) {
	page := func(v string) []byte { return vllm(t, v) }
	whole := page("12345")
	cut := whole[:bytes.Index(whole, []byte("} 12345"))+len("} 12")]
	var got []rundir.ServerSample
	synctest.Test(t, func(t *testing.T) {
		p := pages{page("12000"), cut, page("12400")}
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &p}}
		err := Watch(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: 3}, func(s rundir.ServerSample) error {
			got = append(got, s)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(got) != 3 {
		t.Fatalf("%d samples; want 3", len(got))
	}
	if got[0].GenerationTokensTotal == nil || *got[0].GenerationTokensTotal != 12000 {
		t.Errorf("first page: generation total %v; want 12000", ptr(got[0].GenerationTokensTotal))
	}
	if !strings.Contains(got[1].Error, "no line feed") || got[1].GenerationTokensTotal != nil {
		t.Errorf("the cut page: %+v, error %q, generation total %v; want a failed scrape saying the page was cut", got[1], got[1].Error, ptr(got[1].GenerationTokensTotal))
	}
	if got[2].GenerationTokensTotal == nil || *got[2].GenerationTokensTotal != 12400 {
		t.Errorf("the page after: generation total %v; want 12400", ptr(got[2].GenerationTokensTotal))
	}
}

// The recorded vLLM pages of one server, idle and then about a second
// later busy, through a Scraper as a run reads them: every field is the
// page's own value (idle: 0 running, 0 waiting, KV 0, 48 prompt, 24
// generated, 48 prefix queries, 0 hits; busy: 1, 0, 0.38235294117647056,
// 71, 40, 71, 0), so the level's differences are the pages' (23 prompt and
// 16 generated tokens, 23 queries, no hit).
func TestWatchRecordedVLLMPagesIdleThenBusy(t *testing.T) {
	var got []rundir.ServerSample
	synctest.Test(t, func(t *testing.T) {
		p := pages{fixture(t, "vllm-metrics-v1-idle.txt"), fixture(t, "vllm-metrics-v1-busy.txt")}
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &p}}
		err := Watch(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: 2}, func(s rundir.ServerSample) error {
			got = append(got, s)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	f := func(v float64) *float64 { return &v }
	want := []rundir.ServerSample{
		{Engine: "vllm", RequestsRunning: f(0), RequestsWaiting: f(0), KVCacheUsage: f(0), PromptTokensTotal: f(48), GenerationTokensTotal: f(24), PrefixCacheQueriesTotal: f(48), PrefixCacheHitsTotal: f(0)},
		{TNS: int64(DefaultInterval), Engine: "vllm", RequestsRunning: f(1), RequestsWaiting: f(0), KVCacheUsage: f(0.38235294117647056), PromptTokensTotal: f(71), GenerationTokensTotal: f(40), PrefixCacheQueriesTotal: f(71), PrefixCacheHitsTotal: f(0)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
}
