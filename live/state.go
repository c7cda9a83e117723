// Package live shows a run while it runs. A [State] is fed from the run —
// levels starting and finishing, each completed Record, client, GPU and
// server telemetry — and hands out plain [Snapshot] values. Three views read
// it: the terminal progress lines ([Render], driven by [Progress]), an HTTP
// server with a self-contained live page, Server-Sent Events and the run's
// own Prometheus metrics ([Start]), and [Follow], which feeds a State from a
// run directory another process is writing.
//
// Every number comes from report's definitions: per-request values from
// report.PerRequest and report.SendLagMS, percentiles by report.QuantileOf
// (type 7), level results from report.Level and report.MeetsSLO, the
// client-bound verdict from report.SummarizeClient. What this package adds is
// the rolling window (docs/live.md): the requests completed within the last
// Window (5 s by default), by their done_ns, of the running level.
package live

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Defaults for Options fields left zero.
const (
	// DefaultWindow is the span of the rolling numbers: long enough to hold
	// a few requests at low load, short enough to show a level saturating.
	DefaultWindow = 5 * time.Second
	// DefaultStreamedWindow is the span of the streamed tokens/s: short,
	// so that the rate follows the present — it reads a level's rate 2 s
	// after the start spread's ramp ends, not 5 — yet long enough that a
	// single stream's pauses between requests move it a few % (±7 % on the
	// mock, ±15 % over 1 s; docs/live.md, "Why 2 s").
	DefaultStreamedWindow = 2 * time.Second
	// DefaultWindowCap bounds the requests the rolling window keeps (48
	// bytes each: 3 MB). Past it the window holds the most recent DefaultWindowCap
	// requests and its rates divide by the time they cover.
	DefaultWindowCap = 1 << 16
	// DefaultRun names a run whose Options.Run is empty.
	DefaultRun = "run"
)

// disorderNS is how far out of done_ns order records may arrive (workers
// hand them over as they finish, a few µs apart): a scan of the window stops
// at the first record this much older than the window.
const disorderNS = int64(time.Second)

// Options configure a State.
type Options struct {
	// Run names the run: the run label of every Prometheus series and the
	// live page's title. Empty means DefaultRun.
	Run string
	// Start is the run's time origin: records' offsets count from it. Zero
	// means the time New is called.
	Start time.Time
	// SLO judges each level's result (report.MeetsSLO); zero shows none.
	SLO report.SLO
	// Window is the span of the rolling numbers; 0 means DefaultWindow.
	Window time.Duration
	// WindowCap bounds the requests kept for the window; 0 means DefaultWindowCap.
	WindowCap int
	// StreamedWindow is the span of the streamed tokens/s
	// (Rolling.StreamedTokensPerS); 0 means DefaultStreamedWindow.
	StreamedWindow time.Duration
}

// LevelPlan is what a level is set to do: the progress line counts toward
// Requests + Warmup, or toward Duration.
type LevelPlan struct {
	// Level is the load level: what it counts, Profile says.
	Level float64 `json:"level"`
	// Profile says what Level counts, as run.json's load.profile names
	// it: "concurrency" or "sweep", a closed loop's streams; "rate", the
	// requests per second an open loop offers; "trace", a trace replayed
	// at its own times (Level 0). "" where the run does not say: the bare
	// number is shown.
	Profile string `json:"profile,omitempty"`
	// Sessions: the level's requests are turns of multi-turn sessions, so
	// an open loop's rate is of new sessions. A level's first record of a
	// turn sets it too.
	Sessions bool `json:"sessions,omitempty"`
	// Requests is the number of measured requests; 0: no count limit.
	Requests int `json:"requests,omitempty"`
	// Warmup is the number of warm-up requests sent first.
	Warmup int `json:"warmup,omitempty"`
	// Duration bounds the level's sending time; 0: no time limit.
	Duration time.Duration `json:"duration_ns,omitempty"`
	// SpreadProbe: the level starts with the auto spread's probe, one
	// request sent alone and never measured (loadgen.AutoSpread); its
	// workers, and its Duration, start when the probe ends.
	SpreadProbe bool `json:"spread_probe,omitempty"`
	// RampUp is the open-loop rate's ramp-up (0: none, or a closed loop):
	// the level's steady state starts after it (report.SteadyAcc.SetRampUp).
	RampUp time.Duration `json:"ramp_up_ns,omitempty"`
	// LastDue is when the level's last request is due, from the start of
	// its window (a little after the level's), where the schedule says it
	// ahead (a trace); 0 otherwise. The ETA counts down to it: a trace's
	// pace so far says nothing of a quiet span ahead in it.
	LastDue time.Duration `json:"last_due_ns,omitempty"`
	// Streams is the closed loop's streams at the level (report.Streams:
	// the level, or a shard's share of it); 0 for an open loop (a rate, a
	// trace) or where the run does not say. A level the State judges
	// itself checks its client for idle streams against it, as the
	// summary does (report.SummarizeClient's streams).
	Streams float64 `json:"streams,omitempty"`
}

// Total is the number of requests the level will complete, 0 when it is
// bounded by time only.
func (p LevelPlan) Total() int {
	if p.Requests == 0 {
		return 0
	}
	return p.Requests + p.Warmup
}

