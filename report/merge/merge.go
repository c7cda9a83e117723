// Package merge joins the run directories of a sharded run (`inferbench run
// --shard I/N`, one per process or machine) into one run directory, as if
// one process had applied the whole load.
//
// What it does, file by file:
//   - requests.jsonl: the union of the shards' records, every offset
//     re-based onto the earliest shard start (run.json "start", each host's
//     wall clock). Ids are already disjoint (rundir.IDScheme); the merge
//     checks that every record id belongs to its shard.
//   - gpu.jsonl, server.jsonl: the shards watch the same devices and the
//     same server, so the lowest-numbered shard that has the file is kept
//     (re-based), rather than N interleaved observers of one thing. Every
//     telemetry file is read as a report reads it: a last line cut short
//     is left out with a warning, any other bad line fails the merge.
//   - client.jsonl: each shard's own client, all kept, re-based, in time
//     order, each line with a "shard" field naming its process.
//   - summary.json: recomputed from the merged raw records (exact
//     percentiles over all requests, never averaged percentiles); each
//     level's client verdict is judged per shard (a client is one process).
//   - run.json: the lowest shard's, with the merged start and end, the
//     record count, and "merged" listing the shards.
//
// Clock skew between machines is recorded, not corrected: nothing in a run
// directory measures it. Each shard's offsets are exact on its own
// monotonic clock; only the shift between shards rests on the hosts' wall
// clocks (NTP keeps them within milliseconds). The merge warns when the
// shards' starts lie further apart than a bound.
package merge

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// DefaultSkewBound is Options.SkewBound's default: shards whose starts lie
// further apart (or later than --start-at) are warned about.
const DefaultSkewBound = time.Second

// Options says what to merge.
type Options struct {
	// Dirs are the shards' run directories.
	Dirs []string
	// Out is the merged run directory to create; it must not hold a run.
	Out string
	// Partial merges a subset of the shards (the merged load is then a
	// part of the scenario's); without it a missing shard is refused.
	Partial bool
	// SkewBound is the start spread above which the merge warns; 0 means
	// DefaultSkewBound.
	SkewBound time.Duration
	// AcceptApart merges shards that did not run at once (apart), which
	// are refused without it; the merged run.json says so (merged.apart).
	AcceptApart bool
}

// Refused is a merge refused because its inputs do not belong together;
// Reason says why.
type Refused struct{ Reason string }

func (e *Refused) Error() string { return "merge refused: " + e.Reason }

func refuse(format string, args ...any) error {
	return &Refused{Reason: fmt.Sprintf(format, args...)}
}

// Result is what a merge made.
type Result struct {
	Manifest *rundir.Manifest
	Summary  *report.Summary
	// Warnings are what the merge noticed and did not refuse (also in
	// Manifest.Merged.Warnings, with the summary's own warnings here).
	Warnings []string
}

// shard is one input.
type shard struct {
	dir      string
	rd       *rundir.Run
	m        *rundir.Manifest
	offsetNS int64
	records  int64
}

// Merge merges o.Dirs into o.Out (MergeContext, never stopped).
func Merge(o Options) (*Result, error) {
	return MergeContext(context.Background(), o)
}

// stagePrefix begins the name of the hidden directory inside o.Out in which
// a merge builds the run before moving it into place.
const stagePrefix = ".inferbench-merge-"

