package history

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/internal/typo"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// The history subcommands (add, list, show, trend, remove, mark, unmark)
// as functions of their options: the command line fills CommandOptions and
// calls one of them.

// CommandOptions is the input of every history subcommand.
type CommandOptions struct {
	// Store names the store: a SQLite file or a postgres:// URL; empty for
	// the default file.
	Store string
	// Args are the positional arguments (run directories, an ID).
	Args []string
	// Filter selects entries for list and trend.
	Filter Filter
	// Metric is trend's metric; Out its plot file (.png or .svg), empty
	// for a table.
	Metric, Out string
	// Format is list's and show's output: text or json.
	Format string
	// NewLevel is add's --new-level: the runs are accepted as a new level
	// starting with the first of them to start (Entry.NewLevel), marked if
	// already stored.
	NewLevel bool
}

// Check refuses a negative --limit and a --format other than text or json.
func (o *CommandOptions) Check() error {
	if o.Filter.Limit < 0 {
		return fmt.Errorf("--limit %d: want ≥ 0", o.Filter.Limit)
	}
	if o.Format != "" && o.Format != "text" && o.Format != "json" {
		return fmt.Errorf("--format %q: want text or json", o.Format)
	}
	return nil
}

// OpenSpec opens the store spec names, the default file when empty. A
// store that is neither a SQLite file nor a postgres:// URL (a misspelt
// scheme, a key=value DSN) is refused with its password masked.
func OpenSpec(ctx context.Context, spec string) (*Store, error) {
	return openSpec(ctx, spec, OpenOptions{})
}

