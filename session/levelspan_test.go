package session

import (
	"io"
	"math"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestSlowOpenLevelRatesOverItsTime: an open level at 0.0001 req/s with
// constant arrivals that runs 8 s sends one request, at its start, on a
// fixed mock (TTFT 50 ms, 8 tokens 10 ms apart: done at 0.12 s). run.json
// records the level's time, 0–8 s, and summary.json's rates are over it:
// 1/8 req/s and 8/8 output tok/s, where over the request's own send→done
// they read 8.3 req/s and 67 tok/s.
func TestSlowOpenLevelRatesOverItsTime(t *testing.T) {
	var m *rundir.Manifest
	var sum *report.Summary
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Dial = fixedMockBubble(t, 50*time.Millisecond, 10*time.Millisecond, 8)
		o.Precision, o.Concurrency, o.Requests = 0, 0, 0
		o.Rates, o.Arrival, o.Duration = []float64{0.0001}, loadgen.ArrivalConstant, 8*time.Second
		if _, err := Run(t.Context(), t.Context(), o, io.Discard); err != nil {
			t.Fatal(err)
		}
		var err error
		if m, err = rundir.ReadManifest(o.Out); err != nil {
			t.Fatal(err)
		}
		if sum, err = report.ReadSummary(filepath.Join(o.Out, rundir.SummaryFile)); err != nil {
			t.Fatal(err)
		}
	})
	if len(m.Levels) != 1 || !m.Levels[0].Open || m.Levels[0].Level != 0.0001 {
		t.Fatalf("run.json levels %+v; want the one open level", m.Levels)
	}
	ran := float64(m.Levels[0].EndNS-m.Levels[0].StartNS) / 1e9
	if math.Abs(ran-8) > 0.01 {
		t.Errorf("the level ran %v s; want 8", ran)
	}
	l := sum.Levels[0]
	if l.Requests.OK != 1 || math.Abs(l.RequestsPerS-1/ran) > 1e-9 || math.Abs(l.OutputTokensPerS-8/ran) > 1e-9 {
		t.Errorf("%d ok, %v req/s, %v out tok/s; want 1, %v and %v", l.Requests.OK, l.RequestsPerS, l.OutputTokensPerS, 1/ran, 8/ran)
	}
}
