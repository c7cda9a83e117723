package session

import (
	"context"
	"fmt"
	"io"
	"sync"

	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/internal/tick"
	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/servermetrics"
	"github.com/inferbench/inferbench/targets"
)

// LevelPlan is what a level is set to do, as an Observer is told when it
// starts.
type LevelPlan struct {
	// Level is the load level: a concurrency, a request rate (req/s), or 0
	// for a trace.
	Level float64
	// Profile says what Level is: concurrency, sweep, rate or trace
	// (Options.Profile); Sessions that the requests are turns of
	// multi-turn sessions (a rate is then of sessions).
	Profile  string
	Sessions bool
	// Requests is the number of measured requests (0: no count limit);
	// Warmup the warm-up requests sent first.
	Requests, Warmup int
	// Duration bounds the level's sending time (0: no time limit).
	Duration time.Duration
	// SpreadProbe: the level starts with the auto spread's probe
	// (loadgen.Runner.SpreadProbe); its workers and Duration start after it.
	SpreadProbe bool
	// RampUp is the open-loop rate's ramp-up (Options.RampUp; 0 closed
	// loop): the level's steady state starts after it.
	RampUp time.Duration
	// LastDue is when the level's last request is due, from the start of
	// its window, where the schedule says it ahead (a trace:
	// loadgen.Runner.Plan); 0 otherwise.
	LastDue time.Duration
	// Streams is the streams a closed loop keeps at the level, this
	// shard's share (report.ClosedStreams); 0 for an open loop or a
	// trace. The live view judges the level's client by it, as report does.
	Streams float64
}

// An Observer watches a run as it happens (the live view: terminal
// progress, the live page, /metrics). Its methods are called in the order
// of the run: Started, then per level LevelStarted, Record for each record
// of the level (from the load's goroutines, concurrently) and
// LevelFinished; the telemetry samples as they are written (from the
// samplers' goroutines); End once, after the last level, with the run's
// exit state.
// They must be cheap and must not block: Record is on the record path.
type Observer interface {
	// Started is the run's start, the origin of every record's times,
	// before the telemetry and the first level.
	Started(start time.Time)
	LevelStarted(p LevelPlan)
	// Record is each record, after requests.jsonl has taken it, its output
	// tokens bounded by its stream as report bounds them
	// (rundir.Record.BoundOutputTokens; recordSink); do not keep or change
	// it.
	Record(r *rundir.Record)
	Client(c rundir.ClientSample)
	GPU(samples []rundir.GPUSample)
	Server(s rundir.ServerSample)
	// LevelFinished: sum is the level's summary as report computes it when
	// the run has one in memory (a bisecting sweep), nil otherwise.
	LevelFinished(level float64, sum *report.Level)
	// Stopping: the run was told to stop (the first Ctrl-C) while a level
	// ran or was about to: it sends nothing new and gives the requests in
	// flight up to grace (0: they are cancelled). Once at most, before End.
	Stopping(grace time.Duration)
	End(exit rundir.ExitState)
}

// A Tracker is an Observer that also counts requests in flight: the run
// sends through Track's target.
type Tracker interface {
	Track(t targets.Target) targets.Target
}

// observers fans one run's events out to its Observers. A nil or empty
// list costs one length check per event.
type observers []Observer

func (obs observers) started(t time.Time) {
	for _, o := range obs {
		o.Started(t)
	}
}

func (obs observers) levelStarted(p LevelPlan) {
	for _, o := range obs {
		o.LevelStarted(p)
	}
}

func (obs observers) record(r *rundir.Record) {
	for _, o := range obs {
		o.Record(r)
	}
}

func (obs observers) client(c rundir.ClientSample) {
	for _, o := range obs {
		o.Client(c)
	}
}

func (obs observers) gpu(ss []rundir.GPUSample) {
	for _, o := range obs {
		o.GPU(ss)
	}
}

func (obs observers) server(s rundir.ServerSample) {
	for _, o := range obs {
		o.Server(s)
	}
}

func (obs observers) levelFinished(level float64, sum *report.Level) {
	for _, o := range obs {
		o.LevelFinished(level, sum)
	}
}

func (obs observers) stopping(grace time.Duration) {
	for _, o := range obs {
		o.Stopping(grace)
	}
}

func (obs observers) end(exit rundir.ExitState) {
	for _, o := range obs {
		o.End(exit)
	}
}

// track wraps t for every Tracker among the observers.
func (obs observers) track(t targets.Target) targets.Target {
	for _, o := range obs {
		if tr, ok := o.(Tracker); ok {
			t = tr.Track(t)
		}
	}
	return t
}

// Live returns an Observer feeding s, the live view's state (terminal
// progress, the live page, /metrics). It is a Tracker: s counts the
// requests in flight.
func Live(s *live.State) Observer { return liveObserver{s} }

type liveObserver struct{ s *live.State }

// LevelStarted tells the State the level's plan, and what the level
// counts (its profile): the live view says "level 2 req/s", where it said
// "level 2" for a rate and a concurrency alike.
func (l liveObserver) LevelStarted(p LevelPlan) {
	l.s.LevelStarted(live.LevelPlan{Level: p.Level, Profile: p.Profile, Sessions: p.Sessions, Requests: p.Requests, Warmup: p.Warmup, Duration: p.Duration,
		SpreadProbe: p.SpreadProbe, RampUp: p.RampUp, LastDue: p.LastDue, Streams: p.Streams})
}

