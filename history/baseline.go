package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// ErrNoBaseline says the history holds no earlier run to compare with.
var ErrNoBaseline = errors.New("no baseline in the history")

// ErrBaselineSpec marks a baseline spec that is not one of latest,
// median-of-N or an entry id.
var ErrBaselineSpec = errors.New("want history:latest, history:median-of-N or history:ID")

// Baseline finds what a candidate run is compared against in the store:
// spec is "latest", "median-of-N" or an entry id ("#12" or "12"), among
// earlier runs (started before it or with it, by run.json start; later
// ones are left out and counted) of the candidate's scenario, model and
// target kind on the same hardware (sameHardware: GPU model and count; the
// load generator's host and the server's version and args may differ),
// sharded alike and of the candidate's workload and load settings (its
// SLO and gate may differ), the candidate itself left out when it is
// already stored. An entry id is taken as given, unless it is the
// candidate.
func Baseline(ctx context.Context, store *Store, spec string, cand *compare.Run) (compare.Baseline, error) {
	// run.json as the candidate was loaded with, not read again.
	raw, cm := cand.ManifestJSON, cand.Manifest
	if cm == nil {
		return compare.Baseline{}, fmt.Errorf("run %s: no %s read: load the candidate with compare.LoadRun", cand.Dir, rundir.ManifestFile)
	}
	fp := fingerprintOf(raw)
	gpu := compare.GPUOf(cm)
	f := Filter{Scenario: cand.Meta.Scenario, Model: cand.Meta.Model, TargetKind: cand.Meta.TargetKind, ExcludeFingerprint: fp}
	var entries, earlier []*Entry
	var left leftOut
	var err error
	later := 0
	switch {
	case spec == "latest":
		entries, err = store.List(ctx, f)
		entries, later = startedBefore(entries, cand.Meta.Start)
		earlier = entries
		entries, left = sameHardware(entries, gpu, cand.Meta.Shard, loadKind(cm), cand.Meta.Settings, 1)
	case strings.HasPrefix(spec, "median-of-"):
		n, perr := strconv.Atoi(strings.TrimPrefix(spec, "median-of-"))
		if perr != nil || n < 1 {
			return compare.Baseline{}, fmt.Errorf("%w (median-of-N needs N ≥ 1)", ErrBaselineSpec)
		}
		entries, err = store.List(ctx, f)
		entries, later = startedBefore(entries, cand.Meta.Start)
		earlier = entries
		entries, left = sameHardware(entries, gpu, cand.Meta.Shard, loadKind(cm), cand.Meta.Settings, n)
	default:
		id, perr := strconv.ParseInt(strings.TrimPrefix(spec, "#"), 10, 64)
		if perr != nil {
			return compare.Baseline{}, ErrBaselineSpec
		}
		var e *Entry
		if e, err = store.Get(ctx, id); err == nil {
			entries = []*Entry{e}
			if e.Fingerprint == fp {
				// Compared with itself, every row would be within noise.
				return compare.Baseline{}, fmt.Errorf("history:#%d is the candidate run itself (%s): give an earlier run's ID, or history:latest", e.ID, e.RunDir)
			}
		}
	}
	if err != nil {
		return compare.Baseline{}, err
	}
	if len(entries) == 0 && gpu.Count == 0 && left.other > 0 {
		// Not a first night: a run whose GPU nobody knows (its telemetry
		// found no driver, the job lost its --gpu), after nights on known
		// GPUs, passed as one under --allow-empty-baseline and began a
		// history that was never gated.
		return compare.Baseline{}, unknownGPUError(cand, earlier, left.other)
	}
	if len(entries) == 0 {
		also := ""
		if left.sharded > 0 {
			also = fmt.Sprintf(", %d sharded otherwise", left.sharded)
		}
		if left.load > 0 {
			also += fmt.Sprintf(", %d under another load (the candidate's levels are %s)", left.load, levelsAre(loadKind(cm)))
		}
		if left.workload > 0 {
			also += fmt.Sprintf(", %d of other workload settings (the newest's %s; name one with history:ID to compare with it all the same)", left.workload, printable.Text(left.workloadDiff))
		}
		if later > 0 {
			also += fmt.Sprintf(", %d started after the candidate (%s), left out", later, cand.Meta.Start.UTC().Format("2006-01-02 15:04:05 UTC"))
		}
		if m := store.missing(); m != "" {
			// Every night reads as the first one: with --allow-empty-baseline
			// the gate passes for ever. Say why the history is empty.
			also += "; " + m
		}
		return compare.Baseline{}, fmt.Errorf("%w: no earlier run of scenario %q, model %q, target kind %q on the same hardware (GPU %s) in the history (%d on other hardware%s)",
			ErrNoBaseline, cand.Meta.Scenario, cand.Meta.Model, cand.Meta.TargetKind, cmp.Or(gpu.String(), "(none)"), left.other, also)
	}
	return baselineFromEntries("history:"+spec, entries, cand)
}