// MergeContext merges o.Dirs into o.Out. Inputs that do not belong
// together are refused with a *Refused error before anything is written.
// The run is built in a hidden directory inside o.Out (stagePrefix: the
// same filesystem, and no run file, so not a run) and its files are moved
// into o.Out only when every one is complete, run.json last. A merge that
// fails, finds an id that does not belong to its shard, or is stopped by
// ctx (looked at every record and telemetry line; a summary under way is
// left to finish unread) removes the hidden directory and leaves o.Out as
// it found it: a directory it made, and the parents it made, removed; one
// that was there (empty, or holding only hidden entries) kept as it was.
// Nothing left reads as a run, and the same merge can be run again.
func MergeContext(ctx context.Context, o Options) (*Result, error) {
	switch {
	case o.SkewBound < 0: // --skew-warn -1s was merged with the default bound
		return nil, fmt.Errorf("--skew-warn %s: the bound must not be negative", o.SkewBound)
	case o.SkewBound == 0:
		o.SkewBound = DefaultSkewBound
	}
	shards, err := readShards(o.Dirs)
	if err != nil {
		return nil, err
	}
	if err := check(shards, o.Partial); err != nil {
		return nil, err
	}
	base, spread := rebase(shards)
	apartWhy := apart(shards)
	if apartWhy != "" && !o.AcceptApart {
		return nil, refuse("%s (--accept-apart merges them anyway, and the merged run says so)", apartWhy)
	}
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	made, err := createOut(o.Out, o.Dirs)
	if err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(o.Out, stagePrefix)
	if err == nil {
		var res *Result
		res, err = merge(ctx, shards, base, spread, o, apartWhy, stage)
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		if err == nil {
			err = moveIn(stage, o.Out)
		}
		os.RemoveAll(stage) // made by MkdirTemp: a link inside is removed, not followed
		if err == nil {
			res.Warnings = append(res.Warnings, leftStages(o.Out, stage)...)
			return res, nil
		}
	}
	for _, d := range made {
		if os.Remove(d) != nil { // not empty: someone else's files
			break
		}
	}
	return nil, err
}

// leftStages warns of the hidden directories of other merges in out (not
// stage, this merge's): a merge killed outright (SIGKILL) leaves its own,
// records and all, read by nothing. They are named, not removed: one may
// be a merge still going there.
func leftStages(out, stage string) []string {
	entries, _ := os.ReadDir(out)
	var warnings []string
	for _, e := range entries {
		if name := e.Name(); e.IsDir() && strings.HasPrefix(name, stagePrefix) && name != filepath.Base(stage) {
			warnings = append(warnings, printable.Text(fmt.Sprintf("%s holds %s, left by a merge killed before it ended (or one still going there): remove it", out, name)))
		}
	}
	return warnings
}

// moveIn moves the merged run's files from stage into out, run.json last:
// out holds a run only once all of it is there. A file already at a name
// in out (a run written there meanwhile, a link) is not replaced: the
// files moved so far are taken back out and the merge fails.
func moveIn(stage, out string) error {
	var files []string
	for _, f := range rundir.Files() {
		if f == rundir.ManifestFile {
			continue
		}
		if _, err := os.Lstat(filepath.Join(stage, f)); err == nil {
			files = append(files, f)
		}
	}
	files = append(files, rundir.ManifestFile)
	for i, f := range files {
		if err := rundir.MoveFile(stage, out, f); err != nil {
			for _, moved := range files[:i] {
				os.Remove(filepath.Join(out, moved))
			}
			return err
		}
	}
	return nil
}

func readShards(dirs []string) ([]*shard, error) {
	if len(dirs) == 0 {
		return nil, refuse("no shard directories given")
	}
	var out []*shard
	for _, d := range dirs {
		rd, err := rundir.Open(d)
		if err != nil {
			return nil, fmt.Errorf("shard %s: %w", d, err)
		}
		m := rd.Manifest
		if m == nil {
			return nil, refuse("%s has no readable %s: a shard must say which shard it is", d, rundir.ManifestFile)
		}
		if m.Shard == nil || m.Shard.Count < 1 {
			return nil, refuse("%s is not a shard: its run.json has no \"shard\" (run it with --shard I/N)", d)
		}
		out = append(out, &shard{dir: d, rd: rd, m: m})
	}
	slices.SortStableFunc(out, func(a, b *shard) int { return cmp.Compare(a.m.Shard.Index, b.m.Shard.Index) })
	return out, nil
}