func (l liveObserver) Started(t time.Time)                       { l.s.SetStart(t) }
func (l liveObserver) Record(r *rundir.Record)                   { l.s.Add(r) }
func (l liveObserver) Client(c rundir.ClientSample)              { l.s.Client(c) }
func (l liveObserver) GPU(ss []rundir.GPUSample)                 { l.s.GPU(ss) }
func (l liveObserver) Server(m rundir.ServerSample)              { l.s.Server(m) }
func (l liveObserver) LevelFinished(lv float64, s *report.Level) { l.s.LevelFinished(lv, s) }
func (l liveObserver) Stopping(grace time.Duration)              { l.s.Stopping(grace) }
func (l liveObserver) End(exit rundir.ExitState)                 { l.s.End(string(exit)) }

func (l liveObserver) Track(t targets.Target) targets.Target { return l.s.Track(t) }

// levelPlan is the plan of the level r runs (this shard's share).
func levelPlan(r *loadgen.Runner, level float64, profile string) LevelPlan {
	n, w, d, last := r.Plan()
	return LevelPlan{Level: level, Profile: profile, Requests: n, Warmup: w, Duration: d, SpreadProbe: r.SpreadProbe(),
		LastDue: last}
}

// levelSummary is level's summary as report computes it, when the run keeps
// one in memory (a bisecting sweep) and someone is watching; nil otherwise
// (the observer judges the level itself).
func levelSummary(obs observers, bisecting bool, mu *sync.Mutex, sumz *report.Summarizer, level float64) *report.Level {
	if len(obs) == 0 || !bisecting {
		return nil
	}
	mu.Lock()
	snap := sumz.Snapshot()
	mu.Unlock()
	for i := len(snap.Levels) - 1; i >= 0; i-- {
		if snap.Levels[i].Level == level {
			return &snap.Levels[i]
		}
	}
	return nil
}

// recordGPU samples the GPUs into w (gpu.jsonl), as gpu.Record does, and
// hands each tick to the observers after it is written.
// The first reading that failed (a hung nvidia-smi, a stale exporter, a
// GPU gone from the list) is said once on log: it was only in gpu.jsonl,
// and a run whose GPU telemetry failed throughout said nothing until its
// report had no energy.
func recordGPU(ctx context.Context, s gpu.Sampler, start time.Time, o *Options, w, log io.Writer) error {
	obs := observers(o.Observers)
	jw := rundir.NewJSONLWriter[rundir.GPUSample](w, rundir.GPUFile)
	said := false
	err := gpu.Watch(ctx, s, start, gpu.WatchConfig{Interval: o.GPUInterval}, func(ss []rundir.GPUSample) error {
		if err := jw.Write(ss...); err != nil {
			return err
		}
		for _, smp := range ss {
			if smp.Error != "" && !said && ctx.Err() == nil {
				said = true
				fmt.Fprintf(log, "inferbench: warning: GPU telemetry: %s (said once; each failed reading is in %s)\n", printable.Text(smp.Error), rundir.GPUFile)
			}
		}
		obs.gpu(ss)
		return nil
	})
	return tick.IgnoreStop(ctx, err)
}

// recordServer scrapes the engine's metrics into w (server.jsonl), as
// servermetrics.Record does, and hands each scrape to the observers after
// it is written.
func recordServer(ctx context.Context, scrape func(context.Context) (rundir.ServerSample, error), start time.Time, o *Options, w io.Writer) error {
	obs := observers(o.Observers)
	jw := rundir.NewJSONLWriter[rundir.ServerSample](w, rundir.ServerFile)
	err := servermetrics.Watch(ctx, scrape, start, servermetrics.WatchConfig{Interval: o.GPUInterval}, func(m rundir.ServerSample) error {
		if err := jw.Write(m); err != nil {
			return err
		}
		obs.server(m)
		return nil
	})
	return tick.IgnoreStop(ctx, err)
}

// recordClient samples the load generator itself into w (client.jsonl), as
// loadgen.WatchClient does, and hands each sample to the observers after
// it is written.
func recordClient(ctx context.Context, start time.Time, o *Options, w io.Writer) error {
	if len(o.Observers) == 0 {
		return loadgen.WatchClient(ctx, start, o.GPUInterval, w)
	}
	obs := observers(o.Observers)
	jw := rundir.NewJSONLWriter[rundir.ClientSample](w, rundir.ClientFile)
	return loadgen.WatchClientFunc(ctx, start, o.GPUInterval, func(c rundir.ClientSample) error {
		if err := jw.Write(c); err != nil {
			return err
		}
		obs.client(c)
		return nil
	})
}

// recordSink is where the load hands each record: requests.jsonl, then the
// observers, then (bisecting) the in-memory summarizer.
//
// requests.jsonl takes the record as the server said it; then its output
// tokens are bounded by its stream, in place, once
// (rundir.Record.BoundOutputTokens, as report's Summarizer bounds each
// record it reads): what the observers and an adaptive level's Until
// function (adaptiveLevel.until, which loadgen calls with this record
// right after the sink) read is the record the run's table counts, so a
// server saying 1 token for 5 events does not stop a level on another
// verdict than the table shows. The runner reads nothing of a record's
// output tokens or chunks after handing it over. The in-memory summarizer
// takes the record as the server said it, as it takes requests.jsonl's:
// it bounds it itself and counts what it bounded (the level's usage
// checks), which a bounded record no longer shows.
func (s *session) recordSink(obs observers, bisecting bool, mu *sync.Mutex, sumz *report.Summarizer) func(*rundir.Record) error {
	return func(r *rundir.Record) error {
		if err := s.rw.Write(r); err != nil {
			return err
		}
		raw := r // the summarizer bounds what it adds, and counts what it bounded
		if b, _ := r.BoundOutputTokens(); b != r {
			if bisecting {
				c := *r // b has Chunks of its own when they changed
				raw = &c
			}
			*r = *b
		}
		obs.record(r)
		if bisecting {
			mu.Lock()
			sumz.Add(raw)
			mu.Unlock()
		}
		return nil
	}
}
