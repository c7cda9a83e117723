package main

import (
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestDurationAloneIsNotCapped (issue #20 item 16): the README's open-loop
// example gives --duration without -n; it runs for that long, not until
// a default request count (it stopped after 100 requests, 6 s of 60). At
// 50 req/s for 4 s, virtual time, about 200 requests are sent: more than
// any default count of 100 would allow, and no more than the rate gives.
func TestDurationAloneIsNotCapped(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(mock.Config{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 4})
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		if _, stderr, err := runOnPipe(t.Context(), pn, "--url", "http://mock", "--model", "m", "--rate", "50", "--arrival", "constant",
			"--duration", "4s", "--no-probe", "--warmup", "0", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q"); err != nil {
			t.Fatalf("run: %v\n%s", err, stderr)
		}
	})
	sum, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := sum.Levels[0].Requests.Total; n < 190 || n > 201 {
		t.Errorf("--rate 50 --duration 4s: %d requests; want about 200 (the duration alone bounds the level)", n)
	}
}
