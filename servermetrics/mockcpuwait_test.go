package servermetrics

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// The mock's CPU-wait seconds are a counter: a mock restarted mid-run
// starts it again from 0 and a Scraper carries it over the drop, so that a
// level's difference is the wait in it (0.5, 2.0, (failed), restart at
// 0.25 → 2.25, 1.0 → 3.0); a real engine's page has none (nil).
func TestScraperCarriesMockCPUWaitOverARestart(t *testing.T) {
	page := func(v string) []byte {
		return fmt.Appendf(fixture(t, "vllm-metrics-v1-busy.txt"), "# HELP %s Seconds waiting for a CPU.\n# TYPE %s counter\n%s{engine=\"0\",model_name=\"llama-3-8b\"} %s\n",
			MockCPUWaitFamily, MockCPUWaitFamily, MockCPUWaitFamily, v)
	}
	ps := pages{page("0.5"), page("2.0"), nil, page("0.25"), page("1.0"), fixture(t, "vllm-metrics-v1-busy.txt")}
	want := []float64{0.5, 2.0, -1, 2.25, 3.0, -2}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://mock/metrics", Client: &http.Client{Transport: &ps}}
		var got []float64
		err := Watch(t.Context(), sc.Scrape, time.Now(), WatchConfig{Count: len(want)}, func(s rundir.ServerSample) error {
			switch {
			case s.Error != "":
				got = append(got, -1)
			case s.MockCPUWaitSecondsTotal == nil:
				got = append(got, -2)
			default:
				got = append(got, *s.MockCPUWaitSecondsTotal)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("mock CPU wait totals %v; want %v", got, want)
		}
	})
}
