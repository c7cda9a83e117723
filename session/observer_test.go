package session

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// recorder is an Observer that writes down what it is told, in order.
type recorder struct {
	mu       sync.Mutex
	events   []string // started, level N, done N, end STATE (records apart)
	ids      map[uint64]int
	recLevel map[uint64]float64
	running  float64 // level started last, -1 between levels
	outside  int     // records seen while no level was running
	plans    []LevelPlan
	client   int
	gpu      int
	server   int
	streams  int
	start    time.Time
}

func newRecorder() *recorder {
	return &recorder{ids: map[uint64]int{}, recLevel: map[uint64]float64{}, running: -1}
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) Started(t time.Time) { r.start = t; r.add("started") }

func (r *recorder) LevelStarted(p LevelPlan) {
	r.mu.Lock()
	r.plans = append(r.plans, p)
	r.running = p.Level
	r.mu.Unlock()
	r.add(fmt.Sprintf("level %g", p.Level))
}

func (r *recorder) Record(rec *rundir.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[rec.ID]++
	r.recLevel[rec.ID] = rec.Level
	if r.running != rec.Level {
		r.outside++
	}
}

func (r *recorder) Client(rundir.ClientSample) { r.mu.Lock(); r.client++; r.mu.Unlock() }
func (r *recorder) GPU([]rundir.GPUSample)     { r.mu.Lock(); r.gpu++; r.mu.Unlock() }
func (r *recorder) Server(rundir.ServerSample) { r.mu.Lock(); r.server++; r.mu.Unlock() }

func (r *recorder) LevelFinished(level float64, _ *report.Level) {
	r.mu.Lock()
	r.running = -1
	r.mu.Unlock()
	r.add(fmt.Sprintf("done %g", level))
}

func (r *recorder) Stopping(grace time.Duration) { r.add("stopping " + grace.String()) }
func (r *recorder) End(exit rundir.ExitState)    { r.add("end " + string(exit)) }

func (r *recorder) Track(t targets.Target) targets.Target { return countingTarget{t, r} }

type countingTarget struct {
	t targets.Target
	r *recorder
}

func (c countingTarget) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	c.r.mu.Lock()
	c.r.streams++
	c.r.mu.Unlock()
	return c.t.Stream(ctx, req, on)
}

// TestObserverSeesTheRun: over a two-level sweep of the mock with GPU and
// server telemetry, an observer is told the start, each level's start and
// end in order with its plan, every record of requests.jsonl exactly once
// while its level runs, the telemetry samples, and the end once, last; its
// target carries every request. A live.State fed beside it ends with the
// summary's counts.
func TestObserverSeesTheRun(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 4, TTFT: 2 * time.Millisecond, ITL: time.Millisecond})
	dir := filepath.Join(t.TempDir(), "run")
	rec := newRecorder()
	st := live.New(live.Options{})
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Sweep: []int{1, 3}, Requests: 12, Warmup: 2,
		MaxTokens: 4, PromptTokens: 4, Timeout: 10 * time.Second, Out: dir, GPUBackend: "mock", ServerMetrics: srv.URL + "/metrics",
		GPUInterval: 20 * time.Millisecond, NoProbe: true, Observers: []Observer{rec, Live(st)}}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	want := []string{"started", "level 1", "done 1", "level 3", "done 3", "end complete"}
	if strings.Join(rec.events, ", ") != strings.Join(want, ", ") {
		t.Errorf("events %q; want %q", rec.events, want)
	}
	if !rec.start.Equal(res.Manifest.Start) {
		t.Errorf("Started(%v); run.json start %v", rec.start, res.Manifest.Start)
	}
	for i, p := range rec.plans {
		if w := (LevelPlan{Level: float64(o.Sweep[i]), Profile: "sweep", Requests: 12, Warmup: 2, Streams: float64(o.Sweep[i])}); p != w {
			t.Errorf("plan %d: %+v; want %+v", i, p, w)
		}
	}
	f, err := os.Open(filepath.Join(dir, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var written []*rundir.Record
	for r, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, r)
	}
	if len(written) != 28 || len(rec.ids) != len(written) {
		t.Errorf("observer saw %d records, requests.jsonl holds %d; want 28 each", len(rec.ids), len(written))
	}
	for _, w := range written {
		if n := rec.ids[w.ID]; n != 1 || rec.recLevel[w.ID] != w.Level {
			t.Errorf("record %d (level %g) seen %d times at level %g; want once at its level", w.ID, w.Level, n, rec.recLevel[w.ID])
		}
	}
	if rec.outside != 0 {
		t.Errorf("%d records arrived outside their level's start and end", rec.outside)
	}
	if rec.streams != len(written) {
		t.Errorf("the tracked target carried %d requests; want %d", rec.streams, len(written))
	}
	if rec.client < 2 || rec.gpu < 1 || rec.server < 1 {
		t.Errorf("telemetry seen: client %d, gpu %d, server %d; want ≥ 2, ≥ 1, ≥ 1", rec.client, rec.gpu, rec.server)
	}
	snap := st.Snapshot()
	var ok int
	for _, l := range res.Summary.Levels {
		ok += l.Requests.OK
	}
	if snap.OK != int64(ok) || ok != 24 || snap.ExitState != "complete" {
		t.Errorf("live state: ok %d exit %q; summary ok %d (want 24), complete", snap.OK, snap.ExitState, ok)
	}
}