// check refuses shards that are not parts of one run.
func check(shards []*shard, partial bool) error {
	first := shards[0]
	n := first.m.Shard.Count
	seen := map[int]string{}
	for _, s := range shards {
		sh := s.m.Shard
		if sh.Count != n {
			return refuse("%s is shard %s but %s is shard %s: different shard counts", first.dir, first.m.Shard, s.dir, sh)
		}
		if sh.IDs != "" && sh.IDs != rundir.IDScheme {
			return refuse("%s numbers its records %q; this merge knows %q", s.dir, sh.IDs, rundir.IDScheme)
		}
		if prev, ok := seen[sh.Index]; ok {
			return refuse("shard %s given twice: %s and %s", sh, prev, s.dir)
		}
		seen[sh.Index] = s.dir
		if s.m.StillGoing() {
			// Its records so far would be merged as all it ran, into a run
			// whose run.json names no process: compare and history add,
			// which refuse the shard, would take the merged run.
			return refuse("shard %s (%s) is still going (pid %d on this host): merge once it has ended", sh, s.dir, s.m.Host.PID)
		}
		if s.m.Target.Kind != first.m.Target.Kind || s.m.Target.URL != first.m.Target.URL ||
			s.m.Target.API != first.m.Target.API || s.m.Target.Model != first.m.Target.Model {
			return refuse("%s ran against %s, %s against %s: different targets", first.dir, describeTarget(first.m.Target), s.dir, describeTarget(s.m.Target))
		}
		if diff := scenarioDiff(first.m.Scenario, s.m.Scenario); diff != "" {
			return refuse("%s and %s ran different scenarios (%s)", first.dir, s.dir, diff)
		}
		if a, b := loadKey(first.m.Load), loadKey(s.m.Load); a != b {
			return refuse("%s and %s applied different load (%s vs %s)", first.dir, s.dir, a, b)
		}
		if !sameTime(first.m.Shard.StartAt, sh.StartAt) {
			return refuse("%s and %s were told different --start-at (%s vs %s): not one run", first.dir, s.dir, fmtTime(first.m.Shard.StartAt), fmtTime(sh.StartAt))
		}
	}
	if len(seen) < n && !partial {
		var missing []string
		for i := range n {
			if _, ok := seen[i]; !ok {
				missing = append(missing, strconv.Itoa(i))
			}
		}
		return refuse("%s %s of %d missing (--partial merges the rest, which applied only part of the load)", printable.Plural(len(missing), "shard"), strings.Join(missing, ", "), n)
	}
	return nil
}

func describeTarget(t rundir.TargetInfo) string {
	return fmt.Sprintf("%s %s %s model %s", t.Kind, t.URL, t.API, t.Model)
}

// loadKey is a load description without what may differ between shards of
// one run (the measured auto spread).
func loadKey(l rundir.LoadInfo) string {
	l.StartSpread, l.StartSpreadNS = "", 0
	l.PromptSeed = 0 // each shard draws its own prompts unless --seed gave them
	b, _ := json.Marshal(l)
	return string(b)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "none"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// scenarioDiff names the settings in which two shards' scenarios differ
// ("load.concurrency: 4 vs 8; …"), "" when they are the same.
func scenarioDiff(a, b json.RawMessage) string {
	if bytes.Equal(a, b) {
		return ""
	}
	diffs, err := rundir.DiffScenarios(a, b)
	if err != nil {
		return "scenario not readable"
	}
	parts := make([]string, len(diffs))
	for i, d := range diffs {
		parts[i] = d.Path + ": " + d.A + " vs " + d.B
	}
	return strings.Join(parts, "; ")
}

// createOut makes the output directory, refusing one that holds a run or
// is one of the inputs (rundir.Create's rules). made lists the directories
// it made, out first and its parents after it, for a failed merge to
// remove.
func createOut(out string, inputs []string) (made []string, err error) {
	if out == "" {
		return nil, refuse("no output directory (--out)")
	}
	for _, d := range inputs {
		if rundir.SameDir(out, d) { // a link to a shard too
			return nil, refuse("--out %s is one of the shards", out)
		}
	}
	for d := filepath.Clean(out); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, os.ErrNotExist) || d == filepath.Dir(d) {
			break
		}
		made = append(made, d)
	}
	if err := rundir.Create(out, false); err != nil {
		if he, ok := errors.AsType[*rundir.HoldsRunError](err); ok {
			return nil, refuse("%s already holds a run (%s): choose another --out", out, he.File) // merge has no --force
		}
		if errors.Is(err, rundir.ErrOutTaken) {
			return nil, refuse("%v", err)
		}
		return nil, err
	}
	return made, nil
}