// Label is the level as it was set, with what it counts, in report's
// words for a run's levels ("concurrent streams", "requests per second
// offered"): "16 streams" (--concurrency, --sweep), "2 req/s" (--rate),
// "2 sessions/s" (--rate of multi-turn sessions: the rate is of new
// sessions), "trace"; the bare number where the plan does not say.
func (p LevelPlan) Label() string {
	n := strconv.FormatFloat(p.Level, 'g', -1, 64)
	switch p.Profile {
	case "concurrency", "sweep":
		return n + " " + plural(p.Level, "stream", "streams")
	case "rate":
		if p.Sessions {
			return n + " " + plural(p.Level, "session/s", "sessions/s")
		}
		return n + " req/s"
	case "trace":
		return "trace"
	}
	return n
}

// Name is how a line names the level: "level 2 req/s", "level 16
// streams", "trace".
func (p LevelPlan) Name() string {
	if p.Profile == "trace" {
		return "trace"
	}
	return "level " + p.Label()
}

// unit is what a column of levels like p's is headed with, its cells the
// bare numbers: "streams", "req/s"; "" where the levels are no number (a
// trace), the plan does not say, or the words do not fit the column (new
// sessions per second).
func (p LevelPlan) unit() string {
	switch {
	case p.Profile == "concurrency" || p.Profile == "sweep":
		return "streams"
	case p.Profile == "rate" && !p.Sessions:
		return "req/s"
	}
	return ""
}

// plural is one or many, as v is 1 or not.
func plural(v float64, one, many string) string {
	if v == 1 {
		return one
	}
	return many
}

// entry is one completed request in the rolling window.
type entry struct {
	done                   int64
	ttft, tpot, lag        float64
	out                    int64
	level                  int32
	ok, hasTPOT, lagCounts bool
	// attempt marks a retried attempt: its send lag counts (report.SendLagMS),
	// it is not a completed request.
	attempt bool
}

// levelAcc accumulates one level.
type levelAcc struct {
	plan     LevelPlan
	startNS  int64
	endNS    int64
	implicit bool // started by its first record, not by LevelStarted
	running  bool
	// firstSent is the earliest send of the level's records (-1: none).
	firstSent int64
	// beganNS is when LevelStarted started the level, for marking it on
	// a chart (startNS moves to a spread probe's end); a level known only
	// from its records began at firstSent (LevelSnapshot.BeganNS).
	beganNS int64
	// probing: the level's spread probe has not ended yet; its clock
	// (startNS) moves to the probe's end when it does.
	probing bool
	// workSent is the earliest send of the level's records other than the
	// probe (-1: none): where a followed run's level starts.
	workSent int64
	// done counts completed requests (warm-up included, retried attempts not);
	// lastDone is when the latest of them completed.
	done, warmupDone, lastDone int64
	// Measured stage, as report counts it; resent: the requests the HTTP
	// client sent again on its own (report.ResentByClient).
	ok, failed, retried, resent int64
	outTok                      int64
	span                        report.Span
	// ran is the time the level ran as run.json's levels say it, for a
	// level known from its records (a followed run; LevelSpan).
	ran *rundir.LevelSpan
	// Values of measured successful requests, for a level result computed
	// here (LevelFinished without a summary); released when it finishes.
	ttft, tpot, e2e values
	// For its client verdict (report.SummarizeClient), as report keeps
	// them: the send lags of the measured first attempts, the time the
	// measured requests held their workers (report.BusyMS: the mean in
	// flight) and whether any was a turn of a multi-turn session.
	lag      values
	busyMS   float64
	sessions bool
	// clientFrom is the earliest the level's measured requests can have
	// been sent: the client samples from the one before it are kept while
	// the level runs, for its client verdict.
	clientFrom int64
	result     *Result
	finished   int // 1 for the first level to finish, 2 for the next…
	// steady gathers the level's steady state (report.SteadyAcc), for
	// the same rates as report's.
	steady report.SteadyAcc
	look   *Look // an adaptive level's last look (adaptive.go)
	// tok0 is the streamed-token count when the level started: its
	// streamed rate never reaches back into the level before.
	tok0 tokSample
}

// clock moves the level's start, the origin of its progress clock and
// ETA, by r: to the end of the spread probe, when the level's workers and
// its duration start (the probe's seconds are no part of the level's
// --duration: a 3 s level read 0:05/0:03 at its end); for a level known
// only from its records (a followed run), to its earliest send after the
// probe, or the probe's end while there is none.
func (a *levelAcc) clock(r *rundir.Record) {
	if r.Stage == rundir.StageProbe {
		if a.probing || a.implicit && a.workSent < 0 {
			a.startNS = max(r.DoneNS, r.EndNS)
		}
		a.probing = false
		return
	}
	if a.workSent < 0 || r.SentNS < a.workSent {
		a.workSent = r.SentNS
		if a.implicit {
			a.startNS = r.SentNS
		}
	}
}

// tokSample is the streamed-token counter (State.streamed) read at ns.
type tokSample struct{ ns, tok int64 }

// values holds float64s in fixed blocks: appending never copies what it
// holds, where a growing slice would copy a level's million values a few
// times over (most of Add's time in BenchmarkAdd before). all copies them
// once, when the level is judged.
type values struct{ blocks [][]float64 }

const valuesBlock = 4096

func (v *values) add(x float64) {
	if n := len(v.blocks); n == 0 || len(v.blocks[n-1]) == valuesBlock {
		v.blocks = append(v.blocks, make([]float64, 0, valuesBlock))
	}
	last := &v.blocks[len(v.blocks)-1]
	*last = append(*last, x)
}