// baselineFromEntries builds the baseline of history entries (newest
// first). One entry whose run directory is still there, unchanged, is
// compared request by request; otherwise the entries' summaries are used.
func baselineFromEntries(spec string, entries []*Entry, cand *compare.Run) (compare.Baseline, error) {
	slo := cand.SLO
	meta, err := entries[0].Meta()
	if err != nil {
		return compare.Baseline{}, err
	}
	// The oldest entry marked a new level cut the baseline there: say so.
	from := ""
	if last := entries[len(entries)-1]; last.NewLevel {
		from = fmt.Sprintf("; a new level from #%d", last.ID)
	}
	if len(entries) == 1 {
		// Its fingerprint checked on the run.json bytes the run is
		// loaded with, read once.
		e := entries[0]
		if rd, err := rundir.Open(e.RunDir); err == nil && rd.Manifest != nil && fingerprintOf(rd.ManifestJSON) == e.Fingerprint {
			if r, err := compare.LoadOpened(rd, slo); err == nil {
				b := compare.RunBaseline(r)
				b.Label = fmt.Sprintf("history:#%d (%s%s)", e.ID, e.RunDir, from)
				return b, nil
			}
		}
	}
	var ids, stored []string
	var otherSLO leftOutGoodput
	b := compare.Baseline{Meta: meta}
	for _, e := range entries {
		ids = append(ids, fmt.Sprintf("#%d", e.ID))
		sum, fresh := summaryNow(e, slo)
		switch {
		case fresh:
		case windowRates(sum):
			sum = withoutRates(sum) // its goodput too
			b.Warnings = append(b.Warnings, fmt.Sprintf("history:#%d (%s) was summarized by an inferbench of before 2026-12-03, whose throughputs are over the whole window, not the steady state, and its run directory is gone or changed: its throughputs are left out of the baseline, its latencies and error rate kept",
				e.ID, printable.Text(e.RunDir)))
		default:
			stored = append(stored, fmt.Sprintf("#%d", e.ID))
			if judged, ok := goodputSLO(e); !ok || judged.PerRequest() != slo.PerRequest() {
				// A median of goodputs judged by two SLOs is of neither.
				sum = withoutGoodput(sum)
				by := "" // not known
				if ok {
					by = judged.PerRequestWords()
				}
				otherSLO.add(by, e.ID)
			}
		}
		b.Summaries = append(b.Summaries, sum)
	}
	switch len(stored) {
	case 0:
	case 1:
		b.Warnings = append(b.Warnings, fmt.Sprintf("history: the summary of %s is as stored when it was added, by the definitions of the inferbench that added it: its run directory is gone or changed, so it was not summarized again", stored[0]))
	default:
		b.Warnings = append(b.Warnings, fmt.Sprintf("history: the summaries of %s are as stored when they were added, by the definitions of the inferbench that added them: their run directories are gone or changed, so they were not summarized again", strings.Join(stored, " ")))
	}
	b.Warnings = append(b.Warnings, otherSLO.warnings(slo)...)
	b.Warnings = append(b.Warnings, settingsOfEach(entries, cand.Meta)...)
	b.Warnings = append(b.Warnings, endedEarly(entries)...)
	b.Label = fmt.Sprintf("%s (%s, summaries%s)", spec, strings.Join(ids, " "), from)
	return b, nil
}

// leftOutGoodput is the entries whose stored goodput a baseline left out,
// grouped by the SLO that judged it (its per-request words, "" when not
// known), in the order first met.
type leftOutGoodput []goodputGroup

// goodputGroup is the entries (ids, "#3") whose goodput the SLO of words
// by judged.
type goodputGroup struct {
	by  string
	ids []string
}