// rebase sets each shard's offset from the earliest shard start, base,
// and returns base and spread, how far the latest start lies after it.
func rebase(shards []*shard) (base time.Time, spread time.Duration) {
	base = shards[0].m.Start
	latest := base
	for _, s := range shards {
		if s.m.Start.Before(base) {
			base = s.m.Start
		}
		if s.m.Start.After(latest) {
			latest = s.m.Start
		}
	}
	for _, s := range shards {
		s.offsetNS = s.m.Start.Sub(base).Nanoseconds()
	}
	return base, latest.Sub(base)
}

// merge writes the merged run into dir (the hidden stage of MergeContext),
// stopping with ctx's cause when it ends; base and spread are rebase's.
func merge(ctx context.Context, shards []*shard, base time.Time, spread time.Duration, o Options, apartWhy, dir string) (*Result, error) {
	var warnings []string
	startAt := shards[0].m.Shard.StartAt
	for _, s := range shards {
		if s.m.ExitState != rundir.ExitComplete {
			w := fmt.Sprintf("shard %s (%s) ended %s", s.m.Shard, s.dir, s.m.ExitState)
			if s.m.ExitReason != "" {
				w += ": " + s.m.ExitReason
			}
			warnings = append(warnings, w)
		}
		if startAt != nil {
			if late := s.m.Start.Sub(*startAt); late > o.SkewBound {
				warnings = append(warnings, fmt.Sprintf("shard %s started %s after --start-at (late pod, or its clock is behind)", s.m.Shard, late.Round(time.Millisecond)))
			}
		}
	}
	if spread > o.SkewBound {
		warnings = append(warnings, fmt.Sprintf("shard starts lie %s apart (more than %s): the shards' loads overlapped only in part, or the hosts' clocks disagree; offsets are re-based on each host's clock, not corrected", spread.Round(time.Millisecond), o.SkewBound))
	}

	n, err := mergeRecords(ctx, shards, dir, &warnings)
	if err != nil {
		return nil, err
	}
	gpuFrom, err := copyObserver(ctx, shards, rundir.GPUFile, dir, &warnings)
	if err != nil {
		return nil, err
	}
	serverFrom, err := copyObserver(ctx, shards, rundir.ServerFile, dir, &warnings)
	if err != nil {
		return nil, err
	}
	clients, err := mergeClients(ctx, shards, dir, &warnings)
	if err != nil {
		return nil, err
	}

	m := mergedManifest(shards, base, n, spread, gpuFrom, serverFrom, warnings)
	m.Merged.Apart = apartWhy
	if err := rundir.WriteManifest(dir, m); err != nil {
		return nil, err
	}
	slo := report.ManifestSLO(m.Scenario)
	sum, sumWarnings, err := summarize(ctx, dir, o.Out, slo)
	if err != nil {
		return nil, err
	}
	report.JudgeClientsPerShard(sum, clients, m)
	if err := report.WriteSummaryFile(dir, sum); err != nil {
		return nil, err
	}
	var shown []string // printed as they are: no escape may reach a terminal
	for _, w := range append(warnings, sumWarnings...) {
		shown = append(shown, printable.Text(w))
	}
	return &Result{Manifest: m, Summary: sum, Warnings: shown}, nil
}

// span is one shard's time at a level (or its whole run) on a clock common
// to the shards: ns since the earliest shard start.
type span struct {
	s          *shard
	start, end int64
}

