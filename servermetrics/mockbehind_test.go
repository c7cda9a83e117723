package servermetrics

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// mockPage is a page of inferbench's mock engine: vLLM's names (the
// recorded V1 page) and the mock's own behind-schedule counter at behind
// seconds, as mock/metrics.go writes it.
func mockPage(t *testing.T, behind string) []byte {
	t.Helper()
	page := fixture(t, "vllm-metrics-v1-busy.txt")
	return fmt.Appendf(page, "# HELP %s Seconds the simulated engine fell behind its schedule.\n# TYPE %s counter\n%s{engine=\"0\",model_name=\"llama-3-8b\"} %s\n",
		MockBehindFamily, MockBehindFamily, MockBehindFamily, behind)
}

// The mock's behind-schedule counter is read into SimBehindSecondsTotal;
// a real engine's page has none (nil: nothing to say, not a zero).
func TestParseMockBehindSchedule(t *testing.T) {
	got, err := Parse(bytes.NewReader(mockPage(t, "1.25")))
	if err != nil {
		t.Fatal(err)
	}
	if got.Engine != EngineVLLM || got.SimBehindSecondsTotal == nil || *got.SimBehindSecondsTotal != 1.25 {
		t.Errorf("engine %q, sim behind %v; want vllm and 1.25", got.Engine, got.SimBehindSecondsTotal)
	}
	if *got.GenerationTokensTotal != 40 {
		t.Errorf("generation %v: the vLLM families must read as before", *got.GenerationTokensTotal)
	}
	real, err := Parse(bytes.NewReader(fixture(t, "vllm-metrics-v1-busy.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if real.SimBehindSecondsTotal != nil {
		t.Errorf("real vLLM page: sim behind %v, want absent", *real.SimBehindSecondsTotal)
	}
}

// The behind-schedule seconds are a counter: a mock restarted mid-run
// starts it again from 0, and a Scraper carries it over the drop, as it
// does the token counters, so that a level's difference is the time lost
// in it (0.5, 2.0, (failed scrape), restart at 0.25 → 2.25, 1.0 → 3.0).
func TestScraperCarriesMockBehindOverARestart(t *testing.T) {
	ps := pages{mockPage(t, "0.5"), mockPage(t, "2.0"), nil, mockPage(t, "0.25"), mockPage(t, "1.0")}
	want := []float64{0.5, 2.0, -1, 2.25, 3.0}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://mock/metrics", Client: &http.Client{Transport: &ps}}
		var got []float64
		err := Watch(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: len(want)}, func(s rundir.ServerSample) error {
			switch {
			case s.Error != "":
				got = append(got, -1)
			case s.SimBehindSecondsTotal == nil:
				got = append(got, -2)
			default:
				got = append(got, *s.SimBehindSecondsTotal)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sim behind totals %v; want %v", got, want)
		}
	})
}