func (l *leftOutGoodput) add(by string, id int64) {
	i := slices.IndexFunc(*l, func(g goodputGroup) bool { return g.by == by })
	if i < 0 {
		*l = append(*l, goodputGroup{by: by})
		i = len(*l) - 1
	}
	(*l)[i].ids = append((*l)[i].ids, fmt.Sprintf("#%d", id))
}

// warnings says, once for each SLO, which entries' goodput was left out
// of the baseline, and why: judged by that SLO, not the candidate's (slo).
func (l leftOutGoodput) warnings(slo report.SLO) []string {
	var out []string
	for _, g := range l {
		if len(g.ids) == 1 {
			by := "an SLO not known (its run.json as stored does not decode)"
			if g.by != "" {
				by = g.by + " (its scenario's SLO when it was added)"
			}
			out = append(out, fmt.Sprintf("history:%s's goodput is left out of the baseline: its stored summary judged each request by %s, not by the candidate's %s, and its run directory is gone or changed, so it could not be judged again; its latencies, other rates and error rate are kept",
				g.ids[0], by, slo.PerRequestWords()))
			continue
		}
		by := "an SLO not known (their run.json as stored does not decode)"
		if g.by != "" {
			by = g.by + " (their scenario's SLO when they were added)"
		}
		out = append(out, fmt.Sprintf("history: the goodput of %s is left out of the baseline: their stored summaries judged each request by %s, not by the candidate's %s, and their run directories are gone or changed, so they could not be judged again; their latencies, other rates and error rates are kept",
			strings.Join(g.ids, " "), by, slo.PerRequestWords()))
	}
	return out
}

// endedEarly names each entry whose run ended early, interrupted, stopped
// by a failure or killed (run.json still saying running: history add
// refuses a run still going), but the first when compare says it already
// (Meta.Ended, the baseline's run.json: not of a killed run): a median of
// nights, one killed after a few records, counted it as a whole night,
// and nothing said so.
func endedEarly(entries []*Entry) []string {
	var out []string
	for i, e := range entries {
		m, err := e.manifest()
		if err != nil {
			continue
		}
		meta, _ := e.Meta() // m decodes: no error
		ended := meta.Ended
		switch {
		case m.ExitState == rundir.ExitRunning:
			// run.json's count is of when it was last written: the records
			// read when the run was added are what it left.
			n := m.Records
			if e.Summary != nil && e.Summary.Records > 0 {
				n = e.Summary.Records
			}
			ended = fmt.Sprintf("cut short (run.json still says running: killed?) after %d records", n)
		case ended == "" || i == 0:
			continue
		}
		out = append(out, fmt.Sprintf("history:#%d, one of the baseline's runs, was %s: its summary is of the requests it finished, counted as a whole run's", e.ID, ended))
	}
	return out
}

// settingsOfEach names, for each entry after the first (newest) whose scenario
// settings differ from the candidate's (cand) otherwise than the first's
// do, what differs: compare says the first's, as the baseline's run.json
// (Baseline.Meta), and a median of nights judged the candidate against
// all of them.
func settingsOfEach(entries []*Entry, cand compare.Meta) []string {
	var out []string
	first := ""
	for i, e := range entries {
		meta, err := e.Meta()
		if err != nil || len(meta.Settings) == 0 || len(cand.Settings) == 0 {
			continue
		}
		diff := ""
		if string(meta.Settings) != string(cand.Settings) {
			diff = strings.Join(compare.SettingsDiff(meta.Settings, cand.Settings), "; ")
		}
		if i == 0 {
			first = diff
			continue
		}
		if diff != "" && diff != first {
			out = append(out, fmt.Sprintf("history:#%d, one of the baseline's runs: scenario setting differs: %s", e.ID, diff))
		}
	}
	return out
}