func (v *values) all() []float64 {
	out := make([]float64, 0, len(v.blocks)*valuesBlock)
	for _, b := range v.blocks {
		out = append(out, b...)
	}
	return out
}

// State is the live state of one run. Its feed methods (LevelStarted, Add,
// Client, GPU, Server, LevelFinished, End) are safe for concurrent use and
// cheap: Add takes one short mutex and does not allocate (but for a 32 KB
// block of values every 4,096 measured requests). Snapshot does the
// work (percentiles over the window) and is meant to be called about once a
// second per view.
type State struct {
	opt    Options
	start  time.Time
	now    func() int64 // ns offset from start
	window int64
	// streamWin is Options.StreamedWindow in ns.
	streamWin int64

	inFlight atomic.Int64
	// streamed counts the tokens of every token-bearing chunk the tracked
	// target delivered (track.go), as they arrive: the live view's
	// streamed rate is its slope. Striped (counter.go): it is added to
	// for every chunk of every request.
	streamed tokenCounter
	shift    atomic.Int64 // ns from Options.Start to the start set by SetStart
	tracked  atomic.Bool
	curLevel atomic.Uint64 // float64 bits of the level last started
	// curProfile is that level's LevelPlan.Profile (a string), what the
	// level counts.
	curProfile atomic.Value

	mu       sync.Mutex
	ring     []entry
	head, n  int
	levels   []*levelAcc
	ok, fail int64
	retried  int64
	errors   map[rundir.ErrorClass]int64
	outTok   int64
	allDone  int64 // completed requests of every stage
	allOut   int64 // their output tokens, successful ones
	// lastRecNS is the latest done of any record (recSeen: any came).
	lastRecNS int64
	recSeen   bool
	clients   []rundir.ClientSample
	// boundNS is when the window last judged the client bound (0: never),
	// boundWhy why (clientBound).
	boundNS  int64
	boundWhy []string
	gpus     map[int]rundir.GPUSample
	server   *rundir.ServerSample
	ended    bool
	endNS    int64
	exit     string
	// stopNS is when the run was told to stop (Stopping), 0 before; grace
	// is what it gave the requests in flight.
	stopNS  int64
	grace   time.Duration
	nFinish int
	// tokSamples are readings of streamed taken by snapshots, oldest first,
	// back to the newest one at least a streamed window old: the streamed
	// rate reads the counter at the window's start between two of them
	// (streamedRate).
	tokSamples []tokSample

	prom *promMetrics
}

// New returns an empty State.
func New(o Options) *State {
	o.Run = cmp.Or(o.Run, DefaultRun)
	if o.Start.IsZero() {
		o.Start = time.Now()
	}
	o.Window = cmp.Or(o.Window, DefaultWindow)
	o.WindowCap = cmp.Or(o.WindowCap, DefaultWindowCap)
	o.StreamedWindow = cmp.Or(o.StreamedWindow, DefaultStreamedWindow)
	s := &State{opt: o, start: o.Start, window: o.Window.Nanoseconds(), streamWin: o.StreamedWindow.Nanoseconds(),
		ring: make([]entry, o.WindowCap), errors: map[rundir.ErrorClass]int64{}, gpus: map[int]rundir.GPUSample{}}
	s.now = func() int64 { return time.Since(s.start).Nanoseconds() - s.shift.Load() }
	s.prom = newPromMetrics(s)
	return s
}

// Options returns the options the State was made with, defaults applied.
func (s *State) Options() Options { return s.opt }

// SetStart moves the run's time origin to start (the run's own start,
// known once it has probed the server and waited for --start-at), before
// the first level: records' offsets count from it.
func (s *State) SetStart(start time.Time) { s.shift.Store(start.Sub(s.start).Nanoseconds()) }

// LevelStarted records that a level began sending.
func (s *State) LevelStarted(p LevelPlan) { s.startLevel(p, 0, false) }

// startLevel starts a level at atNS, or now unless implicit; an implicit
// start moves to the earliest send of the level's records.
func (s *State) startLevel(p LevelPlan, atNS int64, implicit bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !implicit {
		atNS = s.now()
	}
	from := atNS
	if implicit { // from its first record's send: others may come before it
		from -= disorderNS
	}
	s.levels = append(s.levels, &levelAcc{plan: p, startNS: atNS, beganNS: atNS, implicit: implicit, running: true, firstSent: -1,
		workSent: -1, probing: p.SpreadProbe, tok0: tokSample{atNS, s.streamed.Load()}, clientFrom: from})
	s.curLevel.Store(math.Float64bits(p.Level))
	s.curProfile.Store(p.Profile)
}

// levelFor returns the index of the level r belongs to: the last level
// started with its level value, or a new one it starts.
func (s *State) levelFor(r *rundir.Record) int {
	for i := len(s.levels) - 1; i >= 0; i-- {
		if s.levels[i].plan.Level == r.Level {
			return i
		}
	}
	// Of the run's load profile, as the levels before it.
	p := LevelPlan{Level: r.Level}
	if n := len(s.levels); n > 0 {
		p.Profile, p.Sessions = s.levels[n-1].plan.Profile, s.levels[n-1].plan.Sessions
	}
	s.levels = append(s.levels, &levelAcc{plan: p, startNS: r.SentNS,
		implicit: true, running: true, firstSent: -1, workSent: -1, tok0: tokSample{r.SentNS, s.streamed.Load()},
		clientFrom: r.SentNS - disorderNS})
	s.curLevel.Store(math.Float64bits(r.Level))
	s.curProfile.Store(p.Profile)
	return len(s.levels) - 1
}