// apart says why the shards did not run at once, "" when they did.
//
// A level is one load only when its shards ran it together: the merged
// level counts every shard's tokens over the union of their windows, and
// the client check counts the streams of the shards not running then as
// missing. So the shards' windows at each level (run.json levels; the
// whole run, start to end, where a shard's run.json lists none) must have
// in common at least half of the shortest of them. At that bound each
// shard spent at least as much of its measured time under the whole load
// as under part of it; two equal windows offset by half make a merged
// window 1.5 times each, and a throughput that reads 2/3 of the load's.
// Past it, the level is mostly shards taking turns, as shards run one
// after another are (32 s apart, 4.8 s each: half the throughput over a
// 36.8 s window); short of it, the start spread is warned about
// (--skew-warn), not refused. The skew --start-at leaves (milliseconds;
// a late pod's second or two) keeps over 90% in common on runs of tens of
// seconds. A shard that stopped early lies inside the others' windows and
// passes: its end is warned about on its own. A shard with no end in
// run.json (killed) has no known window and is not judged. The shards'
// offsets are set (rebase).
func apart(shards []*shard) string {
	if len(shards) < 2 {
		return ""
	}
	levels := true
	for _, s := range shards {
		levels = levels && len(s.m.Levels) > 0
	}
	byLevel := map[float64][]span{}
	var order []float64
	for _, s := range shards {
		off := s.offsetNS
		spans := s.m.Levels
		if !levels {
			if s.m.End == nil {
				continue
			}
			spans = []rundir.LevelSpan{{Level: -1, EndNS: s.m.End.Sub(s.m.Start).Nanoseconds()}}
		}
		for _, l := range spans {
			if _, ok := byLevel[l.Level]; !ok {
				order = append(order, l.Level)
			}
			byLevel[l.Level] = append(byLevel[l.Level], span{s: s, start: l.StartNS + off, end: l.EndNS + off})
		}
	}
	for _, lv := range order {
		spans := byLevel[lv]
		if len(spans) < 2 {
			continue
		}
		late, early := spans[0], spans[0] // the latest start, the earliest end
		shortest := spans[0].end - spans[0].start
		for _, sp := range spans[1:] {
			if sp.start > late.start {
				late = sp
			}
			if sp.end < early.end {
				early = sp
			}
			shortest = min(shortest, sp.end-sp.start)
		}
		common := max(0, early.end-late.start)
		if 2*common >= shortest {
			continue
		}
		at := fmt.Sprintf("at level %g", lv)
		if lv == -1 {
			at = "over their runs"
		}
		d := func(ns int64) time.Duration { return time.Duration(ns).Round(time.Millisecond) }
		return fmt.Sprintf("shards %d (%s) and %d (%s) did not run at once: %s shard %d started %s after shard %d, their windows last %s and %s and share %s, less than half the shorter: merged, the level would read part of the load over a longer window",
			early.s.m.Shard.Index, early.s.dir, late.s.m.Shard.Index, late.s.dir, at, late.s.m.Shard.Index, d(late.start-early.start), early.s.m.Shard.Index,
			d(early.end-early.start), d(late.end-late.start), d(common))
	}
	return ""
}

// mergedLevels are the shards' levels (run.json levels) on the merged
// clock: each from its earliest start to its latest end over the shards
// that ran it. A shard whose run.json does not say leaves them unknown
// (nil): the level's time is then its records'.
func mergedLevels(shards []*shard) []rundir.LevelSpan {
	var out []rundir.LevelSpan
	for _, s := range shards {
		if len(s.m.Levels) == 0 {
			return nil
		}
		for _, ls := range s.m.Levels {
			ls.StartNS += s.offsetNS
			ls.EndNS += s.offsetNS
			i := slices.IndexFunc(out, func(o rundir.LevelSpan) bool { return o.Level == ls.Level })
			if i < 0 {
				out = append(out, ls)
				continue
			}
			o := &out[i]
			o.StartNS, o.EndNS, o.Open = min(o.StartNS, ls.StartNS), max(o.EndNS, ls.EndNS), o.Open || ls.Open
		}
	}
	return out
}

