package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/inferbench/inferbench/adaptive"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// Adaptive stopping and the capacity search (issue #22, docs/adaptive.md):
// with Precision > 0 each level runs under an adaptive.Level, fed every
// measured request's final record, and stops on its decision; a sweep stops
// after a saturated level and one more confirming it, and with Search the
// levels are chosen by adaptive.Search. run.json (and summary.json) record
// the decisions, the capacity bracket and the spend against a fixed sweep.

// adaptiveFrom sets the adaptive options from the scenario's load.adaptive.
func (o *Options) adaptiveFrom(s *scenarios.Scenario) {
	a := s.Load.Adaptive
	if a == nil || !s.Load.AdaptiveOn() {
		return
	}
	o.Precision, o.MinRequests, o.MaxRequests = a.Precision, a.MinRequests, a.MaxRequests
	o.Search, o.SearchStart = a.Search, a.Start
}

// adaptiveOn reports whether levels stop adaptively.
func (o *Options) adaptiveOn() bool { return o.Precision > 0 }

// searching reports whether the capacity search chooses the levels: asked
// for, or implied by a bisection after a sweep with an SLO.
func (o *Options) searching() bool {
	return len(o.Levels()) > 1 && (o.Search || o.BisectSteps > 0 && !o.SLO.IsZero())
}

// checkAdaptive compiles the adaptive plan (nil when off), refusing what it
// cannot apply to, before anything is written.
func (o *Options) checkAdaptive() error {
	if !o.adaptiveOn() {
		return nil
	}
	if o.Trace != nil {
		return inputf("--precision does not apply to a trace replay")
	}
	if err := ShardRefusal(0, o.Precision, o.Shard.Count); err != nil {
		return &InputError{Err: err}
	}
	// The level's duration bounds it through the runner, not the plan's
	// MaxDuration: the runner stops sending and the requests in flight
	// complete, so the last decision judges every request sent. Ended at
	// the first completion past its duration, a level of 128 streams of
	// 3 s requests had judged 1 request of 33 (the sample takes requests
	// in schedule order) and passed on it.
	p, err := adaptive.NewPlan(adaptive.Options{SLO: o.SLO, Precision: o.Precision, MinRequests: o.MinRequests,
		MaxRequests: o.MaxRequests, OpenLoop: o.Profile() == "rate"})
	if err != nil {
		return inputf("--precision: %v", err)
	}
	o.plan = p
	return nil
}

// adaptiveLevel feeds one level's records to its adaptive.Level. until is
// the runner's Until function: called from every worker, so it locks.
type adaptiveLevel struct {
	plan     *adaptive.Plan
	value    float64
	baseline *adaptive.Decision
	obs      observers // told each look (adaptive_observe.go)
	log      io.Writer // the stop line goes there when the level concludes

	mu        sync.Mutex
	lv        *adaptive.Level
	runner    *loadgen.Runner
	firstSent map[uint64]int64 // a retried request's first send
	stopped   bool
	sent      bool // sending stopped because the requests sent settle the level (adaptive.Level.Settles)
	measured  int  // final measured records, those after the stop included
	start     time.Time
	offset    time.Duration // the level's start, from the run's start (the records' clock)
	lastSent  int64         // the latest send of a measured record, ns from the run's start
	probeEnd  int64         // the end of the level's spread probe, ns from the run's start (0: none)
	done      bool          // finish ran: dec and use are the level's
	dec       adaptive.Decision
	use       adaptive.Use
}

// options are the runner's options for an adaptive level: the level
// bounds itself, so the runner's count is only a backstop (twice
// MaxRequests completed ends a level: docs/adaptive.md).
func (a *adaptiveLevel) options() []loadgen.Option {
	return []loadgen.Option{loadgen.Requests(2 * a.plan.Options().MaxRequests), loadgen.Until(a.until)}
}

// begin starts the level's accounting; firstMeasured is the id of its first
// measured request and offset the time from the run's start.
func (a *adaptiveLevel) begin(r *loadgen.Runner, firstMeasured uint64, offset time.Duration) {
	a.runner, a.start, a.offset = r, time.Now(), offset
	a.lv = a.plan.NewLevel(a.value, firstMeasured, offset, a.baseline)
}

