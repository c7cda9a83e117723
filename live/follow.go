package live

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/internal/tick"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// DefaultPoll is how often a follower reads the run directory; MinPoll the
// shortest period watch takes: shorter, it re-reads the files in a loop,
// holding a CPU beside the run it watches.
const (
	DefaultPoll = 250 * time.Millisecond
	MinPoll     = 10 * time.Millisecond
)

// maxReadPerPoll bounds what one poll reads of a file, so that following a
// large finished run shows progress as it goes instead of after one huge read.
const maxReadPerPoll = 16 << 20

// FollowOptions configure a Follower.
type FollowOptions struct {
	// Poll is the period of reading the directory; 0 means DefaultPoll.
	Poll time.Duration
	// SLO, when set, judges the levels instead of run.json's scenario.
	SLO *report.SLO
	// Window is the rolling window; 0 means DefaultWindow.
	Window time.Duration
	// Warn receives one-line warnings (a telemetry file that does not
	// decode, a last line cut short); nil drops them (Follow: writes them).
	Warn func(string)
	// Progress configures Follow's progress view.
	Progress ProgressOptions
	// Serve, when set, makes Follow serve the followed run's live page,
	// events and metrics too (see Start), until the run ends and Linger
	// has passed.
	Serve *ServerOptions
}

// Follower feeds a State from a run directory another process is writing:
// requests.jsonl (required) and, when present, client.jsonl, gpu.jsonl
// and server.jsonl, each read as it grows, complete lines only. A level
// starts when a record of a new level value appears and finishes when the
// next one starts or the run ends; run.json gives each level's plan and
// tells when the run has ended.
type Follower struct {
	dir     string
	o       FollowOptions
	m       *rundir.Manifest
	st      *State
	records *tailer
	gpuT    *tailer
	serverT *tailer
	clientT *tailer
	repeats *rundir.Repeats    // records that repeat an earlier line, left out as report leaves them out
	cur     *float64           // level value of the level running
	done    map[float64]bool   // levels finished: a late record of one joins it
	sumz    *report.Summarizer // exact level summary, only for an ITL objective
	slo     report.SLO
	ramp    time.Duration // the open-loop ramp-up (report.RampUpOf)
	// turns: the scenario's requests are turns of multi-turn sessions
	// (workload.turns): a rate is of new sessions (LevelPlan.Sessions).
	turns bool
	// The clock's state, read by the State's snapshots from other
	// goroutines: the newest done offset read, when it was read (ns since
	// base), and the run's wall-clock start.
	start    time.Time
	base     time.Time
	lastDone atomic.Int64
	lastAt   atomic.Int64
	haveLast atomic.Bool
	// quiet is how long the run may write nothing before the follower
	// says it may have died (quietLimit); written counts the bytes read
	// from its files, writtenAt (this machine's clock) when that last grew
	// (zero before the first look), saidQuiet whether the warning was
	// given since.
	quiet     time.Duration
	written   int64
	writtenAt time.Time
	saidQuiet bool
	// replay, while set, takes a point of the live page (Server.tick) each
	// replayStep of the run's own time as the follower reads what the run
	// wrote before it began following (all of a run that had ended, the
	// part of a running one already written). Read in one go, those
	// records made a single point, and the page's charts stayed empty.
	// Telemetry read meanwhile is held in held, in time order, and fed as
	// the records' clock passes it, so each point shows the GPU and the
	// server as they were then, not at the end. nextPoint is the run time
	// past which the next record takes a point.
	replay     func()
	replayStep int64
	nextPoint  int64
	held       heldSamples
}