// mergedManifest is the lowest shard's run.json made into the merged run's.
func mergedManifest(shards []*shard, base time.Time, records int64, spread time.Duration, gpuFrom, serverFrom int, warnings []string) *rundir.Manifest {
	m := *shards[0].m
	m.Start = base
	m.Records = records
	m.Shard = nil
	m.Levels = mergedLevels(shards)
	var hosts, reasons, spreads []string
	m.Host.CPUs = 0
	m.Host.PID = 0 // no one process wrote the merged directory
	state := rundir.ExitComplete
	mg := &rundir.Merged{Count: shards[0].m.Shard.Count, StartSpreadNS: spread.Nanoseconds(), GPUFrom: -1, ServerFrom: -1, Warnings: warnings,
		Clock: "offsets re-based onto the earliest shard start by each host's wall clock (run.json start); skew between hosts is not measured nor corrected"}
	for _, s := range shards {
		sm := s.m
		if !slices.Contains(hosts, sm.Host.Name) {
			hosts = append(hosts, sm.Host.Name)
		}
		m.Host.CPUs += sm.Host.CPUs
		if sm.End != nil && (m.End == nil || sm.End.After(*m.End)) {
			e := *sm.End
			m.End = &e
		}
		switch {
		case sm.ExitState == rundir.ExitFailed || sm.ExitState == rundir.ExitRunning:
			state = rundir.ExitFailed
		case sm.ExitState == rundir.ExitInterrupted && state == rundir.ExitComplete:
			state = rundir.ExitInterrupted
		}
		if sm.ExitState != rundir.ExitComplete {
			reasons = append(reasons, fmt.Sprintf("shard %s: %s", sm.Shard, endedWords(sm)))
		}
		if sm.Load.StartSpread != "" {
			spreads = append(spreads, fmt.Sprintf("shard %d: %s", sm.Shard.Index, sm.Load.StartSpread))
		}
		mg.Shards = append(mg.Shards, rundir.MergedShard{Index: sm.Shard.Index, Dir: s.dir, Host: sm.Host.Name, Start: sm.Start,
			OffsetNS: s.offsetNS, End: sm.End, StartAt: sm.Shard.StartAt, Seed: sm.Shard.Seed, Records: s.records, ExitState: sm.ExitState})
		if sm.Shard.Index == gpuFrom {
			m.GPUs, m.GPUBackend = sm.GPUs, sm.GPUBackend
			mg.GPUFrom = gpuFrom
		}
		if sm.Shard.Index == serverFrom {
			mg.ServerFrom = serverFrom
		}
	}
	if gpuFrom < 0 {
		m.GPUs = nil
	}
	m.Host.Name = strings.Join(hosts, ",")
	m.ExitState, m.ExitReason = state, strings.Join(reasons, "; ")
	if len(shards) > 1 {
		m.Load.StartSpread, m.Load.StartSpreadNS = strings.Join(spreads, "; "), 0
	}
	m.Merged = mg
	return &m
}

// recordStream is one shard's records, pulled one at a time.
type recordStream struct {
	s    *shard
	next func() (*rundir.Record, error, bool)
	stop func()
	head *rundir.Record
}

func (rs *recordStream) advance() error {
	rec, err, ok := rs.next()
	rs.head = nil
	if ok && err == nil {
		rs.head = rec
	}
	return err
}

// doneKey orders records by completion (re-based), as one process writes them.
func doneKey(r *rundir.Record) int64 { return max(r.DoneNS, r.EndNS, r.SentNS) }