// summaryNow returns entry e's summary by today's definitions: its run
// directory summarized again with slo (the candidate's, zero when it has
// none, so that one SLO judges the goodput of both sides) when it is still there with the run.json it was added
// with, fresh; otherwise the summary stored when it was added, computed
// by the definitions of the inferbench that added it (a rate's steady
// state since 2026-12-03, an open level's fill since 2026-12-05: a
// history outlives them).
//
// The fingerprint is run.json's, of the bytes the run is summarized with
// (read and decoded once, by rundir.Open): a requests.jsonl cut short
// since (a copy, a clean-up) is found by its record count
// (compare.CheckRecords, as summarizeDir does), and the stored summary
// stands; summarized again, its few records read as the run.
func summaryNow(e *Entry, slo report.SLO) (sum *report.Summary, fresh bool) {
	rd, err := rundir.Open(e.RunDir)
	if err != nil || rd.Manifest == nil || fingerprintOf(rd.ManifestJSON) != e.Fingerprint {
		return e.Summary, false
	}
	// slo as it is: a zero one is the candidate's too (its scenario sets
	// none, every successful request is good), not the run's own to take.
	if sum, _, err = summarizeDir(rd, slo); err != nil {
		return e.Summary, false
	}
	return sum, true
}

// goodputSLO is the SLO entry e's stored summary judged its goodput by:
// its scenario's, as history add summarizes a run (NewEntry with a zero
// SLO); ok is false when its run.json as stored does not decode.
func goodputSLO(e *Entry) (slo report.SLO, ok bool) {
	m, err := e.manifest()
	if err != nil {
		return report.SLO{}, false
	}
	return report.ManifestSLO(m.Scenario), true
}

// withoutGoodput returns a copy of sum whose levels give no goodput
// (compare.Metric.Value reads none of NaN), everything else kept. The
// copy is a baseline's only, never written: encoding/json refuses a NaN
// (report.Level.GoodputRPS is a plain float64).
func withoutGoodput(sum *report.Summary) *report.Summary {
	c := *sum
	c.Levels = slices.Clone(sum.Levels)
	for i := range c.Levels {
		c.Levels[i].GoodputRPS = math.NaN()
	}
	return &c
}

// windowRates reports whether sum was computed before the steady state
// (2026-12-03): a level with output tokens and no window_* rates beside
// them, which every summary since writes, holds rates over the whole
// window.
func windowRates(sum *report.Summary) bool {
	if sum == nil {
		return false
	}
	for _, l := range sum.Levels {
		if l.OutputTokensPerS > 0 && l.Steady == nil && l.WindowOutputTokensPerS == 0 {
			return true
		}
	}
	return false
}

// withoutRates returns a copy of sum whose levels give no rate
// (compare.Metric.Value reads a rate only of a level with a window), their
// latencies and counts kept.
func withoutRates(sum *report.Summary) *report.Summary {
	c := *sum
	c.Levels = slices.Clone(sum.Levels)
	for i := range c.Levels {
		c.Levels[i].WindowS = 0
	}
	return &c
}

// startedBefore keeps the entries whose run started before start (run.json
// "start"), or at the same instant (runs in one synctest bubble; the
// candidate itself is left out by its fingerprint), and counts the others:
// a baseline is of earlier runs, and a run gated after later ones were
// added (an old run directory gated again, a store shared by branches) was
// judged against runs of its future. A zero start (no run.json start)
// keeps them all.
func startedBefore(entries []*Entry, start time.Time) (kept []*Entry, later int) {
	if start.IsZero() {
		return entries, 0
	}
	for _, e := range entries {
		if !e.Started.After(start) {
			kept = append(kept, e)
		} else {
			later++
		}
	}
	return kept, later
}

// unknownGPUError says why a run of no known GPU has no baseline among
// other earlier runs of its scenario, model and target kind that ran on
// known GPUs (other of them): which GPUs, and how to say the run's.
func unknownGPUError(cand *compare.Run, earlier []*Entry, other int) error {
	var gpus []string
	for _, e := range earlier {
		m, err := e.manifest()
		if err != nil {
			continue
		}
		if g := compare.GPUOf(m).String(); g != "" && !slices.Contains(gpus, g) {
			gpus = append(gpus, g)
		}
	}
	runs := fmt.Sprintf("%d earlier runs", other)
	if other == 1 {
		runs = "1 earlier run"
	}
	return fmt.Errorf("no baseline can be chosen: the candidate's GPU is unknown (run.json has no GPU telemetry and no run --gpu), and the history's %s of scenario %q, model %q, target kind %q ran on %s: state the GPU with run --gpu ID[xN] (as for a server on another machine), or, on new hardware nobody can name, add this run to start a history of its own (inferbench history add)",
		runs, cand.Meta.Scenario, cand.Meta.Model, cand.Meta.TargetKind, strings.Join(gpus, ", "))
}