// NewFollower reads dir/run.json, waiting for it while ctx lasts when the
// run has not written it yet.
func NewFollower(ctx context.Context, dir string, o FollowOptions) (*Follower, error) {
	if dir == "" {
		// No run can ever create it: waiting would be for ever.
		return nil, errors.New("RUN_DIR is empty: name a run directory")
	}
	o.Poll = cmp.Or(o.Poll, DefaultPoll)
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	if err := waitForDir(ctx, dir, o); err != nil {
		return nil, err
	}
	var m *rundir.Manifest
	for said := false; ; said = true {
		var err error
		m, err = rundir.ReadManifest(dir)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if !said {
			// (A directory of runs was refused by ReadManifest,
			// rundir.HoldsRunsError: no run is ever written there.)
			// Said once: a run about to write it, or a directory that
			// holds no run (a typo) — the user sees which and can stop.
			o.Warn(fmt.Sprintf("%s has no %s yet: waiting for a run to write it (Ctrl-C to stop)", dir, rundir.ManifestFile))
		}
		if !tick.Sleep(ctx, o.Poll) {
			return nil, fmt.Errorf("%s: no %s yet: %w", dir, rundir.ManifestFile, context.Cause(ctx))
		}
	}
	f := &Follower{dir: dir, o: o, m: m, start: m.Start, base: time.Now(),
		records: &tailer{path: filepath.Join(dir, rundir.RecordsFile)},
		gpuT:    &tailer{path: filepath.Join(dir, rundir.GPUFile)},
		serverT: &tailer{path: filepath.Join(dir, rundir.ServerFile)},
		clientT: &tailer{path: filepath.Join(dir, rundir.ClientFile)},
		repeats: rundir.NewRepeats(),
	}
	sc := report.ManifestScenario(m.Scenario)
	f.slo, f.ramp = report.SLOOf(sc.SLO), report.RampUpOf(&sc)
	f.turns = !sc.Workload.Turns.IsZero()
	if o.SLO != nil {
		f.slo = *o.SLO
	}
	f.st = New(Options{Run: filepath.Base(filepath.Clean(dir)), Start: m.Start, SLO: f.slo, Window: o.Window})
	f.st.now = f.clock
	f.quiet = quietLimit(&sc) // writtenAt: zero until the first look
	return f, nil
}

// quietLimit is how long a running run may write nothing at all before a
// follower says it may have died: a run samples its own client into
// client.jsonl every telemetry interval (gpu.interval) whatever else it
// does, so four of those; its request timeout twice (a level of requests
// that all take their time writes no record meanwhile); and a minute at
// least (the probe and prompt sizing before the first sample).
func quietLimit(sc *scenarios.Scenario) time.Duration {
	return max(time.Minute, 2*time.Duration(sc.Load.Timeout), 4*time.Duration(sc.GPU.Interval))
}

// noteQuiet warns once, when the followed run has written nothing (no
// record, no telemetry sample) for f.quiet, that it may have died: a run
// killed on another host (a shard's pod) leaves run.json saying running
// for ever, and rundir.Manifest.Writer can judge only this host's processes. The
// follower goes on: the run may be alive and stalled.
//
// Nothing written is judged by what this follower reads: the bytes read
// from the run's files growing from look to look, timed by this machine's
// clock, from the first look. The files' modification times are another
// clock's (a file server's, or the writer's where a copy kept them), and
// judged against this one they made a live run on a file server 30 days
// behind look quiet at the first look: "nothing written since … (30
// days)". So a run killed long ago is said after the quiet limit too, and
// the line names its files' last modification as their clock gives it.
func (f *Follower) noteQuiet(now time.Time) {
	n := f.records.off + f.gpuT.off + f.serverT.off + f.clientT.off
	if f.writtenAt.IsZero() || n != f.written {
		f.written, f.writtenAt, f.saidQuiet = n, now, false
	}
	if quiet := now.Sub(f.writtenAt); !f.saidQuiet && quiet >= f.quiet {
		f.saidQuiet = true
		host := ""
		if f.m.Host.Name != "" {
			host = " " + printable.Text(f.m.Host.Name)
		}
		modified := ""
		if last := f.lastWritten(); !last.IsZero() {
			modified = "its files last modified " + last.UTC().Format("2006-01-02 15:04:05 MST") + " by their own clock; "
		}
		f.o.Warn(fmt.Sprintf("%s: nothing written %s, and run.json still says running: has the run died on its host%s? (%sstill watching; Ctrl-C stops, and `inferbench report %s` reads what it wrote)",
			f.dir, "for "+quiet.Round(time.Second).String(), host, modified, f.dir))
	}
}