// mergeRecords writes the union of the shards' records to out, re-based,
// in completion order (a k-way merge of files each in completion order:
// memory holds one record per shard).
func mergeRecords(ctx context.Context, shards []*shard, out string, warnings *[]string) (int64, error) {
	rw, err := rundir.CreateRecordWriter(out)
	if err != nil {
		return 0, err
	}
	rw.SyncEvery(syncBytes)
	closed := false
	var streams []*recordStream
	defer func() {
		for _, rs := range streams {
			rs.stop()
		}
		if !closed {
			rw.Discard() // failed or stopped: the stage is removed
		}
	}()
	for _, s := range shards {
		next, stop := iter.Pull2(s.rd.Records())
		rs := &recordStream{s: s, next: next, stop: stop}
		streams = append(streams, rs)
	}
	pull := func(rs *recordStream) error {
		if err := rs.advance(); err != nil {
			return fmt.Errorf("shard %s: %w", rs.s.dir, err)
		}
		if r := rs.head; r != nil {
			if !rs.s.m.Shard.Owns(r.ID) {
				return refuse("%s (shard %s) holds record id %d, which is not its own (ids are local·N+I): ids overlap another shard's", rs.s.dir, rs.s.m.Shard, r.ID)
			}
			shift(r, rs.s.offsetNS)
		}
		return nil
	}
	for _, rs := range streams {
		if err := pull(rs); err != nil {
			return 0, err
		}
	}
	for {
		var best *recordStream
		for _, rs := range streams {
			if rs.head != nil && (best == nil || doneKey(rs.head) < doneKey(best.head)) {
				best = rs
			}
		}
		if best == nil {
			break
		}
		if err := rw.Write(best.head); err != nil {
			return 0, err
		}
		best.s.records++
		if ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		if err := pull(best); err != nil {
			return 0, err
		}
	}
	for _, rs := range streams {
		rs.stop() // ends each reader, which then adds what it noticed
		for _, w := range rs.s.rd.Warnings {
			*warnings = append(*warnings, fmt.Sprintf("shard %s: %s", rs.s.m.Shard, w))
		}
	}
	n := rw.Count()
	closed = true
	return n, rw.Close()
}

// syncBytes is how much of requests.jsonl the merge writes between syncs
// (one sync at the end waited 0.4 s on 600 MB, with no look at the
// context: a Ctrl-C then came later than the second main allows).
const syncBytes = 32 << 20

// errStopped ends a telemetry file's reading when the merge's context ends.
var errStopped = errors.New("merge stopped")

// summarize is report.SummarizeRun of the staged run in dir, given up when
// ctx ends first (its goroutine reads on until it is done, and its result
// is dropped: the staged files are removed, and a file open stays
// readable). The summary's warnings name out, where the run will be, not
// the stage.
func summarize(ctx context.Context, dir, out string, slo report.SLO) (*report.Summary, []string, error) {
	type result struct {
		sum      *report.Summary
		warnings []string
		err      error
	}
	done := make(chan result, 1)
	go func() {
		sum, warnings, err := report.SummarizeRun(dir, slo)
		done <- result{sum, warnings, err}
	}()
	select {
	case <-ctx.Done():
		return nil, nil, context.Cause(ctx)
	case r := <-done:
		for i, w := range r.warnings {
			r.warnings[i] = strings.ReplaceAll(w, dir, out)
		}
		return r.sum, r.warnings, r.err
	}
}

// shift moves every offset of r by d ns. Offsets that are absent (zero and
// omitted in the file) stay absent; scheduled_ns and sent_ns are always
// present; durations (server timings) do not move.
func shift(r *rundir.Record, d int64) {
	if d == 0 {
		return
	}
	r.ScheduledNS += d
	r.SentNS += d
	for _, p := range []*int64{&r.HeadersNS, &r.FirstByteNS, &r.FirstTokenNS, &r.FirstContentNS, &r.EndNS, &r.DoneNS} {
		if *p != 0 {
			*p += d
		}
	}
	for i := range r.Chunks {
		r.Chunks[i][0] += d
	}
}

// copyObserver copies file from the lowest shard that has a non-empty one,
// re-based, and returns that shard's index (-1: none had it). Each shard's
// file is read by the rule of every telemetry file of a run
// (rundir.Run.EachTelemetryLine): a last line cut short is left out with a
// warning, any other line that does not decode fails the merge, naming the
// file and the line.
func copyObserver(ctx context.Context, shards []*shard, file, out string, warnings *[]string) (int, error) {
	for _, s := range shards {
		var buf bytes.Buffer
		err := eachTelemetryLine(ctx, s, file, warnings, func(line []byte) error {
			l, err := rebaseLine(line, s.offsetNS, -1)
			if err != nil {
				return err
			}
			buf.Write(l)
			buf.WriteByte('\n')
			return nil
		})
		if err != nil {
			return -1, err
		}
		if buf.Len() == 0 {
			continue
		}
		f, err := rundir.CreateFile(out, file)
		if err != nil {
			return -1, err
		}
		_, werr := f.Write(buf.Bytes())
		return s.m.Shard.Index, errors.Join(werr, f.Sync(), f.Close())
	}
	return -1, nil
}