// Add accounts for one completed record (one attempt of a request), as the
// run hands it to requests.jsonl. Totals, the Prometheus counters and the
// level results count the measure stage only, as summary.json does; the
// rolling window and the progress count every stage, warm-up included.
func (s *State) Add(r *rundir.Record) {
	// Its output tokens as the summary takes them (bounded by its stream:
	// rundir.Record.BoundOutputTokens), so that the live numbers and a
	// level's result line are the table's.
	r, _ = r.BoundOutputTokens()
	var m report.RequestMetrics
	if r.OK {
		m = report.PerRequest(r)
	}
	lag, lagCounts := report.SendLagMS(r)
	measured := r.Stage == rundir.StageMeasure
	// The spread probe (the request an auto spread sends alone before the
	// level) is traffic, so it counts in the rates, but it is none of the
	// level's planned requests: done/total would read 61/60.
	var planned int64
	if r.Stage != rundir.StageProbe {
		planned = 1
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	li := s.levelFor(r)
	a := s.levels[li]
	if a.firstSent < 0 || r.SentNS < a.firstSent {
		a.firstSent = r.SentNS
	}
	// A turn of a multi-turn session: an open loop's rate is of new
	// sessions (LevelPlan.Label). The run's plan does not say.
	a.plan.Sessions = a.plan.Sessions || r.Turn >= 1
	a.clock(r)
	e := entry{done: max(r.DoneNS, r.EndNS), lag: lag, lagCounts: lagCounts, level: int32(li), attempt: r.Retried}
	if measured {
		a.span.Add(r)
		a.steady.Add(r, false) // goodput is not judged live
		if lagCounts {
			a.lag.add(lag)
		}
		a.busyMS += report.BusyMS(r)
		a.sessions = a.sessions || r.Turn >= 1
		if !r.Retried && report.ResentByClient(r) {
			a.resent++
		}
	} else {
		a.steady.AddWarmup(r, false) // its worker's start and work (steady.go)
	}
	if planned == 1 && !r.Retried {
		a.lastDone = max(a.lastDone, e.done)
	}
	switch {
	case r.Retried:
		if measured {
			a.retried++
			s.retried++
		}
	case r.OK:
		e.ok, e.ttft, e.out = true, m.TTFT, int64(r.OutputTokens)
		e.tpot, e.hasTPOT = m.TPOT, m.HasTPOT
		a.done += planned
		s.allDone++
		s.allOut += int64(r.OutputTokens)
		if !measured {
			a.warmupDone++
			break
		}
		a.ok++
		a.outTok += int64(r.OutputTokens)
		a.ttft.add(m.TTFT)
		if s.opt.SLO.E2E > 0 { // only the verdict reads E2E
			a.e2e.add(m.E2E)
		}
		if m.HasTPOT {
			a.tpot.add(m.TPOT)
		}
		s.ok++
		s.outTok += int64(r.OutputTokens)
		s.prom.ok(m, r.OutputTokens)
	default:
		a.done += planned
		s.allDone++
		if !measured {
			a.warmupDone++
			break
		}
		a.failed++
		s.fail++
		s.errors[r.ErrorClass]++
		s.prom.failed(r.ErrorClass)
	}
	if !s.recSeen || e.done > s.lastRecNS {
		s.lastRecNS, s.recSeen = e.done, true
	}
	s.ring[s.head] = e
	s.head = (s.head + 1) % len(s.ring)
	s.n = min(s.n+1, len(s.ring))
}

// Client records one client telemetry sample (client.jsonl).
func (s *State) Client(c rundir.ClientSample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients = append(s.clients, c)
	// Keep two windows, and all of each running level: its client verdict
	// is judged over all of it when it finishes (ownResult). One sample
	// before: SummarizeClient needs the sample before the window. The
	// windows end at the newest record, where the samples run ahead of the
	// records (all of them: a followed run that has ended, whose
	// client.jsonl is read before its records), or before any record.
	if !s.recSeen {
		return
	}
	from := min(c.TNS, s.lastRecNS) - 2*s.window
	for _, a := range s.levels {
		if a.running {
			from = min(from, a.clientFrom)
		}
	}
	i := 0
	for i < len(s.clients)-2 && s.clients[i+1].TNS < from {
		i++
	}
	if i > 0 {
		s.clients = append(s.clients[:0], s.clients[i:]...)
	}
}

// GPU records one tick of GPU samples (gpu.jsonl); the latest reading of
// each device is kept.
func (s *State) GPU(samples []rundir.GPUSample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range samples {
		if !g.IsGap() {
			s.gpus[g.Index] = g
		}
	}
}

// Server records one scrape of the serving engine's metrics (server.jsonl).
// A failed scrape keeps the last good one.
func (s *State) Server(m rundir.ServerSample) {
	if m.Engine == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.server = &m
}

// LevelFinished records that a level ended. sum is the level's summary as
// report computes it (report.Summarizer, SummarizeRun); nil makes the State
// judge the level from the values it kept (TTFT, TPOT, E2E and the counts;
// an ITL objective is then not judged and the result says so).
func (s *State) LevelFinished(level float64, sum *report.Level) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lastLevel(level)
	if a == nil {
		a = &levelAcc{plan: LevelPlan{Level: level}, firstSent: -1, workSent: -1}
		if sum != nil {
			a.startNS = sum.StartNS
		}
		s.levels = append(s.levels, a)
	}
	s.finish(a, sum)
}