// openExisting is OpenSpecReading for a history command that reads (list,
// show, trend) or changes stored runs (remove, mark, unmark): a store that
// does not exist is refused (Store.MustExist), not read as empty.
func openExisting(ctx context.Context, spec string) (*Store, error) {
	s, err := OpenSpecReading(ctx, spec)
	if err != nil {
		return nil, err
	}
	if err := s.MustExist(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenSpecReading is OpenSpec for a command that only reads: a SQLite file
// that does not exist is an empty store, and nothing is created
// (OpenOptions.Reading).
func OpenSpecReading(ctx context.Context, spec string) (*Store, error) {
	return openSpec(ctx, spec, OpenOptions{Reading: true})
}

func openSpec(ctx context.Context, spec string, o OpenOptions) (*Store, error) {
	if spec == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		spec = p
	}
	if err := CheckSpec(spec); err != nil {
		return nil, err
	}
	return OpenWith(ctx, spec, o)
}

// RunAdd adds each run directory; one already stored is reported and
// skipped, so a retried CI step succeeds (with NewLevel, marked a new
// level). Every run is read before any is added: one that cannot be read
// adds none of them, as remove removes all or none.
func RunAdd(ctx context.Context, o CommandOptions, stdout, stderr io.Writer) error {
	if len(o.Args) == 0 {
		return errors.New("history add takes one or more RUN directories")
	}
	noneAdded := func(err error) error {
		if len(o.Args) > 1 {
			return fmt.Errorf("%w; none of the %d runs was added", err, len(o.Args))
		}
		return err
	}
	marked, err := newLevelRun(o)
	if err != nil {
		return noneAdded(err)
	}
	type read struct {
		e        *Entry
		warnings []string
	}
	runs := make([]read, len(o.Args))
	for i, dir := range o.Args {
		e, warnings, err := NewEntry(dir, report.SLO{})
		if err != nil {
			return noneAdded(err)
		}
		runs[i] = read{e, warnings}
	}
	s, err := OpenSpec(ctx, o.Store)
	if err != nil {
		return noneAdded(err)
	}
	defer s.Close()
	for i, dir := range o.Args {
		e := runs[i].e
		for _, w := range runs[i].warnings {
			// Most of the run's warnings name it already ("DIR: the run did
			// not finish", "DIR/requests.jsonl:7: …").
			if !strings.HasPrefix(w, dir) {
				w = dir + ": " + w
			}
			fmt.Fprintf(stderr, "inferbench: warning: %s\n", printable.Text(w))
		}
		e.NewLevel = dir == marked
		id, err := s.Add(ctx, e)
		line := fmt.Sprintf("%s: added as #%d (scenario %s, model %s, %s)", printable.Text(dir), id,
			printable.Text(e.Scenario), printable.Text(e.Model), s.Backend())
		if dup, ok := errors.AsType[*DuplicateError](err); ok {
			line, err = fmt.Sprintf("%s: already in the history as #%d", printable.Text(dir), dup.ID), nil
			// Moved (an artifact unpacked elsewhere, runs/ renamed): the
			// store follows it where the old directory no longer holds it,
			// so that compare reads its records again; a copy leaves it.
			if dup.RunDir != e.RunDir && stateHere(e.Host, dup.RunDir, e.Fingerprint) != "" {
				var moved bool
				if moved, err = s.Move(ctx, dup.ID, dup.RunDir, e.RunDir); moved {
					line = fmt.Sprintf("%s: #%d moved: %s -> %s", printable.Text(dir), dup.ID, printable.Text(dup.RunDir), printable.Text(e.RunDir))
				}
			}
			if e.NewLevel && err == nil {
				_, err = s.SetNewLevel(ctx, []int64{dup.ID}, true)
			}
		}
		if err != nil {
			err = fmt.Errorf("%s: %w", dir, err)
			if rest := o.Args[i+1:]; len(rest) > 0 {
				err = fmt.Errorf("%w; not added: %s", err, printable.Text(strings.Join(rest, " ")))
			}
			return err
		}
		if e.NewLevel {
			line += "; " + newLevelNote
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// newLevelRun is the run add --new-level marks: of several, the one that
// started first, so that the level starts with all of them (each marked,
// the newest would cut the others off); "" without --new-level.
func newLevelRun(o CommandOptions) (string, error) {
	if !o.NewLevel {
		return "", nil
	}
	first, at := "", time.Time{}
	for _, dir := range o.Args {
		m, err := rundir.ReadManifest(dir)
		if err != nil {
			return "", fmt.Errorf("run %s: %w", dir, err)
		}
		if first == "" || m.Start.Before(at) {
			first, at = dir, m.Start
		}
	}
	return first, nil
}

// newLevelNote ends history add's and mark's line for a run marked a new
// level; markLeftNote says where baselines start once a mark is gone.
const (
	newLevelNote = "marked a new level: history: baselines of its scenario, model, target kind and hardware start from it"
	markLeftNote = "baselines start from the newest mark left, if any"
)

// RunList lists entries, newest first.
func RunList(ctx context.Context, o CommandOptions, stdout, _ io.Writer) error {
	if err := cmdline.NoArgsGiven("history list", o.Args); err != nil {
		return err
	}
	s, err := openExisting(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	entries, err := s.List(ctx, o.Filter)
	if err != nil {
		return err
	}
	for _, e := range entries {
		e.RunDirState = stateHere(e.Host, e.RunDir, e.Fingerprint)
	}
	if o.Format == "json" {
		if entries == nil {
			entries = []*Entry{}
		}
		return writeJSON(stdout, entries)
	}
	return WriteList(stdout, entries)
}

// RunShow shows one entry.
func RunShow(ctx context.Context, o CommandOptions, stdout, _ io.Writer) error {
	return withIDs(ctx, o, "show", true, func(s *Store, ids []int64) error {
		e, err := s.Get(ctx, ids[0])
		if err != nil {
			return err
		}
		e.RunDirState = stateHere(e.Host, e.RunDir, e.Fingerprint)
		if o.Format == "json" {
			return writeJSON(stdout, e)
		}
		return e.WriteText(stdout)
	})
}

// RunRemove removes stored runs by ID, all or none: a run added by mistake
// (a night on a misconfigured box) leaves the baselines. Run directories
// are left as they are.
func RunRemove(ctx context.Context, o CommandOptions, stdout, _ io.Writer) error {
	return withIDs(ctx, o, "remove", false, func(s *Store, ids []int64) error {
		gone, err := s.Remove(ctx, ids)
		if err != nil {
			return err
		}
		for _, e := range gone {
			line := fmt.Sprintf("#%d removed (%s, scenario %s, model %s, started %s)", e.ID, printable.Text(e.RunDir),
				printable.Text(e.Scenario), printable.Text(e.Model), e.Started.UTC().Format(time.RFC3339))
			if e.NewLevel {
				line += "; it was marked a new level: " + markLeftNote
			}
			fmt.Fprintln(stdout, line)
		}
		fmt.Fprintln(stdout, "the run directories are left as they are")
		return nil
	})
}

// RunMark marks one stored run a new level by ID, as add --new-level does
// for a run directory: for a run whose directory is gone (a CI artifact
// that expired).
func RunMark(ctx context.Context, o CommandOptions, stdout, _ io.Writer) error {
	return setNewLevel(ctx, o, stdout, true)
}

// RunUnmark takes back the new-level mark of stored runs by ID: a level
// accepted by mistake stops cutting the baselines.
func RunUnmark(ctx context.Context, o CommandOptions, stdout, _ io.Writer) error {
	return setNewLevel(ctx, o, stdout, false)
}

// setNewLevel is mark (one ID) and unmark (one or more), all or none:
// each run's line says what changed.
func setNewLevel(ctx context.Context, o CommandOptions, stdout io.Writer, on bool) error {
	name := map[bool]string{true: "mark", false: "unmark"}[on]
	return withIDs(ctx, o, name, on, func(s *Store, ids []int64) error {
		was, err := s.SetNewLevel(ctx, ids, on)
		if err != nil {
			return err
		}
		for i, id := range ids {
			switch {
			case was[i] == on && on:
				fmt.Fprintf(stdout, "#%d: already marked a new level\n", id)
			case was[i] == on:
				fmt.Fprintf(stdout, "#%d: not marked a new level; nothing to take back\n", id)
			case on:
				fmt.Fprintf(stdout, "#%d: %s\n", id, newLevelNote)
			default:
				fmt.Fprintf(stdout, "#%d: new-level mark taken back: %s\n", id, markLeftNote)
			}
		}
		return nil
	})
}

// withIDs calls f with the store and the IDs of the subcommand cmd's
// arguments (parseIDs). The store is opened as for reading: one that does
// not exist holds no ID and is not made; an existing one is written.
func withIDs(ctx context.Context, o CommandOptions, cmd string, one bool, f func(*Store, []int64) error) error {
	ids, err := parseIDs(cmd, o.Args, one)
	if err != nil {
		return err
	}
	s, err := openExisting(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s, ids)
}

// parseIDs reads the history IDs of subcommand cmd ("7" or "#7"), each
// once; one says it takes exactly one.
func parseIDs(cmd string, args []string, one bool) ([]int64, error) {
	switch {
	case one && len(args) != 1:
		return nil, fmt.Errorf("history %s takes one ID (inferbench history list shows them)", cmd)
	case len(args) == 0:
		return nil, fmt.Errorf("history %s takes one or more IDs (inferbench history list shows them)", cmd)
	}
	var ids []int64
	for _, a := range args {
		id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("history %s %s: want a numeric ID, as inferbench history list shows them", cmd, printable.Text(a))
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// RunTrend prints a metric's trend, or plots it with o.Out.
func RunTrend(ctx context.Context, o CommandOptions, stdout, stderr io.Writer) error {
	if err := cmdline.NoArgsGiven("history trend", o.Args); err != nil {
		return err
	}
	m, ok := compare.LookupMetric(o.Metric)
	if !ok {
		if s := typo.Nearest(o.Metric, compare.MetricNames()); s != "" {
			return fmt.Errorf("--metric %q: did you mean %s? (want one of %s)", o.Metric, s, strings.Join(compare.MetricNames(), ", "))
		}
		return fmt.Errorf("--metric %q: want one of %s", o.Metric, strings.Join(compare.MetricNames(), ", "))
	}
	format := strings.TrimPrefix(filepath.Ext(o.Out), ".")
	if o.Out != "" && format != "png" && format != "svg" {
		return fmt.Errorf("--out %s: want a .png or .svg file", o.Out)
	}
	s, err := openExisting(ctx, o.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	pts, err := s.Trend(ctx, o.Metric, o.Filter)
	if err != nil {
		return err
	}
	if len(pts) == 0 {
		if msg, err := unmatched(ctx, s, o.Filter); err != nil {
			return err
		} else if msg != "" {
			return errors.New("history trend: " + msg)
		}
		return fmt.Errorf("history trend: no %s values for the selection", o.Metric)
	}
	entries, err := s.List(ctx, o.Filter) // read once, for the three checks below
	if err != nil {
		return err
	}
	if err := oneConfiguration(entries, pts); err != nil {
		return err
	}
	gpuOf, gpus := trendGPUs(entries, pts)
	if len(gpus) > 1 {
		fmt.Fprintf(stderr, "inferbench: warning: history trend: the selection holds runs on %s (%s): a level's line joins them, so a change of GPU reads as a step of the stack's trend (compare gates each run against its own GPU's)\n",
			printable.Count(len(gpus), "GPU"), printable.Text(strings.Join(gpus, ", ")))
	} else {
		gpuOf = nil
	}
	if m.Unit != "ms" && m.Unit != "%" {
		if old := windowRateRuns(entries, pts); old != "" {
			fmt.Fprintf(stderr, "inferbench: warning: history trend: %s were summarized by an inferbench of before 2026-12-03, whose rates are over the whole window, not the steady state as since: a step between them and later runs may be the change of definition, not of the stack (compare summarizes a run again where its directory is still there)\n", old)
		}
	}
	if o.Out == "" {
		return writeTrendTable(stdout, m, pts, gpuOf)
	}
	var sel []string
	if o.Filter.Scenario != "" {
		sel = append(sel, "scenario "+o.Filter.Scenario)
	}
	if o.Filter.Model != "" {
		sel = append(sel, "model "+o.Filter.Model)
	}
	p, err := TrendPlot(o.Metric, pts, strings.Join(sel, ", "))
	if err != nil {
		return err
	}
	if err := markIfSimulated(ctx, s, p, pts); err != nil {
		return err
	}
	if err := rundir.WriteFileWith(o.Out, func(w io.Writer) error { return WriteTrendPlot(w, p, format) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", o.Out, printable.Count(len(pts), "point"))
	return nil
}

// unmatched says which of f's --scenario and --model no stored run has
// (a misspelt name read as "no values for the selection", as of a metric
// no run measured), with the names the history holds and the nearest one;
// "" when each matches some run.
func unmatched(ctx context.Context, s *Store, f Filter) (string, error) {
	if f.Scenario == "" && f.Model == "" {
		return "", nil
	}
	entries, err := s.List(ctx, Filter{})
	if err != nil {
		return "", err
	}
	var msgs []string
	for _, c := range []struct {
		what, given string
		of          func(*Entry) string
	}{
		{"scenario", f.Scenario, func(e *Entry) string { return e.Scenario }},
		{"model", f.Model, func(e *Entry) string { return e.Model }},
	} {
		if c.given == "" {
			continue
		}
		var names []string
		for _, e := range entries {
			if n := c.of(e); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		if slices.Contains(names, c.given) {
			continue
		}
		msg := fmt.Sprintf("no run of %s %q", c.what, printable.Text(c.given))
		if near := typo.Nearest(c.given, names); near != "" {
			msg += fmt.Sprintf(", did you mean %s?", printable.Text(near))
		}
		slices.Sort(names)
		for i, n := range names {
			names[i] = printable.Text(n)
		}
		if len(names) == 0 {
			msg += " (the history is empty)"
		} else {
			msg += fmt.Sprintf(" (%ss in the history: %s)", c.what, strings.Join(names, ", "))
		}
		msgs = append(msgs, msg)
	}
	return strings.Join(msgs, "; "), nil
}

// oneConfiguration refuses a trend whose points (of the runs f selects)
// come from runs of several scenarios or models: one line a level would
// join them, and nothing in the table or the plot tells them apart (a
// shared store's other jobs read as steps of this one's trend).
func oneConfiguration(entries []*Entry, pts []Point) error {
	inTrend := map[int64]bool{}
	for _, p := range pts {
		inTrend[p.RunID] = true
	}
	var scenarios, models []string
	for _, e := range entries {
		if !inTrend[e.ID] {
			continue
		}
		if !slices.Contains(scenarios, e.Scenario) {
			scenarios = append(scenarios, e.Scenario)
		}
		if !slices.Contains(models, e.Model) {
			models = append(models, e.Model)
		}
	}
	var mixed []string
	for _, m := range []struct {
		what, flag string
		names      []string
	}{{"scenario", "--scenario", scenarios}, {"model", "--model", models}} {
		if len(m.names) < 2 {
			continue
		}
		slices.Sort(m.names)
		mixed = append(mixed, fmt.Sprintf("%s (%s): pick one with %s", printable.Count(len(m.names), m.what),
			printable.Text(strings.Join(m.names, ", ")), m.flag))
	}
	if len(mixed) == 0 {
		return nil
	}
	return fmt.Errorf("history trend: the selection holds runs of %s; a trend is of one scenario and model", strings.Join(mixed, ", and "))
}

// trendGPUs returns the GPU of each run behind pts, as compare matches
// hardware (compare.GPUOf: telemetry's, else run --gpu's; "none known"), and the GPUs in the order of the runs' first points.
func trendGPUs(entries []*Entry, pts []Point) (map[int64]string, []string) {
	of := map[int64]string{}
	for _, e := range entries {
		g := "none known"
		if m, err := e.manifest(); err == nil {
			g = cmp.Or(compare.GPUOf(m).String(), g)
		}
		of[e.ID] = g
	}
	var gpus []string
	for _, p := range pts {
		if g, ok := of[p.RunID]; ok && !slices.Contains(gpus, g) {
			gpus = append(gpus, g)
		}
	}
	return of, gpus
}

// windowRateRuns names the runs of the trend pts (selected by f) whose
// stored summary has rates over the whole window (windowRates), when the
// trend also holds runs of steady-state rates: "runs #1 #2"; "" when
// none, or when every run is of window rates (their trend is of one
// definition).
func windowRateRuns(entries []*Entry, pts []Point) string {
	in := map[int64]bool{}
	for _, p := range pts {
		in[p.RunID] = true
	}
	var old []int64
	steady := false
	for _, e := range entries {
		switch {
		case !in[e.ID]:
		case windowRates(e.Summary):
			old = append(old, e.ID)
		default:
			steady = true
		}
	}
	if len(old) == 0 || !steady {
		return ""
	}
	slices.Sort(old)
	ids := make([]string, len(old))
	for i, id := range old {
		ids[i] = fmt.Sprintf("#%d", id)
	}
	return printable.Plural(len(ids), "run") + " " + strings.Join(ids, " ")
}

// writeTrendTable writes a trend's points as a table, in m's unit, with a
// GPU column when gpuOf (run ID to GPU) is not nil: runs on other GPUs.
func writeTrendTable(w io.Writer, m compare.Metric, pts []Point, gpuOf map[int64]string) error {
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	gpuHead := ""
	if gpuOf != nil {
		gpuHead = "GPU\t"
	}
	fmt.Fprintf(tw, "ID\tSTARTED (UTC)\tLEVEL\tPART\t%s%s (%s)\n", gpuHead, m.Title, m.Unit)
	marked, parts := false, false
	for _, p := range pts {
		v := p.Value
		if m.Points {
			v *= 100
		}
		id := strconv.FormatInt(p.RunID, 10)
		if p.NewLevel {
			id, marked = id+"*", true
		}
		parts = parts || p.PartOfLoad != ""
		gpu := ""
		if gpuOf != nil {
			gpu = printable.Text(gpuOf[p.RunID]) + "\t"
		}
		fmt.Fprintf(tw, "%s\t%s\t%g\t%s\t%s%s\n", id, p.Started.Format("2006-01-02 15:04:05"), p.Level, partText(p.PartOfLoad), gpu, valueText(m, v))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return footnotes(w, marked, parts)
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ResolveBaseline turns compare's baseline (a run directory, or history:
// latest, median-of-N or ID in the store spec names) into a Baseline: a run
// directory is loaded with the candidate's SLO (none when it has none).
func ResolveBaseline(ctx context.Context, spec, baseline string, cand *compare.Run) (compare.Baseline, error) {
	which, ok := strings.CutPrefix(baseline, "history:")
	if !ok {
		r, err := compare.LoadRun(baseline, cand.SLO)
		if err != nil {
			return compare.Baseline{}, err
		}
		return compare.RunBaseline(r), nil
	}
	store, err := OpenSpecReading(ctx, spec)
	if err != nil {
		return compare.Baseline{}, err
	}
	defer store.Close()
	b, err := Baseline(ctx, store, which, cand)
	if errors.Is(err, ErrBaselineSpec) {
		return b, fmt.Errorf("--baseline %s: %v", baseline, err)
	}
	return b, err
}
