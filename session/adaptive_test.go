package session

import (
	"context"
	"math"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/adaptive"
	"github.com/inferbench/inferbench/internal/pipetest"
	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// fixedMockBubble serves the fixed-timing mock on pipes; call it inside a
// synctest bubble and set the returned dialer as Options.Dial.
func fixedMockBubble(t *testing.T, ttft, itl time.Duration, tokens int) Dialer {
	t.Helper()
	m, err := mock.New(mock.Config{TTFT: ttft, ITL: itl, OutputTokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	return serveBubble(t, m)
}

// serveBubble serves h on pipes; call it inside a synctest bubble and set
// the returned dialer as Options.Dial.
func serveBubble(t *testing.T, h http.Handler) Dialer {
	t.Helper()
	return pipetest.Serve(t, h).Dial
}

// adaptiveOptions is a closed-loop run of 4 streams with a fixed budget of
// 1,000 requests per level, stopped adaptively at ±5 %.
func adaptiveOptions(t *testing.T, url string) *Options {
	return &Options{Kind: "vllm", URL: url, Model: "m", API: "chat", Concurrency: 4, Requests: 1000, MaxTokens: 8, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none", ServerMetrics: "off",
		GPUInterval: 50 * time.Millisecond, NoProbe: true, Precision: 0.05}
}

// runAdaptive runs o and returns run.json's adaptive section, checking it
// is the one summary.json repeats (the round trip through both files).
func runAdaptive(t *testing.T, o *Options) (*rundir.Adaptive, *report.Summary, string) {
	t.Helper()
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	m, err := rundir.ReadManifest(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := report.ReadSummary(filepath.Join(o.Out, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Adaptive == nil || !reflect.DeepEqual(m.Adaptive, sum.Adaptive) || !reflect.DeepEqual(m.Adaptive, res.Manifest.Adaptive) {
		t.Fatalf("run.json adaptive %+v\nsummary.json adaptive %+v\nin memory %+v\nwant one and the same", m.Adaptive, sum.Adaptive, res.Manifest.Adaptive)
	}
	return m.Adaptive, sum, log.String()
}

// TestAdaptiveLevelStopsWhenPrecise: under fixed timing the output tok/s
// interval is exact, so the level stops as precise at its first look (50
// judged requests) instead of running its 1,000: the decision, the options
// and the spend are in run.json and summary.json.
func TestAdaptiveLevelStopsWhenPrecise(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 8)
		stopsWhenPrecise(t, o)
	})
}

func stopsWhenPrecise(t *testing.T, o *Options) {
	a, sum, log := runAdaptive(t, o)
	if a.Precision != 0.05 || a.MinRequests != 50 || a.MaxRequests != 1000 || a.Confidence != 0.95 || a.Search || a.Boundary < 2 {
		t.Errorf("options %+v; want precision 0.05, 50 → 1000 requests, 95%%, no search, a boundary > 2", a)
	}
	if len(a.Levels) != 1 {
		t.Fatalf("levels %+v; want one", a.Levels)
	}
	l := a.Levels[0]
	// The 4 streams complete together, 4 at a time, in an order of their
	// own: the look at 50 judged comes with the 50th to 53rd completion
	// (one completed out of schedule order waits to be judged).
	if l.Reason != "precise" || l.Judged < 50 || l.Judged > 53 || l.N < l.Judged || l.N > 53 || l.Looks != 1 || l.Verdict != "unjudged" || l.Saturated {
		t.Errorf("decision %+v; want precise at the first look, 50–53 judged, unjudged (no SLO)", l)
	}
	// 4 streams of 8 tokens each taking 5 + 7·1 ms: 4·8/12 ms = 2,667 tok/s
	// exactly, as is every request, so the interval has no width.
	var tps rundir.Interval
	for _, x := range l.Intervals {
		if x.Name == "output tokens/s" {
			tps = x
		}
	}
	if tps.Lo == nil || tps.Hi == nil || math.Abs(tps.Value-32.0/12*1000) > 0.01 || *tps.Hi-*tps.Lo > 0.01 {
		t.Errorf("output tok/s %+v; want exactly 2,666.67 with no width", tps)
	}
	// The requests in flight at the stop complete: at most 3 more.
	got := sum.Levels[0].Requests.Total
	if got < l.N || got > l.N+3 {
		t.Errorf("summary: %d measured requests; want the %d judged plus at most the 3 in flight", got, l.N)
	}
	sp := a.Spend
	if sp == nil || sp.Requests != got || sp.FixedRequests != 1000 || sp.FixedBudgetRequests != 1000 || !(sp.Saved > 0.9) ||
		len(sp.Levels) != 1 || sp.FixedWallS <= sp.WallS {
		t.Errorf("spend %+v; want %d requests against a fixed 1,000, over 90%% saved", sp, got)
	}
	if !strings.Contains(log, "level 4: stopped (precise) at 5") {
		t.Errorf("log does not say how the level stopped:\n%s", log)
	}
}

// TestAdaptiveCertainFail: a TTFT p95 threshold of 1 ms against a fixed
// 5 ms TTFT is certainly missed at the first look: the level stops as
// verdict certain, fail.
func TestAdaptiveCertainFail(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 8)
		o.SLO = report.SLO{TTFT: time.Millisecond}
		a, _, _ := runAdaptive(t, o)
		l := a.Levels[0]
		if l.Reason != "verdict certain" || l.Verdict != "fail" || !l.Certain || l.Looks != 1 {
			t.Errorf("decision %+v; want a certain fail at the first look", l)
		}
		if iv := l.Intervals; len(iv) == 0 || iv[0].Name != "TTFT p95" || iv[0].Limit != 1 || iv[0].Value != 5 || iv[0].Lo == nil || *iv[0].Lo != 5 {
			t.Errorf("intervals %+v; want TTFT p95 first: exactly 5 ms, its limit 1 ms", iv)
		}
	})
}