// LevelSpan tells the State the time a level ran, as run.json's levels
// say it (a followed run, once its run.json has them), before the level
// finishes: its result's rates are then over it, as summary.json's are
// (report.LevelWindow).
func (s *State) LevelSpan(sp rundir.LevelSpan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.lastLevel(sp.Level); a != nil {
		a.ran = &sp
	}
}

func (s *State) lastLevel(level float64) *levelAcc {
	for i := len(s.levels) - 1; i >= 0; i-- {
		if s.levels[i].plan.Level == level {
			return s.levels[i]
		}
	}
	return nil
}

// finish ends level a with its result.
func (s *State) finish(a *levelAcc, sum *report.Level) {
	if !a.running && a.result != nil {
		return
	}
	a.running = false
	a.endNS = s.nowLocked()
	s.nFinish++
	a.finished = s.nFinish
	var res Result
	if sum != nil {
		res = ResultOf(sum, s.opt.SLO)
	} else {
		res = s.ownResult(a)
	}
	res.Stop = stopNote(a.look)
	if cut := s.cutShort(a, &res); cut != "" && res.Stop == "" {
		res.Stop = cut
		if res.OK+res.Failed == 0 {
			// Stopped before a request finished: nothing to judge, and
			// "FAIL: no measured requests" would be the server's fault.
			res.SLO, res.Reasons = VerdictNone, nil
		}
	}
	a.result = &res
	a.ttft, a.tpot, a.e2e, a.lag = values{}, values{}, values{}, values{}
	a.steady = report.SteadyAcc{}
}

// cutShort says how much of level a ran when the run was told to stop
// (Ctrl-C) before it sent all it was to: "stopped early: 36 of 400
// requests", "stopped early at 0:03 of 0:10"; "" for a level that ended
// as planned. Its result line read as a whole level's.
func (s *State) cutShort(a *levelAcc, r *Result) string {
	if s.stopNS == 0 {
		return ""
	}
	done, ran, d := r.OK+r.Failed, s.stopNS-a.startNS, a.plan.Duration.Nanoseconds()
	switch {
	case d > 0 && ran >= d: // it had run its time
	case a.plan.Requests > 0 && done < a.plan.Requests:
		return fmt.Sprintf("stopped early: %d of %d requests", done, a.plan.Requests)
	case a.plan.Requests <= 0 && d > 0:
		return fmt.Sprintf("stopped early at %s of %s", fmtDur(ran), fmtDur(d))
	}
	return ""
}

// ownResult judges a level from the values the State kept, its client
// verdict too: report.SummarizeClient over the client samples of the
// level's window, as the summary judges it.
func (s *State) ownResult(a *levelAcc) Result {
	l := report.Level{Level: a.plan.Level,
		Requests: report.Requests{Total: int(a.ok + a.failed), OK: int(a.ok), Failed: int(a.failed)},
		TTFTMS:   report.DistOf(a.ttft.all()), TPOTMS: report.DistOf(a.tpot.all()), E2EMS: report.DistOf(a.e2e.all()),
		SendLagMS:    report.DistOf(a.lag.all()),
		OutputTokens: a.outTok, ResentRequests: int(a.resent)}
	l.StartNS, l.EndNS = a.span.FirstSentNS, a.span.LastDoneNS
	switch {
	case a.ran != nil: // a followed run's, from its run.json
		l.StartNS, l.EndNS = report.LevelWindow(a.span, a.ran, a.steady.WarmupDue())
	case !a.implicit: // started by LevelStarted: the time it ran is known, as run.json's levels say it
		open := a.plan.Profile == "rate" || a.plan.Profile == "trace"
		l.StartNS, l.EndNS = report.LevelWindow(a.span, &rundir.LevelSpan{Open: open, StartNS: a.beganNS, EndNS: a.endNS}, a.steady.WarmupDue())
	}
	if w := l.EndNS - l.StartNS; w > 0 {
		l.WindowS = float64(w) / 1e9
		l.OutputTokensPerS = float64(a.outTok) / l.WindowS
		l.RequestsPerS = float64(a.ok) / l.WindowS
		l.MeanInFlight = report.MeanInFlight(a.busyMS, w)
		a.steady.SetRampUp(a.plan.RampUp)
		a.steady.Apply(&l)
	}
	if l.Requests.Total > 0 {
		l.Client = s.levelClient(a, &l)
	}
	res := ResultOf(&l, s.opt.SLO)
	if s.opt.SLO.ITL > 0 {
		res.Note = "ITL not judged live"
	}
	return res
}

// levelClient is the client verdict of level a, summarized as l: report's,
// over the client samples kept since it started (Client keeps them all
// while it runs). The interval in which its last request completed is
// judged if its sample has come in; the summary, which reads client.jsonl
// once the run has ended, always has it.
func (s *State) levelClient(a *levelAcc, l *report.Level) *report.ClientLevel {
	j := *l
	if a.sessions {
		// The summary's session view is not kept here; that there is one
		// is what the verdict reads: multi-turn sessions idle their
		// workers by design, so their streams in flight are not judged.
		j.Sessions = &report.SessionLevel{}
	}
	c := report.SummarizeClient(s.clients, &j, a.plan.Streams)
	return &c
}