// lastWritten is the newest modification time of the run's files, by the
// clock that stamped them; the zero time when none can be read.
func (f *Follower) lastWritten() time.Time {
	var last time.Time
	for _, name := range []string{rundir.ManifestFile, rundir.RecordsFile, rundir.GPUFile, rundir.ServerFile, rundir.ClientFile} {
		if fi, err := os.Stat(filepath.Join(f.dir, name)); err == nil && fi.ModTime().After(last) {
			last = fi.ModTime()
		}
	}
	return last
}

// waitForDir returns once dir is a directory. A dir that does not exist
// yet in a parent that does is a run about to start (a watcher started
// beside its run, a pod's shard): it is waited for, said once. A missing
// parent is a typo: an error at once, as a file in dir's place is.
func waitForDir(ctx context.Context, dir string, o FollowOptions) error {
	said := false
	for {
		fi, err := os.Stat(dir)
		switch {
		case err == nil && fi.IsDir():
			return nil
		case err == nil:
			return fmt.Errorf("%s: not a run directory", dir)
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		if _, perr := os.Stat(filepath.Dir(filepath.Clean(dir))); perr != nil {
			return err
		}
		if !said {
			o.Warn(fmt.Sprintf("%s does not exist yet: waiting for a run to create it", dir))
			said = true
		}
		if !tick.Sleep(ctx, o.Poll) {
			return fmt.Errorf("%s: no run directory yet: %w", dir, context.Cause(ctx))
		}
	}
}

// State is the State the follower feeds.
func (f *Follower) State() *State { return f.st }

// clock is the followed run's time: the newest done offset read, advanced
// by this process's monotonic clock since it was read. Two hosts' wall
// clocks (a shard on a Kubernetes node, its directory read elsewhere) need
// not agree; before any record, the wall clock since run.json's start is
// all there is.
func (f *Follower) clock() int64 {
	if !f.haveLast.Load() {
		return max(time.Since(f.start).Nanoseconds(), 0)
	}
	return f.lastDone.Load() + time.Since(f.base).Nanoseconds() - f.lastAt.Load()
}

// ErrInterrupted is what Follow returns, wrapped, for a run that ended
// interrupted (a Ctrl-C or SIGTERM stopped it before it ran its plan): its
// records up to the stop are whole, and the run did not do what it was
// asked. watch exits 130 on it, as the run itself did.
var ErrInterrupted = errors.New("run interrupted")

// ErrFailed is what Follow returns, wrapped, for a run that ended failed
// (it could not go on: its directory unwritable, its records lost): its
// records up to the failure are whole. watch exits 1 on it, as the run
// itself did (before, watch exited 0 on it, as on a complete run).
var ErrFailed = errors.New("run failed")

// ExitGone is the exit state of a followed run whose process is gone
// while its run.json still says running (kill -9, a crash).
const ExitGone = "gone"

// Run follows the directory until run.json says the run ended (then it
// ends the State and returns nil) or ctx is done (it returns ctx's cause).
// A record that does not decode stops it with an error naming
// file:line:col.
func (f *Follower) Run(ctx context.Context) error {
	t := time.NewTicker(f.o.Poll)
	defer t.Stop()
	defer f.close()
	for {
		ended, gone := false, false
		if m, err := rundir.ReadManifest(f.dir); err == nil {
			f.m = m
			ended = m.ExitState != rundir.ExitRunning
			gone = !ended && m.Writer() == rundir.WriterGone
		} else if _, serr := os.Stat(f.dir); errors.Is(serr, fs.ErrNotExist) {
			// Removed (rm -rf) while watched: run.json never says the
			// run ended, and the records file held open says nothing
			// more, so it drew "draining" for ever.
			f.st.Stopping(0)
			f.finishLevel()
			f.st.End(ExitGone)
			return fmt.Errorf("%s was removed while watched: nothing more can be read of its run", f.dir)
		}
		// Read after the manifest: a run writes its last records before
		// it rewrites run.json with its exit state.
		for {
			more, err := f.poll()
			if err != nil {
				return err
			}
			if !more || ctx.Err() != nil {
				break
			}
		}
		f.endReplay() // caught up: what comes next is live
		f.noteRecordsGone()
		if gone {
			// Its last records are read (above); nothing more will come.
			// The level running was cut where its records end, and the
			// run ended "gone": run.json's "running" is no longer true.
			f.st.Stopping(0)
			f.finishLevel()
			f.st.End(ExitGone)
			return fmt.Errorf("%s: run.json still says running, but the run's process (pid %d on this host) is gone: killed? `inferbench report %s` reads what it wrote",
				f.dir, f.m.Host.PID, f.dir)
		}
		if !ended {
			f.noteQuiet(time.Now())
		}
		if ended {
			if f.records.f == nil {
				if _, err := os.Stat(f.records.path); errors.Is(err, fs.ErrNotExist) {
					// A run makes requests.jsonl before run.json: an
					// ended run without it is none report reads.
					f.st.End(string(f.m.ExitState))
					return fmt.Errorf("%s: not a run directory (no %s)", f.dir, rundir.RecordsFile)
				}
			}
			if f.records.partial() {
				f.o.Warn(fmt.Sprintf("%s: last line %d is incomplete (run cut short?); skipped", f.records.path, f.records.line+1))
			}
			if w := f.repeats.Warning(f.records.path); w != "" {
				f.o.Warn(w)
			}
			if f.m.ExitState == rundir.ExitInterrupted {
				f.st.StoppedAt(f.cutNS())
			}
			f.finishLevel()
			f.st.End(string(f.m.ExitState))
			return nil
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-t.C:
		}
	}
}

// cutNS is when an interrupted run's running level ended, on the run's
// clock: its span in run.json, else the run's end; 0 where neither is
// written (a run from before run.json kept them).
func (f *Follower) cutNS() int64 {
	var end int64
	for _, ls := range f.m.Levels {
		if f.cur != nil && ls.Level == *f.cur {
			end = ls.EndNS
		}
	}
	if end == 0 && f.m.End != nil {
		end = f.m.End.Sub(f.m.Start).Nanoseconds()
	}
	return end
}

// noteRecordsGone warns once when requests.jsonl is no longer the file
// being read (removed, or replaced): the run and the follower go on
// through their open files, so the view stays true, but the directory no
// longer holds the records it shows, and report on it fails.
func (f *Follower) noteRecordsGone() {
	t := f.records
	if t.f == nil || t.saidGone {
		return
	}
	open, err := t.f.Stat()
	if err != nil {
		return
	}
	if now, err := os.Stat(t.path); err == nil && os.SameFile(open, now) {
		return
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
	t.saidGone = true
	f.o.Warn(fmt.Sprintf("%s was removed while watched: the view goes on from the file still open, but the directory no longer holds these records (`inferbench report` on it will fail)", t.path))
}

// poll reads what the files gained; more is true when a read stopped at
// maxReadPerPoll with more to read.
func (f *Follower) poll() (more bool, err error) {
	f.telemetry()
	b, more, err := f.records.read()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	if len(b) == 0 {
		return more, nil
	}
	first := f.records.line - bytes.Count(b, []byte{'\n'}) // lines before this batch
	bad := false
	rundir.ReadNumbered(bytes.NewReader(b), func(line int, rec *rundir.Record, err error) bool {
		if bad = err != nil; bad {
			return false
		}
		if !f.repeats.Repeat(first+line, rec) {
			f.add(rec)
		}
		return true
	})
	if bad {
		return false, f.decodeError(b, first)
	}
	return more, nil
}

// decodeError finds the line of b (whose first line is line first+1 of the
// file) that does not decode and names it file:line:col.
func (f *Follower) decodeError(b []byte, first int) error {
	for i, line := range bytes.SplitAfter(b, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		for _, err := range rundir.ReadRecords(bytes.NewReader(line)) {
			if err == nil {
				continue
			}
			col := int64(1)
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			switch {
			case errors.As(err, &se):
				col = max(se.Offset, 1)
			case errors.As(err, &te):
				col = max(te.Offset, 1)
			}
			// Drop ReadRecords' framing of this one line: it is the last
			// line of its input, so a *TruncatedError around "line 1: …".
			cause := err
			var tr *rundir.TruncatedError
			if errors.As(err, &tr) {
				cause = tr.Err
			}
			if u := errors.Unwrap(cause); u != nil {
				cause = u
			}
			return fmt.Errorf("%s:%d:%d: %v", f.records.path, first+i+1, col, cause)
		}
	}
	return fmt.Errorf("%s: a record after line %d does not decode", f.records.path, first)
}

// add feeds one record, starting and finishing levels as their values change.
func (f *Follower) add(r *rundir.Record) {
	done := max(r.DoneNS, r.EndNS)
	if f.replay != nil && done >= f.nextPoint {
		if f.haveLast.Load() {
			// The point holds the records read so far, at the clock of
			// the newest: this record is past it.
			f.held.release(f.lastDone.Load())
			f.replay()
		}
		f.nextPoint = max(f.lastDone.Load(), done) + f.replayStep
	}
	if !f.haveLast.Load() || done > f.lastDone.Load() {
		// lastAt first: a snapshot between the two stores reads a clock
		// a little behind, never ahead.
		f.lastAt.Store(time.Since(f.base).Nanoseconds())
		f.lastDone.Store(done)
		f.haveLast.Store(true)
	}
	if f.done[r.Level] && (f.cur == nil || *f.cur != r.Level) {
		// A late record of a finished level (a merged run's shards cross
		// a level boundary at slightly different times): it counts in its
		// level, which is not started again as a row of its own.
		f.st.Add(r)
		return
	}
	if f.cur == nil || *f.cur != r.Level {
		if f.replay != nil && f.cur != nil {
			// The level's client verdict is judged on its samples through
			// the first at or after its end (report.SummarizeClient), which
			// the replay may still hold: up to this record's completion,
			// the next level's first, they are fed first.
			f.held.release(done)
		}
		f.finishLevel()
		lv := r.Level
		f.cur = &lv
		f.st.startLevel(LevelPlan{Level: lv, Profile: f.m.Load.Profile, Sessions: f.turns, Requests: f.m.Load.Requests, Warmup: f.m.Load.Warmup,
			Duration: time.Duration(f.m.Load.DurationS * float64(time.Second)), RampUp: f.ramp,
			LastDue: time.Duration(f.m.Load.TraceLastDueS * float64(time.Second)), Streams: report.ClosedStreams(f.m, lv)}, r.SentNS, true)
		if f.slo.ITL > 0 {
			f.sumz = report.NewSummarizer(f.slo)
			f.sumz.RampUp(f.ramp)
		}
	}
	if f.sumz != nil {
		f.sumz.Add(r)
	}
	f.st.Add(r)
}

// finishLevel finishes the level running, if any.
func (f *Follower) finishLevel() {
	if f.cur == nil {
		return
	}
	var sum *report.Level
	if f.sumz != nil {
		if s := f.sumz.Snapshot(); len(s.Levels) == 1 {
			sum = &s.Levels[0]
		}
		f.sumz = nil
	}
	if a := f.adaptiveStop(*f.cur); a != nil {
		// Why the level stopped, for its result line, as the run's own
		// terminal says it. run.json holds it once the run has ended: a
		// level finished while the run still runs has none to show.
		f.st.Look(Look{Level: a.Level, N: a.Looks, Judged: a.Judged, Intervals: a.Intervals, Stop: a.Reason, Certain: a.Certain})
	}
	if f.m != nil {
		// The time it ran, where run.json says (the run has ended): its
		// rates over it, as summary.json's are.
		for _, ls := range f.m.Levels {
			if ls.Level == *f.cur {
				f.st.LevelSpan(ls)
			}
		}
	}
	f.st.LevelFinished(*f.cur, sum)
	if f.done == nil {
		f.done = map[float64]bool{}
	}
	f.done[*f.cur] = true
	f.cur = nil
}

// adaptiveStop is run.json's stop decision of the adaptive level, the
// last one of that value (a search may come back to a level), or nil.
func (f *Follower) adaptiveStop(level float64) *rundir.AdaptiveLevel {
	if f.m == nil || f.m.Adaptive == nil {
		return nil
	}
	ls := f.m.Adaptive.Levels
	for i := len(ls) - 1; i >= 0; i-- {
		if ls[i].Level == level && ls[i].Reason != "" {
			return &ls[i]
		}
	}
	return nil
}

// telemetry feeds what the telemetry files gained. A file that does not
// decode is reported once and no longer read: telemetry is optional.
func (f *Follower) telemetry() {
	feed := func(t *tailer, each func([]byte) error) {
		if t.off < 0 {
			return
		}
		b, _, err := t.read()
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				f.o.Warn(fmt.Sprintf("%s: %v (no longer followed)", t.path, err))
				t.off = -1
			}
			return
		}
		first := t.line - bytes.Count(b, []byte{'\n'})
		for i, line := range bytes.SplitAfter(b, []byte{'\n'}) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if err := each(line); err != nil {
				f.o.Warn(fmt.Sprintf("%s:%d: %v (no longer followed)", t.path, first+i+1, err))
				t.off = -1
				return
			}
		}
	}
	feed(f.clientT, jsonLine(func(c rundir.ClientSample) { f.hold(c.TNS, func() { f.st.Client(c) }) }))
	feed(f.gpuT, jsonLine(func(g rundir.GPUSample) { f.hold(g.TNS, func() { f.st.GPU([]rundir.GPUSample{g}) }) }))
	feed(f.serverT, jsonLine(func(sv rundir.ServerSample) { f.hold(sv.TNS, func() { f.st.Server(sv) }) }))
}