// until takes one record, its output tokens bounded as report bounds them
// (recordSink bounded it in place); true stops the level.
func (a *adaptiveLevel) until(r *rundir.Record) bool {
	if r.Stage == rundir.StageProbe {
		a.mu.Lock()
		a.probeEnd = max(r.DoneNS, r.EndNS) // the level's window opens after it
		a.mu.Unlock()
		return false
	}
	if r.Stage != rundir.StageMeasure {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if r.Retried {
		// Its final attempt counts, from the first attempt's send (the
		// time it held its worker, as report.BusyMS counts it).
		if a.firstSent == nil {
			a.firstSent = map[uint64]int64{}
		}
		if _, ok := a.firstSent[r.ID]; !ok {
			a.firstSent[r.ID] = r.SentNS
		}
		return a.stopped
	}
	a.measured++
	a.lastSent = max(a.lastSent, r.SentNS)
	sent := r.SentNS
	if s, ok := a.firstSent[r.ID]; ok {
		sent = s
		delete(a.firstSent, r.ID)
	}
	c := adaptive.Completion{OK: r.OK, OutputTokens: r.OutputTokens, ID: r.ID, Sent: time.Duration(sent),
		Done: time.Duration(max(r.DoneNS, r.EndNS)),
		// When the schedule said to send it (every attempt of a retried
		// request keeps its first's): an open level judges keeping up
		// against it. Not a later turn of a session, due when the turn
		// before it ended, so that a server falling behind delays its own
		// schedule.
		Due: time.Duration(r.ScheduledNS), HasDue: r.Turn <= 1}
	if r.OK {
		c.Metrics = report.PerRequest(r)
	}
	inFlight := a.runner.InFlight() // this one included
	if a.lv.Add(c) {
		d := a.lv.Check()
		a.stopped = d.Stop
		a.obs.adaptiveLook(d)
	}
	if !a.stopped && !a.sent && a.lv.Settles(inFlight-1) {
		// The requests in flight will settle it: stop sending now and let
		// them complete, instead of draining them after the stop.
		a.sent = true
	}
	return a.stopped || a.sent
}

// finish is the level's decision once its runner returned, and its spend:
// the measured requests it completed (those in flight at the stop
// included), its wall time and the part of it spent sending.
// ranOut says the runner ended the level at its duration or count (not a
// drain or a failure): that is the level's bound, not a stop by the run.
// The first call concludes the level and says its stop on the log (before
// the level's result line, which LevelFinished brings); later calls return
// the same.
func (a *adaptiveLevel) finish(ranOut bool, duration time.Duration) (adaptive.Decision, adaptive.Use) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done {
		return a.dec, a.use
	}
	a.done = true
	a.use = adaptive.Use{Level: a.value, Requests: a.measured, Wall: time.Since(a.start)}
	if a.measured > 0 {
		// Sending: from the level's start to its last measured send; the
		// rest of the wall time is the drain, which a fixed level pays too.
		a.use.Sending = min(max(time.Duration(a.lastSent)-a.offset, 0), a.use.Wall)
	}
	if a.probeEnd > 0 {
		a.use.Setup = min(max(time.Duration(a.probeEnd)-a.offset, 0), a.use.Wall)
	}
	switch {
	case a.lv == nil:
		a.dec, a.use = adaptive.Decision{Level: a.value, Reason: adaptive.StopEnded}, adaptive.Use{Level: a.value}
	case !a.stopped && a.sent:
		a.dec = a.lv.Drained()
	default:
		a.dec = a.lv.Finish()
		switch {
		case !a.stopped && ranOut && a.dec.Reason == adaptive.StopEnded:
			a.dec.Reason = adaptive.StopMaxRequests
			if duration > 0 {
				a.dec.Reason = adaptive.StopMaxDuration
				a.use.Full = true
			}
		case !a.stopped && !ranOut && a.dec.Reason == adaptive.StopEnded:
			a.dec.Reason = adaptive.StopRunStopped // the run's end, not the level's
		}
	}
	if a.log != nil {
		fmt.Fprintf(a.log, "inferbench: level %g: %s\n", a.value, decisionLine(a.dec, a.use.Wall))
	}
	return a.dec, a.use
}

// levelRunner runs one level; al is nil for a fixed level.
type levelRunner func(level float64, al *adaptiveLevel) error

// adaptiveRun drives the levels of an adaptive run and records them.
type adaptiveRun struct {
	o       *Options
	log     io.Writer
	run     levelRunner
	decided []adaptive.Decision
	used    []adaptive.Use
}