// Stopping records that the run was told to stop (the first Ctrl-C): it
// sends nothing new, and the requests in flight have up to grace.
func (s *State) Stopping(grace time.Duration) { s.stopAt(0, grace) }

// StoppedAt records that a followed run was stopped early with its level
// cut at ns on the run's clock (now when ns is not positive): run.json
// keeps no moment of the Ctrl-C, so a follower gives where it says the cut
// level ended, its requests in flight drained (up to --grace later).
func (s *State) StoppedAt(ns int64) { s.stopAt(ns, 0) }

// stopAt records the first stop, at ns (now when not positive), its
// requests in flight given grace; a later one, or one after the end, is
// not.
func (s *State) stopAt(ns int64, grace time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ns <= 0 {
		ns = s.now()
	}
	if s.stopNS == 0 && !s.ended {
		s.stopNS, s.grace = max(ns, 1), grace
	}
}

// End records that the run ended with exit state exit (rundir.ExitState
// values); levels still running are finished with the State's own results.
// Snapshots taken afterwards are frozen at the end.
func (s *State) End(exit string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	for _, a := range s.levels {
		if a.running {
			s.finish(a, nil)
		}
	}
	s.endNS = s.now()
	s.ended, s.exit = true, exit
}

// nowLocked is the time of the run, frozen at its end.
func (s *State) nowLocked() int64 {
	if s.ended {
		return s.endNS
	}
	return s.now()
}

// Snapshot is the State at one moment: a plain value the views render.
type Snapshot struct {
	// Run names the run.
	Run string `json:"run"`
	// NowNS is the moment, in ns from the run's start.
	NowNS int64 `json:"now_ns"`
	// Ended is set once the run ended, with its exit state.
	Ended     bool   `json:"ended"`
	ExitState string `json:"exit_state,omitempty"`
	// StoppingNS is when the run was told to stop (the first Ctrl-C), 0
	// unless it was; GraceNS is the time it gave the requests in flight
	// then (0: they were cancelled).
	StoppingNS int64 `json:"stopping_ns,omitempty"`
	GraceNS    int64 `json:"grace_ns,omitempty"`
	// Levels lists every level started, in order.
	Levels []LevelSnapshot `json:"levels"`
	// OK, Failed, Errors, OutputTokens and Retried are the run's totals
	// over the measure stage: the counts summary.json will have.
	OK           int64                       `json:"ok"`
	Failed       int64                       `json:"failed"`
	Errors       map[rundir.ErrorClass]int64 `json:"errors"`
	OutputTokens int64                       `json:"output_tokens"`
	Retried      int64                       `json:"retried"`
	// CompletedAll and OutputTokensAll count every stage, warm-up included:
	// requests completed (retried attempts not) and the output tokens of
	// the successful ones.
	CompletedAll    int64 `json:"completed_all"`
	OutputTokensAll int64 `json:"output_tokens_all"`
	// InFlight is the number of requests in flight, when the State is
	// told (Track); InFlightKnown says whether it is.
	InFlight      int64 `json:"in_flight"`
	InFlightKnown bool  `json:"in_flight_known"`
	// StreamedTokens counts the output tokens streamed so far, as their
	// chunks arrived: every token-bearing chunk of every request and
	// attempt, warm-up included, for loadgen.EventTokens tokens each (the
	// run's own count of a chunk). StreamedKnown says whether the State
	// sees the chunks (Track); a followed run's does not.
	StreamedTokens int64 `json:"streamed_tokens"`
	StreamedKnown  bool  `json:"streamed_known"`
	// Window is the rolling window of the level running last (or the last
	// level, once none runs).
	Window Rolling `json:"window"`
	// WindowNS and StreamedWindowNS are the spans the rolling numbers and
	// the streamed tokens/s are taken over (Options.Window and
	// StreamedWindow), so a reader can say "the last 5 s"; a Rolling's
	// SpanNS is shorter at the start of a level.
	WindowNS         int64 `json:"window_ns"`
	StreamedWindowNS int64 `json:"streamed_window_ns"`
	// ClientBound says the load generator is near its limit now
	// (report.SummarizeClient over the window), with the reasons.
	ClientBound   bool     `json:"client_bound"`
	ClientReasons []string `json:"client_reasons,omitempty"`
	// GPUs holds the latest reading of each device, by index.
	GPUs []rundir.GPUSample `json:"gpus,omitempty"`
	// Server is the latest good scrape of the engine's metrics.
	Server *rundir.ServerSample `json:"server,omitempty"`
}

