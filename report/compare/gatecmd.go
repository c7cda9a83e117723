package compare

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/internal/yamlguard"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// GateOptions is the compare command's input: the regression gate of a CI
// job.
type GateOptions struct {
	// Baseline is a run directory, or history:latest, history:median-of-N
	// or history:ID; Candidate the candidate run directory.
	Baseline, Candidate string
	// Thresholds is a thresholds file; empty for the defaults.
	Thresholds string
	// JUnit and Markdown are files to write besides stdout; empty for none.
	JUnit, Markdown string
	// Format is stdout's format: text, md or json (ParseFormat's
	// spellings; Gate refuses any other before reading a run).
	Format string
	// Resamples and Seed configure the bootstrap (Resamples at most
	// MaxResamples: Gate refuses more before reading a run).
	Resamples int
	Seed      uint64
	// AllowEmptyBaseline makes ErrEmpty from Resolve a success (the first
	// night) instead of an error.
	AllowEmptyBaseline bool
	// Resolve turns Baseline into a Baseline for the candidate (the
	// history resolves history: baselines); ErrEmpty is its error for a
	// history with no earlier matching run.
	Resolve  func(baseline string, cand *Run) (Baseline, error)
	ErrEmpty error
}

// RegressionError is the gate's answer when a metric regressed: the rows
// that regressed, and the flags at their levels (a level CLIENT-BOUND or
// MOCK-BEHIND on either side still fails the gate; the error says so).
type RegressionError struct {
	Rows  []Row
	Flags []LevelFlag
}

func (e *RegressionError) Error() string {
	var what []string
	for _, r := range e.Rows {
		what = append(what, Describe(r))
	}
	var lvs []float64
	for _, f := range e.Flags {
		if !slices.Contains(lvs, f.Level) {
			lvs = append(lvs, f.Level)
		}
	}
	var levels []string
	for _, lv := range lvs {
		levels = append(levels, fmt.Sprintf("level %g: %s", lv, flagged(e.Flags, lv)))
	}
	s := "regression: " + strings.Join(what, "; ")
	if len(levels) > 0 {
		s += "; flagged " + strings.Join(levels, "; ") + ": the change may be the load generator's or the busy host's, not the server's: run again (docs/gating.md)"
	}
	return s
}

// Gate loads both sides, compares them, writes the result to stdout (and
// the JUnit and Markdown files) and returns a *RegressionError on a
// regression; any other error means the runs could not be compared, and
// the JUnit and Markdown files say why (writeCannotJudge). Warnings of the
// runs go to stderr.
func Gate(o GateOptions, stdout, stderr io.Writer) error {
	if o.JUnit != "" && o.Markdown != "" && sameFile(o.JUnit, o.Markdown) {
		// Not written even to say why: either would be the other.
		return fmt.Errorf("--junit %s and --markdown %s are the same file: the Markdown would replace the JUnit the CI reads; name two files", o.JUnit, o.Markdown)
	}
	for _, f := range []struct{ flag, path string }{{"--junit", o.JUnit}, {"--markdown", o.Markdown}} {
		if err := checkOutput(f.path); err != nil {
			// Not written even to say why: every output is checked before any is.
			return fmt.Errorf("%s %s: %w", f.flag, f.path, err)
		}
	}
	judged := false
	err := gateJudged(o, stdout, stderr, &judged)
	if err != nil && !judged {
		writeCannotJudge(o, err)
	}
	return err
}