// hold feeds a telemetry sample taken at run time t now, or while the
// follower replays what was written before it began (Follower.replay),
// when the records' clock passes t.
func (f *Follower) hold(t int64, feed func()) {
	if f.replay == nil {
		feed()
		return
	}
	f.held.add(t, feed)
}

// replayPoints makes the follower take a point of sv's page each of its
// intervals of the run's time while it reads what was written before it
// began (see Follower.replay), until endReplay.
func (f *Follower) replayPoints(sv *Server) {
	f.replay, f.replayStep = sv.tick, sv.o.Interval.Nanoseconds()
}

// endReplay ends the replay once the follower has caught up with the run:
// the telemetry still held is fed, and the live clock takes over the
// points.
func (f *Follower) endReplay() {
	if f.replay == nil {
		return
	}
	f.held.release(math.MaxInt64)
	f.replay = nil
}

// heldSamples is telemetry held back during a replay: each sample's run
// time and the call that feeds it, released in time order.
type heldSamples struct {
	s     []heldSample
	next  int  // s[:next] are fed
	dirty bool // s[next:] may be out of order
}

type heldSample struct {
	t    int64
	feed func()
}

func (h *heldSamples) add(t int64, feed func()) {
	h.dirty = h.dirty || (len(h.s) > h.next && h.s[len(h.s)-1].t > t)
	h.s = append(h.s, heldSample{t, feed})
}