// LevelSnapshot is one level at the snapshot's moment.
type LevelSnapshot struct {
	Plan LevelPlan `json:"plan"`
	// Label is the level as it was set, with what it counts
	// (LevelPlan.Label: "2 req/s", "16 streams", "trace"); Name how a line
	// names it (LevelPlan.Name: "level 2 req/s", "trace").
	Label   string `json:"label"`
	Name    string `json:"name"`
	Running bool   `json:"running"`
	// StartNS is when the level started (its workers, after a spread
	// probe); EndNS when it finished (0 while running).
	StartNS int64 `json:"start_ns"`
	EndNS   int64 `json:"end_ns,omitempty"`
	// BeganNS is when the level began, where a chart marks it: StartNS
	// before any spread probe, so the mark does not move when the probe
	// ends; for a followed run, the level's earliest send.
	BeganNS int64 `json:"began_ns"`
	// Probing: the level's spread probe is in flight (Plan.SpreadProbe);
	// StartNS is then when the probe was sent.
	Probing bool `json:"probing,omitempty"`
	// Done counts the requests completed, warm-up included; LastDoneNS is
	// when the latest of them completed.
	Done       int64 `json:"done"`
	LastDoneNS int64 `json:"last_done_ns,omitempty"`
	// OK and Failed count measured requests.
	OK     int64 `json:"ok"`
	Failed int64 `json:"failed"`
	// Window is the level's rolling window (only while it runs).
	Window Rolling `json:"window"`
	// Result is the level's result, once it finished; Finished numbers the
	// finished levels in the order they finished, from 1.
	Result   *Result `json:"result,omitempty"`
	Finished int     `json:"finished,omitempty"`
	// Look is an adaptive level's last look (adaptive.go).
	Look *Look `json:"look,omitempty"`
}

// Rolling is what the requests completed in the last Window said. Latencies
// are in ms; a Quantiles with N 0 has no values.
type Rolling struct {
	// SpanNS is the time the rates divide by: the window, or less at the
	// start of a level, or the time the kept requests cover when more than
	// WindowCap completed in the window.
	SpanNS int64 `json:"span_ns"`
	// Completed counts the requests completed (ok or failed), OK the
	// successful ones.
	Completed int `json:"completed"`
	OK        int `json:"ok"`
	// TTFT and TPOT are of the successful requests.
	TTFT Quantiles `json:"ttft_ms"`
	TPOT Quantiles `json:"tpot_ms"`
	// RequestsPerS is completions per second; OutputTokensPerS the output
	// tokens of the successful requests per second.
	RequestsPerS     float64 `json:"requests_per_s"`
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	// StreamedTokensPerS is the rate at which tokens streamed now: the
	// growth of Snapshot.StreamedTokens over StreamedSpanNS, the last
	// Options.StreamedWindow (2 s) and never before the level's start
	// (streamedRate). Unlike OutputTokensPerS it counts a request's tokens
	// as they arrive, not when it completes. StreamedTokensPerS and StreamedSpanNS are 0 while
	// the State does not see the chunks (Snapshot.StreamedKnown) and once
	// the level no longer runs.
	StreamedTokensPerS float64 `json:"streamed_tokens_per_s"`
	StreamedSpanNS     int64   `json:"streamed_span_ns,omitempty"`
}

// Quantiles are percentiles by report.QuantileOf (type 7).
type Quantiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

func quantiles(v []float64) Quantiles {
	if len(v) == 0 {
		return Quantiles{}
	}
	return Quantiles{N: len(v), P50: report.QuantileOf(v, 50), P95: report.QuantileOf(v, 95), P99: report.QuantileOf(v, 99)}
}

// Snapshot returns the State now.
func (s *State) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	snap := Snapshot{Run: s.opt.Run, NowNS: now, Ended: s.ended, ExitState: s.exit,
		OK: s.ok, Failed: s.fail, Errors: make(map[rundir.ErrorClass]int64, len(s.errors)),
		OutputTokens: s.outTok, Retried: s.retried, CompletedAll: s.allDone, OutputTokensAll: s.allOut,
		InFlight: s.inFlight.Load(), InFlightKnown: s.tracked.Load(),
		StreamedTokens: s.streamed.Load(), StreamedKnown: s.tracked.Load(),
		WindowNS: s.window, StreamedWindowNS: s.streamWin, StoppingNS: s.stopNS, GraceNS: s.grace.Nanoseconds()}
	if snap.StreamedKnown {
		s.sampleStreamed(tokSample{now, snap.StreamedTokens})
	}
	for k, v := range s.errors {
		snap.Errors[k] = v
	}
	snap.Levels = make([]LevelSnapshot, len(s.levels))
	last := -1
	for i, a := range s.levels {
		ls := LevelSnapshot{Plan: a.plan, Label: a.plan.Label(), Name: a.plan.Name(), Running: a.running, StartNS: a.startNS, BeganNS: a.beganNS, EndNS: a.endNS, Probing: a.probing && a.running,
			Done: a.done, LastDoneNS: a.lastDone, OK: a.ok, Failed: a.failed, Result: a.result, Finished: a.finished, Look: a.look}
		if a.implicit {
			ls.BeganNS = a.firstSent
		}
		if a.running {
			ls.Window = s.rolling(i, now)
			if snap.StreamedKnown {
				ls.Window.StreamedTokensPerS, ls.Window.StreamedSpanNS = s.streamedRate(a, tokSample{now, snap.StreamedTokens})
			}
			last = i
		}
		snap.Levels[i] = ls
	}
	if last < 0 && len(s.levels) > 0 {
		last = len(s.levels) - 1
		snap.Window = s.rolling(last, now)
	} else if last >= 0 {
		snap.Window = snap.Levels[last].Window
	}
	snap.ClientBound, snap.ClientReasons = s.clientBound(now)
	for _, k := range slices.Sorted(maps.Keys(s.gpus)) {
		snap.GPUs = append(snap.GPUs, s.gpus[k])
	}
	if s.server != nil {
		sv := *s.server
		snap.Server = &sv
	}
	return snap
}