// checkOutput says why a file cannot be written at path ("" names none):
// a directory is there, or its directory cannot take a file (missing, not
// a directory, read-only), found by making and removing an empty file.
func checkOutput(path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("it is a directory; name a file")
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			err = pe.Err
		}
		return fmt.Errorf("cannot write in %s: %w", filepath.Dir(path), err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// gateJudged is Gate until its result is written; judged says it got there.
func gateJudged(o GateOptions, stdout, stderr io.Writer, judged *bool) error {
	var err error
	if o.Format, err = ParseFormat(o.Format); err != nil {
		return err
	}
	if err := checkResamples(o.Resamples); err != nil {
		return err // before a run is read
	}
	var th Thresholds // none given: Compare applies the defaults
	if o.Thresholds != "" {
		data, err := yamlguard.ReadFile(o.Thresholds)
		if err != nil {
			return fmt.Errorf("thresholds: %w", err)
		}
		if th, err = LoadThresholds(o.Thresholds, data); err != nil {
			return err
		}
	}
	if err := sameRun(o.Baseline, o.Candidate); err != nil {
		return err
	}
	cand, err := loadCandidate(o.Candidate)
	if err != nil {
		return err
	}
	for _, w := range cand.Warnings {
		fmt.Fprintf(stderr, "inferbench: warning: candidate: %s\n", printable.Text(w))
	}
	base, err := o.Resolve(o.Baseline, cand)
	if o.ErrEmpty != nil && errors.Is(err, o.ErrEmpty) && o.AllowEmptyBaseline {
		if dead := measuredNothing(cand); dead != "" {
			return fmt.Errorf("%v, and %s: a first night that measured nothing cannot pass the gate (is the server up?)", err, dead)
		}
		fmt.Fprintf(stderr, "inferbench: %v: nothing to compare with (--allow-empty-baseline)\n", err)
		return writeNoBaseline(o, cand, err.Error(), stdout)
	}
	if err != nil {
		return err
	}
	if base.Run != nil {
		for _, w := range base.Run.Warnings {
			fmt.Fprintf(stderr, "inferbench: warning: baseline: %s\n", printable.Text(w))
		}
	}
	res, err := Compare(base, cand, Options{Thresholds: th, Resamples: o.Resamples, Seed: o.Seed})
	if err != nil {
		return err
	}
	if dead := measuredNothing(cand); dead != "" && len(res.Regressions()) == 0 {
		// No regression only because the baseline measured nothing there
		// either: its error rate was 100 % too, its latencies none.
		return fmt.Errorf("%s, and the baseline showed no regression in it: a run that measured nothing cannot pass the gate (is the server up?)", dead)
	}
	*judged = true
	return writeGate(o, res, stdout)
}

// writeCannotJudge writes the JUnit and Markdown files o names for a gate
// that could not judge (exit 2: runs that cannot be compared, a run that
// does not read, a thresholds file with a mistake): the JUnit as one case
// in error, the Markdown as a note, each with err. A CI job that publishes
// them finds the reason there, not no file or an earlier job's pair, which
// read as a pass. A file that cannot be written is left: err, already on
// its way to stderr, says what is wrong.
func writeCannotJudge(o GateOptions, err error) {
	msg := printable.Text(err.Error())
	if o.JUnit != "" {
		suites := junitSuites{Name: "inferbench compare", Tests: 1, Errors: 1, Time: "0", Suites: []junitSuite{{
			Name: "inferbench compare", Tests: 1, Errors: 1, Time: "0",
			Properties: []junitProperty{{"baseline", o.Baseline}, {"candidate", o.Candidate}},
			Cases: []junitCase{{Name: "compare", ClassName: "inferbench.compare", Time: "0",
				Error: &junitFailure{Message: msg, Type: "cannot compare", Text: "the gate could not judge the candidate: " + msg}}},
		}}}
		_ = rundir.WriteFileWith(o.JUnit, func(w io.Writer) error { return encodeJUnit(w, suites) })
	}
	if o.Markdown != "" {
		md := fmt.Sprintf("### inferbench compare: **could not compare**\n\n%s\n", printable.Markdown(err.Error()))
		_ = rundir.WriteFileWith(o.Markdown, func(w io.Writer) error { _, err := io.WriteString(w, md); return err })
	}
}

// writeGate writes res to stdout in o.Format and to the files o names.
func writeGate(o GateOptions, res *Result, stdout io.Writer) error {
	write := map[string]func(io.Writer, *Result) error{FormatMarkdown: WriteMarkdown, FormatJSON: WriteJSON}[o.Format]
	if write == nil {
		write = WriteText
	}
	if err := write(stdout, res); err != nil {
		return err
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer, *Result) error
	}{{o.JUnit, WriteJUnit}, {o.Markdown, WriteMarkdown}} {
		if out.path == "" {
			continue
		}
		if err := rundir.WriteFileWith(out.path, func(w io.Writer) error { return out.write(w, res) }); err != nil {
			return err
		}
	}
	if regs := res.Regressions(); len(regs) > 0 {
		return &RegressionError{Rows: regs, Flags: res.regressedFlags(regs)}
	}
	return nil
}

// sameFile reports whether paths a and b name one file: the same path
// once cleaned and made absolute, or, where both exist, one file by two
// names (a hard or symbolic link).
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// measuredNothing says at which of cand's levels every measured request
// failed ("every measured request failed at level 8 (400 of 400)"), ""
// when at none: such a level measured no latency and no throughput, and a
// gate that passes it (no baseline yet, or a baseline that failed alike)
// keeps a CI job green on a server that answers nothing.
func measuredNothing(cand *Run) string {
	if cand.Summary == nil {
		return ""
	}
	var dead []string
	for _, l := range cand.Summary.Levels {
		if l.Requests.Total > 0 && l.Requests.OK == 0 {
			dead = append(dead, fmt.Sprintf("level %g (%d of %d)", l.Level, l.Requests.Failed, l.Requests.Total))
		}
	}
	if len(dead) == 0 {
		return ""
	}
	return "every measured request failed at " + strings.Join(dead, ", ")
}

// loadCandidate loads the gate's candidate, run directory dir, judged by
// its own scenario's SLO (none when its scenario sets none), read from the
// run.json it is loaded with; the baseline is judged by the same SLO
// (Run.SLO).
func loadCandidate(dir string) (*Run, error) {
	rd, err := rundir.Open(dir)
	if err != nil {
		return nil, err
	}
	var slo report.SLO
	if rd.Manifest != nil {
		slo = report.ManifestSLO(rd.Manifest.Scenario)
	}
	return LoadOpened(rd, slo)
}