// runLevel runs one level under its adaptive.Level and says how it ended.
func (ar *adaptiveRun) runLevel(level float64, baseline *adaptive.Decision) (adaptive.Decision, error) {
	al := &adaptiveLevel{plan: ar.o.plan, value: level, baseline: baseline, obs: observers(ar.o.Observers), log: ar.log}
	err := ar.run(level, al)
	d, use := al.finish(err == nil, ar.o.Duration)
	ar.decided = append(ar.decided, d)
	ar.used = append(ar.used, use)
	return d, err
}

// runAdaptive runs the levels adaptively: the capacity search, or the list
// of levels until a saturated level is confirmed by the next. It fills
// run.json's adaptive section whatever happened.
func (s *session) runAdaptive(run levelRunner) error {
	o := s.o
	ar := &adaptiveRun{o: o, log: s.log, run: run}
	var (
		err    error
		ended  string
		search *adaptive.Search
	)
	if o.searching() {
		search, ended, err = ar.search()
	} else {
		ended, err = ar.sweep()
	}
	s.m.Adaptive = ar.record(search, ended)
	if err != nil {
		// Stopped by Ctrl-C (or a failure), not by its numbers: the levels
		// it did not run, and the one it cut short, are no saving. Set
		// against a fixed sweep, a sweep of 1, 2, 4, 8 stopped in its first
		// level read "100% saved".
		s.m.Adaptive.Spend = nil
		s.m.Adaptive.Ended = "run stopped early (exit_reason): no saving against a fixed sweep is claimed"
		if errors.Is(err, context.Canceled) {
			s.m.Adaptive.Ended = "interrupted: no saving against a fixed sweep is claimed"
		}
	}
	if sp := s.m.Adaptive.Spend; sp != nil && sp.FixedWallS > 0 {
		fmt.Fprintf(s.log, "inferbench: adaptive: %d requests in %.1f s; a fixed sweep: %d requests, %.1f s (%s)\n",
			sp.Requests, sp.WallS, sp.FixedRequests, sp.FixedWallS, report.SavedWords(sp.Saved))
	}
	return err
}

// sweep runs every level in turn, each stopping adaptively, until a level
// is saturated and the one after it confirms it.
func (ar *adaptiveRun) sweep() (ended string, err error) {
	levels := ar.o.Levels()
	saturated := 0
	for _, lv := range levels {
		d, err := ar.runLevel(lv, ar.baseline(lv))
		if err != nil {
			return "", err
		}
		if !d.Saturated {
			saturated = 0
			continue
		}
		if saturated++; saturated == 2 && lv != levels[len(levels)-1] {
			return fmt.Sprintf("saturated at %g, confirmed at %g", ar.decided[len(ar.decided)-2].Level, lv), nil
		}
	}
	return "", nil
}

// baseline is the lower level run with the best throughput (closed-loop
// saturation is judged against it), nil for none.
func (ar *adaptiveRun) baseline(level float64) *adaptive.Decision {
	var best *adaptive.Decision
	for i := range ar.decided {
		d := &ar.decided[i]
		if d.Level < level && (best == nil || adaptive.More(d.Throughput.Value, best.Throughput.Value)) {
			best = d
		}
	}
	if best == nil {
		return nil
	}
	b := *best
	return &b
}

// search runs the capacity search over the levels.
func (ar *adaptiveRun) search() (*adaptive.Search, string, error) {
	o := ar.o
	steps := o.BisectSteps
	if steps == 0 {
		steps = scenarios.DefaultBisectSteps
	}
	search, err := adaptive.NewSearch(adaptive.SearchOptions{Levels: o.Levels(), Start: o.SearchStart,
		Integer: o.Profile() != "rate", BisectSteps: steps})
	if err != nil {
		return nil, "", inputf("--search: %v", err)
	}
	for {
		lv, baseline, ok := search.Next()
		if !ok {
			break
		}
		d, err := ar.runLevel(lv, baseline)
		if err != nil {
			return search, "", err
		}
		if err := search.Record(d); err != nil {
			return search, "", err
		}
	}
	_, why := search.Done()
	return search, why, nil
}