// eachInWindow calls f for each kept entry completed after now − Window, newest
// first, and reports whether the kept entries ran out inside the window.
func (s *State) eachInWindow(now int64, f func(*entry)) (truncated bool) {
	lo := now - s.window
	for i := range s.n {
		e := &s.ring[(s.head-1-i+2*len(s.ring))%len(s.ring)]
		if e.done <= lo-disorderNS {
			return false
		}
		if e.done > lo {
			f(e)
		}
	}
	return s.n == len(s.ring)
}

// rolling computes level li's rolling window at now.
func (s *State) rolling(li int, now int64) Rolling {
	var r Rolling
	var ttft, tpot []float64
	var out int64
	oldest := now
	truncated := s.eachInWindow(now, func(e *entry) {
		if int(e.level) != li || e.attempt {
			return
		}
		oldest = min(oldest, e.done)
		r.Completed++
		if !e.ok {
			return
		}
		r.OK++
		out += e.out
		ttft = append(ttft, e.ttft)
		if e.hasTPOT {
			tpot = append(tpot, e.tpot)
		}
	})
	r.TTFT, r.TPOT = quantiles(ttft), quantiles(tpot)
	span := s.window
	if truncated {
		span = now - oldest
	}
	if a := s.levels[li]; a.firstSent >= 0 {
		span = min(span, now-a.firstSent)
	}
	if span > 0 {
		r.SpanNS = span
		r.RequestsPerS = float64(r.Completed) / (float64(span) / 1e9)
		r.OutputTokensPerS = float64(out) / (float64(span) / 1e9)
	}
	return r
}

// streamedSampleGap is the least time between two kept samples of the
// streamed counter, as a fraction of the streamed window: snapshots taken
// more often (several views, a test) keep at most about 50 samples.
const streamedSampleGap = 50

// sampleStreamed keeps cur, the streamed counter read now, as a base for
// later rates, and forgets the samples no rate will need: all but the
// newest of those at least a streamed window older than cur.
func (s *State) sampleStreamed(cur tokSample) {
	n := len(s.tokSamples)
	switch {
	case n > 0 && cur.ns < s.tokSamples[n-1].ns:
		// The time origin moved (SetStart): the samples are on another clock.
		s.tokSamples = append(s.tokSamples[:0], cur)
	case n == 0 || cur.ns-s.tokSamples[n-1].ns >= s.streamWin/streamedSampleGap:
		s.tokSamples = append(s.tokSamples, cur)
	}
	i := 0
	for i+1 < len(s.tokSamples) && s.tokSamples[i+1].ns <= cur.ns-s.streamWin {
		i++
	}
	if i > 0 {
		s.tokSamples = append(s.tokSamples[:0], s.tokSamples[i:]...)
	}
}

// streamedRate is level a's streamed tokens per second at cur, and the span
// it divides by: the tokens streamed over the last streamed window
// (Options.StreamedWindow), or since the level's start while it is younger
// than that (docs/live.md, "Streamed tokens/s"). The counter at the
// window's start is read between the two readings around it — a kept
// sample, the level's start or cur — as growing evenly between them, so that
// the span is the window exactly, however far apart the views' snapshots
// are. The counter is the run's: levels run one at a time.
func (s *State) streamedRate(a *levelAcc, cur tokSample) (float64, int64) {
	from := max(cur.ns-s.streamWin, a.tok0.ns)
	span := cur.ns - from
	if span <= 0 {
		return 0, 0
	}
	// lo is the newest reading at or before from, hi the oldest after it.
	lo, hi := a.tok0, cur
	for _, x := range s.tokSamples {
		switch {
		case x.ns <= from && x.ns > lo.ns:
			lo = x
		case x.ns > from && x.ns < hi.ns:
			hi = x
		}
	}
	base := float64(lo.tok)
	if hi.ns > lo.ns {
		base += float64(hi.tok-lo.tok) * float64(from-lo.ns) / float64(hi.ns-lo.ns)
	}
	return (float64(cur.tok) - base) / (float64(span) / 1e9), span
}

// clientBound is the live client verdict at now: bound from when the
// window (clientWindow) is judged bound until a window after it last was,
// with the reasons of that last judgement. A client hovering at a bound
// crosses it back and forth as the window slides (a 5 s window of samples
// at 95 % and 85 % CPU by turns reads 91 % and 89 % by turns): the verdict
// read every second, on at each refresh and off at the next, and a
// reader could not tell a bound client from a noisy reading. A client
// bound in the last window is the warning; it is gone once a whole window
// has been clear.
func (s *State) clientBound(now int64) (bool, []string) {
	if bound, why := s.clientWindow(now); bound {
		s.boundNS, s.boundWhy = now, why
		return true, why
	}
	if s.boundNS > 0 && now >= s.boundNS && now-s.boundNS < s.window {
		return true, s.boundWhy
	}
	return false, nil
}

// clientWindow judges the client over the window by report's rules: CPU
// share and scheduler latency from the client samples, send lag from the
// requests' first attempts. The closed-loop in-flight check needs a whole
// level (≥ 10 requests per worker) and is left to the level's summary.
func (s *State) clientWindow(now int64) (bool, []string) {
	var lags []float64
	s.eachInWindow(now, func(e *entry) {
		if e.lagCounts {
			lags = append(lags, e.lag)
		}
	})
	if len(lags) == 0 && len(s.clients) == 0 {
		return false, nil
	}
	l := report.Level{StartNS: now - s.window, EndNS: now, SendLagMS: report.DistOf(lags)}
	cl := report.SummarizeClient(s.clients, &l, 0)
	return cl.Bound, cl.Reasons
}