// eachTelemetryLine calls use with each line of the shard's telemetry file
// (rundir.Run.EachTelemetryLine: bounded lines, a named pipe refused, a
// missing file no lines), adding what the reader warned of to warnings,
// and names the shard in its error.
func eachTelemetryLine(ctx context.Context, s *shard, file string, warnings *[]string, use func(line []byte) error) error {
	before := len(s.rd.Warnings)
	err := s.rd.EachTelemetryLine(file, func(line []byte) error {
		if ctx.Err() != nil {
			return errStopped
		}
		return use(line)
	})
	if errors.Is(err, errStopped) {
		return context.Cause(ctx)
	}
	for _, w := range s.rd.Warnings[before:] {
		*warnings = append(*warnings, fmt.Sprintf("shard %s: %s", s.m.Shard, w))
	}
	if err != nil {
		return fmt.Errorf("shard %s: %w", s.m.Shard, err)
	}
	return nil
}

// rebaseLine adds d to a telemetry line's t_ns, keeping every other field
// as it was, and adds "shard" when shard ≥ 0.
func rebaseLine(line []byte, d int64, shard int) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return nil, err
	}
	t, err := strconv.ParseInt(string(obj["t_ns"]), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("t_ns: %w", err)
	}
	obj["t_ns"] = json.RawMessage(strconv.FormatInt(t+d, 10))
	if shard >= 0 {
		obj["shard"] = json.RawMessage(strconv.Itoa(shard))
	}
	return json.Marshal(obj)
}

// clientLine is one client.jsonl line of a shard, re-based.
type clientLine struct {
	tNS   int64
	shard int
	line  []byte
}

// mergeClients writes every shard's client.jsonl, re-based and tagged with
// its shard, in time order, and returns each shard's samples (re-based)
// for the per-shard verdicts. Each is read as copyObserver reads a file.
func mergeClients(ctx context.Context, shards []*shard, out string, warnings *[]string) (map[int][]rundir.ClientSample, error) {
	var lines []clientLine
	samples := map[int][]rundir.ClientSample{}
	for _, s := range shards {
		path := filepath.Join(s.dir, rundir.ClientFile)
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			continue
		}
		cs := []rundir.ClientSample{}
		err := eachTelemetryLine(ctx, s, rundir.ClientFile, warnings, func(line []byte) error {
			var c rundir.ClientSample
			if err := json.Unmarshal(line, &c); err != nil {
				return err
			}
			l, err := rebaseLine(line, s.offsetNS, s.m.Shard.Index)
			if err != nil {
				return err
			}
			c.TNS += s.offsetNS
			cs = append(cs, c)
			lines = append(lines, clientLine{tNS: c.TNS, shard: s.m.Shard.Index, line: l})
			return nil
		})
		if err != nil {
			return nil, err
		}
		samples[s.m.Shard.Index] = cs
	}
	if len(lines) == 0 {
		return samples, nil
	}
	slices.SortStableFunc(lines, func(a, b clientLine) int { return cmp.Or(cmp.Compare(a.tNS, b.tNS), cmp.Compare(a.shard, b.shard)) })
	f, err := rundir.CreateFile(out, rundir.ClientFile)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.Write(l.line)
		w.WriteByte('\n')
	}
	return samples, errors.Join(w.Flush(), f.Close())
}

// endedWords says how a shard ended: its exit state, and its reason when it
// has one that does not already say it ("interrupted by signal", not
// "interrupted interrupted by signal"; "failed: disk full").
func endedWords(m *rundir.Manifest) string {
	state, reason := string(m.ExitState), m.ExitReason
	switch {
	case reason == "":
		return state
	case strings.HasPrefix(reason, state):
		return reason
	}
	return state + ": " + reason
}