// TestAdaptiveSaturationEndsSweep: open loop against a server held to one
// request in flight (--max-concurrency 1) of 20 ms: it serves 50 req/s. At
// 20 req/s the level keeps up; at 200 and 400 it cannot (saturated, the
// second confirming); 800 is not run. The spend prices the level not run.
func TestAdaptiveSaturationEndsSweep(t *testing.T) {
	synctest.Test(t, saturationEndsSweep)
}

func saturationEndsSweep(t *testing.T) {
	o := adaptiveOptions(t, "http://mock")
	o.Dial = fixedMockBubble(t, 20*time.Millisecond, 0, 1)
	o.Concurrency, o.Rates, o.MaxConcurrency, o.MaxTokens, o.MinRequests, o.Duration = 0, []float64{20, 200, 400, 800}, 1, 1, 20, 20*time.Second
	a, sum, _ := runAdaptive(t, o)
	var levels []float64
	for _, l := range a.Levels {
		levels = append(levels, l.Level)
	}
	if !reflect.DeepEqual(levels, []float64{20, 200, 400}) {
		t.Fatalf("levels run %v (%+v); want 20, 200, 400: the sweep stops after a confirmed saturation", levels, a.Levels)
	}
	if l := a.Levels[0]; l.Saturated {
		t.Errorf("20 req/s: %+v; want not saturated (40%% load)", l)
	}
	for _, l := range a.Levels[1:] {
		if !l.Saturated || l.Reason != "saturated" || l.Verdict != "fail" {
			t.Errorf("%g req/s: %+v; want saturated, failing", l.Level, l)
		}
	}
	if !strings.Contains(a.Ended, "saturated at 200, confirmed at 400") {
		t.Errorf("ended %q; want the confirmed saturation", a.Ended)
	}
	if len(sum.Levels) != 3 || len(a.Spend.Levels) != 4 || !a.Spend.Levels[3].Skipped || a.Spend.SkippedFixedWallS <= 0 {
		t.Errorf("summary levels %d, spend %+v; want 3 levels run and the 4th priced as skipped", len(sum.Levels), a.Spend)
	}
}

// TestAdaptiveRefusesTraceAndShards: a trace replay or a shard cannot stop
// adaptively; the run is refused before anything is written.
func TestAdaptiveRefusesTraceAndShards(t *testing.T) {
	o := adaptiveOptions(t, "http://127.0.0.1:1")
	o.Shard = rundir.Shard{Index: 0, Count: 2}
	if _, err := Run(t.Context(), t.Context(), o, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "sharded") {
		t.Errorf("sharded: %v; want refused", err)
	}
	o.Shard = rundir.Shard{}
	o.MinRequests, o.MaxRequests = 500, 100
	if _, err := Run(t.Context(), t.Context(), o, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "--precision") {
		t.Errorf("min above max: %v; want an input error", err)
	}
}

// TestAdaptiveInterrupted: a drain (Ctrl-C) in the middle of an adaptive
// level ends it as "run stopped", before its first look; run.json still gets the
// adaptive section and says interrupted.
func TestAdaptiveInterrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 8)
		drain, stop := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, stop) // 4 waves of 12 ms: 16 done
		var log strings.Builder
		res, err := Run(t.Context(), drain, o, &log)
		if err != nil || res == nil || res.Manifest.ExitState != rundir.ExitInterrupted {
			t.Fatalf("run: %v, %+v; want interrupted\n%s", err, res, log.String())
		}
		m, err := rundir.ReadManifest(o.Out)
		if err != nil || m.Adaptive == nil || len(m.Adaptive.Levels) != 1 {
			t.Fatalf("run.json: %v, adaptive %+v; want one level", err, m.Adaptive)
		}
		if l := m.Adaptive.Levels[0]; l.Reason != "run stopped" || l.N < 12 || l.N > 20 {
			t.Errorf("decision %+v; want run stopped after about 16 requests", l)
		}
	})
}

// TestDecisionLine: the stop line puts the judged count beside the
// latency percentiles that rest on it (the level's row, printed after the
// requests in flight complete, counts them all), or after the verdict when
// there are none.
func TestDecisionLine(t *testing.T) {
	d := adaptive.Decision{Reason: adaptive.StopCertain, Verdict: adaptive.Fail, Certain: true, N: 146, Judged: 134,
		Latency:    []adaptive.Estimate{{Name: "TTFT p95", Value: 1473, Lo: 1372, Hi: 1575}},
		Throughput: adaptive.Estimate{Name: "output tokens/s", Value: 1957, Lo: 1597, Hi: 2316}}
	want := "stopped (verdict certain) at 146 completed requests, level 14.0 s: FAIL, certain; of the 134 judged, TTFT p95 1473 ms [1372, 1575]; output tokens/s 1957 [1597, 2316]"
	if got := decisionLine(d, 14*time.Second); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	d.Latency = nil
	want = "stopped (verdict certain) at 146 completed requests, level 14.0 s: FAIL, certain (134 judged); output tokens/s 1957 [1597, 2316]"
	if got := decisionLine(d, 14*time.Second); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