// TestStoppingIsSaid: the first Ctrl-C (drain's end) in the middle of a
// level is said at once: on the log ("stopping", the grace, that a second
// Ctrl-C cancels) and to the observers (the live line shows "stopping"
// instead of an ETA), once, between the level's start and its end. Before,
// nothing was said until the run had ended, and the live line went on
// counting down its ETA while the requests in flight finished.
func TestStoppingIsSaid(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Precision, o.Duration, o.Requests, o.Grace = 0, time.Minute, 0, 3*time.Second
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 8)
		rec := newRecorder()
		o.Observers = []Observer{rec}
		drain, stop := context.WithCancelCause(t.Context())
		time.AfterFunc(50*time.Millisecond, func() { stop(testSignal{}) })
		var log strings.Builder
		res, err := Run(t.Context(), drain, o, &log)
		if err != nil || res.Manifest.ExitState != rundir.ExitInterrupted {
			t.Fatalf("run: %v; want interrupted\n%s", err, log.String())
		}
		want := []string{"started", "level 4", "stopping 3s", "done 4", "end interrupted"}
		if strings.Join(rec.events, ", ") != strings.Join(want, ", ") {
			t.Errorf("events %q; want %q", rec.events, want)
		}
		line := "inferbench: stopping (interrupted by signal interrupt): no new requests; those in flight have up to 3s (--grace), Ctrl-C again cancels them"
		if !strings.Contains(log.String(), line+"\n") {
			t.Errorf("log:\n%s\nwant the line %q", log.String(), line)
		}
	})
	synctest.Test(t, func(t *testing.T) { // not stopped: nothing said
		rec := newRecorder()
		o := adaptiveOptions(t, "http://mock")
		o.Precision, o.Requests = 0, 8
		o.Dial = fixedMockBubble(t, time.Millisecond, time.Millisecond, 2)
		o.Observers = []Observer{rec}
		log := runLogged(t, o)
		if strings.Contains(strings.Join(rec.events, ","), "stopping") || strings.Contains(log, "stopping") {
			t.Errorf("a run not stopped: events %q, log %q", rec.events, log)
		}
	})
}

// testSignal is what main's first Ctrl-C cancels drain with: it says what
// happened and is context.Canceled.
type testSignal struct{}

func (testSignal) Error() string { return "interrupted by signal interrupt" }
func (testSignal) Unwrap() error { return context.Canceled }

// TestBisectWithoutSLOIsSaid: --bisect over a sweep without an SLO has no
// passing and failing level to bisect between: the run says so instead of
// running the sweep as if bisection had been asked and done nothing.
func TestBisectWithoutSLOIsSaid(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Precision, o.Requests, o.Concurrency, o.Sweep, o.BisectSteps = 0, 4, 0, []int{1, 2}, 2
		o.Dial = fixedMockBubble(t, time.Millisecond, time.Millisecond, 2)
		log := runLogged(t, o)
		if !strings.Contains(log, "inferbench: note: --bisect 2 needs an SLO (--slo-ttft, --slo-tpot, --slo-e2e, --slo-itl) to tell a passing level from a failing one: no level is bisected\n") {
			t.Errorf("log:\n%s\nwant the note that --bisect needs an SLO", log)
		}
	})
}

// TestAdaptiveHeaderSaysHowLevelsStop: the run's header says that an
// adaptive level stops at its precision, between its judged-request bounds;
// it said "1000 requests (+0 warm-up) per level", a count no level runs to.
func TestAdaptiveHeaderSaysHowLevelsStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.MaxRequests = 60
		o.Dial = fixedMockBubble(t, time.Millisecond, time.Millisecond, 2)
		log := runLogged(t, o)
		if !strings.Contains(log, "concurrency [4], each level stopped at ±5% (50–60 judged requests) (+0 warm-up) → ") {
			t.Errorf("log:\n%s\nwant the adaptive header", log)
		}
	})
}

// runLogged runs o to its end and returns what it wrote on its log.
func runLogged(t *testing.T, o *Options) string {
	t.Helper()
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
		t.Fatal(err)
	}
	return log.String()
}