// release feeds the held samples taken at or before t, oldest first.
func (h *heldSamples) release(t int64) {
	if h.dirty {
		// Three files, each in time order: sorted once per batch read.
		slices.SortStableFunc(h.s[h.next:], func(a, b heldSample) int { return cmp.Compare(a.t, b.t) })
		h.dirty = false
	}
	for h.next < len(h.s) && h.s[h.next].t <= t {
		h.s[h.next].feed()
		h.s[h.next].feed = nil
		h.next++
	}
	if h.next == len(h.s) {
		h.s, h.next = h.s[:0], 0
	}
}

// jsonLine decodes a telemetry line as a T and hands it to use.
func jsonLine[T any](use func(T)) func([]byte) error {
	return func(b []byte) error {
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		use(v)
		return nil
	}
}

// tailer reads a growing file by whole lines.
type tailer struct {
	path string
	f    *os.File
	off  int64  // bytes handed out (whole lines); -1: given up
	line int    // lines handed out
	rest []byte // a partial last line, kept for the next read
	// saidGone: the file's removal was said (Follower.noteRecordsGone).
	saidGone bool
	buf      []byte
	chunk    []byte
}

// read returns the whole lines appended since the last read (nil for
// none), at most about maxReadPerPoll bytes; more says it stopped there.
// The returned slice is valid until the next read.
func (t *tailer) read() (b []byte, more bool, err error) {
	if t.f == nil {
		f, err := rundir.OpenFile(t.path)
		if err != nil {
			return nil, false, err
		}
		t.f = f
	}
	if t.chunk == nil {
		t.chunk = make([]byte, 256<<10)
	}
	if fi, err := t.f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < t.off+int64(len(t.rest)) {
		// Cut by another process (truncated, or rewritten shorter): what
		// was read is no longer in it, and the writer, writing at its own
		// offset, leaves a hole of zero bytes. Said as that, not as a
		// line that does not decode.
		return nil, false, fmt.Errorf("%s shrank from %d to %d bytes while watched: truncated by another process? (the lines read are gone from it)",
			t.path, t.off+int64(len(t.rest)), fi.Size())
	}
	t.buf = append(t.buf[:0], t.rest...)
	// Bounded by what this poll reads, not by the buffer: a partial line
	// kept from the last poll as long as maxReadPerPoll said "more"
	// without reading, for ever.
	for read := 0; ; {
		if read >= maxReadPerPoll {
			more = true
			break
		}
		n, err := t.f.Read(t.chunk)
		read += n
		t.buf = append(t.buf, t.chunk[:n]...)
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			break
		}
		if err != nil {
			return nil, false, err
		}
	}
	i := bytes.LastIndexByte(t.buf, '\n')
	if len(t.buf)-(i+1) > rundir.MaxRecordLine {
		// No record is this long (ReadRecords refuses it): not kept
		// whole, growing with every poll (a link to /dev/zero).
		return nil, false, fmt.Errorf("%s: line %d is longer than %d MiB with no end: not a record", t.path, t.line+bytes.Count(t.buf, []byte{'\n'})+1, rundir.MaxRecordLine>>20)
	}
	if i < 0 {
		t.rest = append(t.rest[:0], t.buf...)
		return nil, more, nil
	}
	b = t.buf[:i+1]
	t.rest = append(t.rest[:0], t.buf[i+1:]...)
	t.off += int64(len(b))
	t.line += bytes.Count(b, []byte{'\n'})
	return b, more, nil
}

