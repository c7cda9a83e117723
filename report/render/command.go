package render

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Command is the report command after its flags are checked: it recomputes
// each run's summary.json, prints each run's table, the verdicts of the
// comparisons and, with out set, writes the report files (formats) and the
// figures into out. o.SLO is the SLO of the flags (zero: the first run's);
// o.SLOSource is set here.
func Command(dirs []string, out string, formats []string, o Options, stdout, stderr io.Writer) error {
	// One run given twice (runs/c2 runs/c2, or ./runs/c2/) made a report
	// of the run against itself: "c2 (2) serves 1.00× … of c2".
	for i, d := range dirs {
		for _, e := range dirs[:i] {
			if rundir.SameDir(d, e) {
				return fmt.Errorf("run %s given twice (%s and %s): a run compared with itself is no comparison", printable.Text(d), printable.Text(e), printable.Text(d))
			}
		}
	}
	if out != "" {
		if err := rundir.CheckReportDir(out, dirs, slices.Concat(Files, Dirs)...); err != nil {
			return err
		}
	}
	var opts []LoadOption
	if out != "" && slices.Contains(formats, VLLM) {
		opts = append(opts, WithVLLMExport()) // collected as the records are read for the summary
	}
	runs, slo, source, err := LoadRuns(dirs, o.SLO, opts...)
	if err != nil {
		return err
	}
	// Refused before the runs' tables are printed, not after.
	if err := o.refuseContradictedGPU(runs); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// On a terminal too narrow for a table, its rows are blocks and every
	// line, this command's own too, is wrapped to the terminal's width.
	width := report.TerminalWidth(stdout)
	if !slices.ContainsFunc(runs, func(r *Run) bool { return !report.TableFits(r.Summary, width) }) {
		width = 0
	}
	if width > 0 {
		fw := &fitWriter{w: stdout, width: width}
		defer fw.flush()
		stdout = fw
	}
	for i, r := range runs {
		for _, w := range r.Warnings {
			fmt.Fprintln(stderr, "inferbench: warning:", printable.Text(w))
		}
		// Judged by the run's own SLO: another (the flags', the first
		// run's) is for what is printed and written under out, and kept
		// in the run it would price it at a capacity it never met.
		if err := report.WriteSummaryFile(r.Dir, r.Own); err != nil {
			// A run on a read-only share is reported all the same.
			fmt.Fprintf(stderr, "inferbench: warning: %s not updated: %s\n", printable.Text(filepath.Join(r.Dir, rundir.SummaryFile)), printable.Text(err.Error()))
		}
		if len(runs) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "== %s (%s)\n", printable.Text(r.Label), printable.Text(r.Dir))
		}
		if err := report.WriteTableFit(stdout, r.Summary, r.Manifest, width); err != nil {
			return err
		}
	}
	if source == "run.json" {
		fmt.Fprintf(stdout, "\nSLO from %s's scenario: capacity judged by it\n", filepath.Join(dirs[0], rundir.ManifestFile))
	}
	if line := ownSLOsLine(runs, slo, source); line != "" {
		fmt.Fprintln(stdout, line)
	}
	o.SLO, o.SLOSource = slo, source
	rep, err := build(runs, o) // the GPUs were checked above
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, w := range rep.copyWarnings {
		fmt.Fprintln(stderr, "inferbench: warning:", printable.Text(w))
	}
	for _, c := range rep.Comparisons {
		fmt.Fprintf(stdout, "\nverdict: %s\n", printable.Text(c.Headline))
		for _, n := range c.Notes {
			fmt.Fprintf(stdout, "note: %s\n", printable.Text(n))
		}
	}
	if out == "" {
		fmt.Fprintf(stdout, "\n(write the report and its figures with --out DIR)\n")
		return nil
	}
	files, err := Write(out, rep, formats)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nreport written to %s:", out)
	for _, f := range files {
		if rel, err := filepath.Rel(out, f); err == nil && !strings.HasPrefix(rel, PlotsDir) {
			fmt.Fprintf(stdout, " %s", rel)
		}
	}
	if len(rep.Figures) > 0 {
		fmt.Fprintf(stdout, " and %d figures in %s", len(rep.Figures), filepath.Join(out, PlotsDir))
	}
	fmt.Fprintln(stdout)
	return nil
}

// fitWriter writes each whole line written to it to w, wrapped to a
// terminal of width columns (report.FitLines); flush writes what is left.
type fitWriter struct {
	w     io.Writer
	width int
	part  []byte
}

func (f *fitWriter) Write(p []byte) (int, error) {
	f.part = append(f.part, p...)
	i := bytes.LastIndexByte(f.part, '\n')
	if i < 0 {
		return len(p), nil
	}
	_, err := io.WriteString(f.w, report.FitLines(string(f.part[:i+1]), f.width))
	f.part = slices.Clone(f.part[i+1:])
	return len(p), err
}

func (f *fitWriter) flush() {
	if len(f.part) > 0 {
		io.WriteString(f.w, report.FitLines(string(f.part), f.width))
		f.part = nil
	}
}

// ownSLOsLine says, in one line, which runs' own SLOs (their run.json's)
// differ from slo, the one every run was judged by here (source: "flags"
// or "run.json", the first run's), and that their summary.json files keep
// their own; "" when none differs.
func ownSLOsLine(runs []*Run, slo report.SLO, source string) string {
	var differ []string
	for i, r := range runs {
		if (source == "run.json" && i == 0) || report.SameSLO(r.OwnSLO, slo) {
			continue
		}
		differ = append(differ, fmt.Sprintf("%s's own SLO: %s", printable.Text(r.Label), sloWithBudget(r.OwnSLO)))
	}
	if len(differ) == 0 {
		return ""
	}
	by := printable.Text(runs[0].Label) + "'s" // "run.json", or "none": the first run has none
	if source == "flags" {
		by = "the command line's"
	}
	return fmt.Sprintf("note: %s; judged here by %s (%s), each summary.json by its run's own", strings.Join(differ, "; "), by, sloWithBudget(slo))
}

// sloWithBudget is slo in words with its error budget, "none" when unset.
func sloWithBudget(slo report.SLO) string {
	if slo.IsZero() {
		return "none"
	}
	return slo.Bounds() + ", error rate ≤ " + percent(slo.ErrorBudget())
}