// record is run.json's adaptive section.
func (ar *adaptiveRun) record(search *adaptive.Search, ended string) *rundir.Adaptive {
	o, p := ar.o, ar.o.plan
	po := p.Options()
	a := &rundir.Adaptive{Precision: po.Precision, Confidence: po.Confidence, MinRequests: po.MinRequests,
		MaxRequests: po.MaxRequests, MaxDurationS: po.MaxDuration.Seconds(), Search: search != nil,
		Boundary: p.Boundary(), LookLevel: p.LookLevel(), Ended: ended}
	if search != nil {
		a.BisectSteps = cmp.Or(o.BisectSteps, scenarios.DefaultBisectSteps)
		a.Start = o.SearchStart
		c := search.Capacity()
		a.Capacity = &rundir.AdaptiveCapacity{Found: c.Found, Level: c.Level, OutputTokensPerS: c.Throughput.Interval(),
			LowerBound: c.LowerBound, Saturated: c.Saturated, CertainPass: c.CertainPass, CertainFail: c.CertainFail,
			Pass: c.Pass, Fail: c.Fail}
	}
	for i, d := range ar.decided {
		a.Levels = append(a.Levels, levelRecord(d, ar.used[i].Wall))
	}
	fixed := adaptive.Fixed{Requests: o.Requests, Duration: o.Duration, Warmup: o.Warmup}
	if o.Rates != nil {
		fixed.Sends = func(rate float64, n int, horizon time.Duration) (int, time.Duration) {
			a, err := loadgen.NewArrivals(o.Arrival, rate, o.Burstiness, o.RampUp, 1)
			if err != nil { // checked before the run (Options.check)
				return 0, 0
			}
			return a.Expected(n, horizon)
		}
	}
	sp := adaptive.Account(ar.used, o.Levels(), fixed)
	a.Spend = &rundir.Spend{FixedBudgetRequests: fixed.Requests, FixedBudgetDurationS: fixed.Duration.Seconds(),
		Requests: sp.Requests, FixedRequests: sp.FixedRequests, WallS: sp.Wall.Seconds(), FixedWallS: sp.FixedWall.Seconds(),
		SkippedFixedWallS: sp.SkippedFixedWall.Seconds(), Saved: sp.Saved()}
	for _, l := range sp.Levels {
		a.Spend.Levels = append(a.Spend.Levels, rundir.LevelSpend{Level: l.Level, Requests: l.Requests, WallS: l.Wall.Seconds(),
			FixedRequests: l.FixedRequests, FixedWallS: l.FixedWall.Seconds(), Skipped: l.Skipped})
	}
	return a
}

// levelRecord is one decision as run.json holds it.
func levelRecord(d adaptive.Decision, wall time.Duration) rundir.AdaptiveLevel {
	l := rundir.AdaptiveLevel{Level: d.Level, Reason: d.Reason.String(), Verdict: d.Verdict.String(), Certain: d.Certain,
		Why: d.Why, N: d.N, Judged: d.Judged, Failed: d.Failed, Looks: d.Look, WallS: wall.Seconds(),
		Saturated: d.Saturated, Saturation: d.Saturation}
	for _, e := range d.Latency {
		l.Intervals = append(l.Intervals, e.Interval())
	}
	for _, e := range []adaptive.Estimate{d.Throughput, d.ErrorRate} {
		if e.Name != "" {
			l.Intervals = append(l.Intervals, e.Interval())
		}
	}
	return l
}

// decisionLine is a level's stop in words: "stopped (verdict certain) at
// 130 completed requests, level 6.2 s: pass, certain; of the 120 judged,
// TTFT p95 812 ms [760, 871]; output tokens/s 1760 [1513, 2007]". The
// counts are the decision's, and its latency percentiles are of the judged
// requests alone; the requests in flight then complete too, and the level's
// table and result line count them (their p95 over all of them), and the
// level's time includes them.
func decisionLine(d adaptive.Decision, wall time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stopped (%s) at %d completed requests, level %.1f s: %s", d.Reason, d.N, wall.Seconds(), report.VerdictWord(d.Verdict.String()))
	if d.Certain {
		b.WriteString(", certain")
	}
	said := false // the judged count, before the first latency percentile
	for _, e := range d.Latency {
		switch {
		case e.Name == "":
		case !said:
			fmt.Fprintf(&b, "; of the %d judged, %s", d.Judged, e)
			said = true
		default:
			fmt.Fprintf(&b, "; %s", e)
		}
	}
	if !said {
		fmt.Fprintf(&b, " (%d judged)", d.Judged)
	}
	if e := d.Throughput; e.Name != "" {
		fmt.Fprintf(&b, "; %s", e)
	}
	if d.Saturated {
		fmt.Fprintf(&b, "; SATURATED: %s", d.Saturation)
	}
	return b.String()
}
