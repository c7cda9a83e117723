package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestOneScrapeIsSingular: a level with one scrape of the server's metrics
// says "1 scrape", and a run whose only scrape failed says so without
// "all 1 scrapes".
func TestOneScrapeIsSingular(t *testing.T) {
	running := &MeanPeak{Mean: 2, Peak: 2}
	if got := serverLine(&ServerLevel{Samples: 1, RequestsRunning: running}, 0); !strings.HasPrefix(got, "server (1 scrape): ") {
		t.Errorf("serverLine = %q", got)
	}
	if got := serverLine(&ServerLevel{Samples: 3, RequestsRunning: running}, 0); !strings.HasPrefix(got, "server (3 scrapes): ") {
		t.Errorf("serverLine = %q", got)
	}
	got := allScrapesFailed([]rundir.ServerSample{{Error: "refused"}})
	if want := "the only scrape of the server's metrics failed (server.jsonl), no server metrics: refused"; got != want {
		t.Errorf("allScrapesFailed = %q; want %q", got, want)
	}
}