// close closes the files read.
func (f *Follower) close() {
	for _, t := range []*tailer{f.records, f.gpuT, f.serverT, f.clientT} {
		if t.f != nil {
			t.f.Close()
		}
	}
}

// partial reports whether a partial last line is left.
func (t *tailer) partial() bool { return len(bytes.TrimSpace(t.rest)) > 0 }

// Follow follows the run directory dir (see Follower) and draws its
// progress on w as a run does (see Progress), until the run ends or ctx
// is done (then it returns ctx's cause). Warnings go to w too. With
// o.Serve it also serves the live page, and says where on w.
func Follow(ctx context.Context, dir string, w io.Writer, o FollowOptions) (err error) {
	var p *Progress
	if o.Warn == nil {
		o.Warn = func(s string) {
			out := w
			if p != nil {
				out = p.Writer()
			}
			fmt.Fprintln(out, "inferbench: warning: "+s)
		}
	}
	f, err := NewFollower(ctx, dir, o)
	if err != nil {
		return err
	}
	if o.Serve != nil {
		sv, err := Start(f.State(), *o.Serve)
		if err != nil {
			return err
		}
		f.replayPoints(sv)
		fmt.Fprintf(w, "inferbench: live view of %s at %s (metrics at %smetrics)\n", dir, sv.URL(), sv.URL())
		defer func() {
			if e := sv.Shutdown(ctx); e != nil && ctx.Err() == nil {
				err = errors.Join(err, e)
			}
		}()
	}
	p = NewProgress(w, f.State(), o.Progress)
	pctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	perr := make(chan error, 1)
	go func() { perr <- p.Run(pctx) }()
	err = f.Run(ctx)
	stop()
	if err = errors.Join(err, <-perr); err == nil {
		s := f.State().Snapshot()
		if s.Ended && len(s.Levels) == 0 {
			// Nothing else would be printed: say what was found.
			fmt.Fprintf(w, "inferbench: %s ended (%s) with no request recorded\n", dir, s.ExitState)
		}
		why := ""
		if f.m.ExitReason != "" {
			why = " (" + printable.Text(f.m.ExitReason) + ")"
		}
		switch s.ExitState {
		case string(rundir.ExitInterrupted):
			return fmt.Errorf("%s: %w%s; %s in it: complete and reportable", dir, ErrInterrupted, why, printable.Count(int(f.m.Records), "record"))
		case string(rundir.ExitFailed):
			return fmt.Errorf("%s: %w%s; %s in it: reportable up to the failure", dir, ErrFailed, why, printable.Count(int(f.m.Records), "record"))
		}
	}
	return err
}
