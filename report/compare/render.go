package compare

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
)

// formatValue writes a metric value in its unit (error rate as percent).
func formatValue(r Row, v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case r.Points:
		return fmt.Sprintf("%.2f%%", 100*v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.1f", v)
	case r.Unit == "ms":
		return report.FormatMS(v, 2) // a 0.0015 ms TPOT is not "0.00"
	}
	return fmt.Sprintf("%.2f", v)
}

// formatChange writes a change: "+60.0%" relative, "+3.00pt" in points.
func formatChange(r Row, c float64) string {
	if math.IsNaN(c) {
		return "n/a"
	}
	if r.Points {
		return fmt.Sprintf("%+.2fpt", 100*c)
	}
	return fmt.Sprintf("%+.1f%%", 100*c)
}

// formatCI writes a row's interval, "[+55.1%, +64.8%]".
func formatCI(r Row) string {
	if math.IsNaN(r.CILow) || math.IsNaN(r.CIHigh) {
		return "n/a"
	}
	return "[" + formatChange(r, r.CILow) + ", " + formatChange(r, r.CIHigh) + "]"
}

// formatP writes a p-value ("<0.001" below it).
func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "—"
	case p < 0.001:
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

// verdictText writes a row's verdict with its threshold.
func verdictText(r Row) string {
	if r.Verdict == NotGated {
		return string(NotGated)
	}
	m, _ := LookupMetric(r.Metric)
	return fmt.Sprintf("%s (limit %s)", r.Verdict, formatLimit(m, r.Threshold))
}

// Describe says in one line what happened to a row, e.g. "level 8: TTFT
// p95 50.00 → 80.00 ms, +60.0%, interval [+60.0%, +60.0%] (bootstrap),
// limit +10%".
func Describe(r Row) string {
	unit := " " + r.Unit
	if r.Points {
		unit = ""
	}
	m, _ := LookupMetric(r.Metric)
	s := fmt.Sprintf("level %g: %s %s → %s%s, %s, interval %s (%s)", r.Level, r.Title, formatValue(r, r.Baseline),
		formatValue(r, r.Candidate), unit, formatChange(r, r.Change), formatCI(r), r.Method)
	if r.Threshold > 0 {
		s += fmt.Sprintf(", limit %s", formatLimit(m, r.Threshold))
	}
	return s
}

// header writes the lines above every rendering: the two sides and the
// warnings, their text (directory names, run.json's values) written out
// where it would act on a terminal (printable.Text).
func (r *Result) header() []string {
	lines := []string{
		fmt.Sprintf("baseline:  %s (%s, %s, scenario %s, inferbench %s)", r.Baseline, r.BaselineMeta.Model, r.BaselineMeta.TargetKind, r.BaselineMeta.Scenario, r.BaselineMeta.ToolVersion),
		fmt.Sprintf("candidate: %s (%s, %s, scenario %s, inferbench %s)", r.Candidate, r.CandidateMeta.Model, r.CandidateMeta.TargetKind, r.CandidateMeta.Scenario, r.CandidateMeta.ToolVersion),
	}
	for _, w := range r.Warnings {
		lines = append(lines, "warning: "+w)
	}
	for i, l := range lines {
		lines[i] = printable.Text(l)
	}
	return lines
}

// interval names the interval's coverage, "95%".
func (r *Result) interval() string { return percent(1-r.Alpha) + "%" }

// footer is the verdict line.
func (r *Result) footer() string {
	regs := r.Regressions()
	note := ""
	if len(r.Flags) > 0 {
		note = "flagged levels: " + FlagNote + "\n"
	}
	if len(regs) == 0 {
		return note + "verdict: no regression"
	}
	var names []string
	for _, row := range regs {
		names = append(names, fmt.Sprintf("%s at level %g", row.Title, row.Level)+parenthesized(flagged(r.Flags, row.Level)))
	}
	return fmt.Sprintf("%sverdict: REGRESSION in %s: %s", note, printable.Count(len(regs), "metric"), strings.Join(names, ", "))
}

// parenthesized is " (s)", or "" for an empty s.
func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// WriteText writes r as aligned text, one table per level, each level's
// flags (LevelFlag) below its rows and, when any, FlagNote above the
// verdict.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	for _, l := range r.header() {
		b.WriteString(l + "\n")
	}
	tw := tabwriter.NewWriter(&b, 2, 0, 2, ' ', 0)
	// A level's flags follow its rows (every compared level has rows: its
	// error rate at least), each a line of one cell (no tab), so that the
	// columns stay as wide as the rows make them.
	flagLines := func(lv float64) {
		for _, f := range r.flagsAt(lv) {
			fmt.Fprintf(tw, "  %s\n", printable.Text(f.String()))
		}
	}
	level := math.NaN()
	for _, row := range r.Rows {
		if row.Level != level {
			if !math.IsNaN(level) {
				flagLines(level)
			}
			level = row.Level
			fmt.Fprintf(tw, "\nlevel %g\tbaseline\tcandidate\tchange\t%s interval\tp\tMW p\tverdict\n", level, r.interval())
		}
		fmt.Fprintf(tw, "  %s (%s)\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Title, row.Unit, formatValue(row, row.Baseline),
			formatValue(row, row.Candidate), formatChange(row, row.Change), formatCI(row), formatP(row.P), mwP(row), verdictText(row))
	}
	if !math.IsNaN(level) {
		flagLines(level)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nintervals: %s; %s\n%s\n", r.methods(), r.thresholdsLine(), r.footer())
	_, err := io.WriteString(w, b.String())
	return err
}

// mwP is a row's Mann–Whitney p-value, "—" when it has none.
func mwP(r Row) string {
	if r.MannWhitney == nil {
		return "—"
	}
	return formatP(r.MannWhitney.P)
}

// methods says how the intervals were computed.
func (r *Result) methods() string {
	seen := map[string]bool{}
	var parts []string
	for _, row := range r.Rows {
		if seen[row.Method] {
			continue
		}
		seen[row.Method] = true
		switch row.Method {
		case MethodBootstrap:
			parts = append(parts, fmt.Sprintf("percentile bootstrap over requests of both runs (%d resamples, seed %d)", r.Resamples, r.Seed))
		case MethodPaired:
			parts = append(parts, fmt.Sprintf("percentile bootstrap over requests of both runs in pairs, a request of one with the other's of its ID, which asked for the same lengths: a resample draws both together; no MW p, which takes the samples for independent (%d resamples, seed %d)", r.Resamples, r.Seed))
		case MethodFixedBaseline:
			parts = append(parts, fmt.Sprintf("percentile bootstrap over the candidate's requests, baseline summary held fixed (%d resamples, seed %d)", r.Resamples, r.Seed))
		case MethodHistory:
			parts = append(parts, fmt.Sprintf("candidate minus the %s prediction interval of %d earlier runs, a run whose value is an outlier (modified z-score > %g, over %g %% from the median) left out (baseline = their median)", r.interval(), row.N, outlierZ, 100*outlierMinShare))
		}
	}
	if r.WholeSessions {
		parts = append(parts, "a level of multi-turn sessions resampled by whole sessions (a resample draws a session with all its turns)")
	}
	if !seen[MethodBootstrap] {
		return strings.Join(parts, "; ") // no row has an MW p
	}
	return strings.Join(parts, "; ") + "; MW p: two-sided Mann–Whitney U test of the distribution"
}

// thresholdsLine lists the limits applied.
func (r *Result) thresholdsLine() string {
	return "a metric regresses when its change exceeds its limit and its interval excludes 0; limits: " +
		Thresholds{Limits: r.Thresholds}.String()
}

// WriteMarkdown writes r as Markdown for a pull-request comment: the
// verdict first, then the regressions (each with its level's flags), the
// flagged levels, then one table per level.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	regs := r.Regressions()
	if len(regs) == 0 {
		b.WriteString("### inferbench compare: no regression\n\n")
	} else {
		fmt.Fprintf(&b, "### inferbench compare: **%s**\n\n", printable.Count(len(regs), "regression"))
		for _, row := range regs {
			fmt.Fprintf(&b, "- **%s**%s\n", printable.Markdown(Describe(row)), printable.Markdown(parenthesized(flagged(r.Flags, row.Level))))
		}
		b.WriteString("\n")
	}
	if len(r.Flags) > 0 {
		b.WriteString("**Flagged levels**: numbers that are not the server's alone\n\n")
		for _, f := range r.Flags {
			fmt.Fprintf(&b, "- %s\n", printable.Markdown(f.String()))
		}
		fmt.Fprintf(&b, "\n_%s._\n\n", printable.Markdown(FlagNote))
	}
	for _, l := range r.header() {
		fmt.Fprintf(&b, "%s  \n", printable.Markdown(l))
	}
	level := math.NaN()
	for _, row := range r.Rows {
		if row.Level != level {
			level = row.Level
			fmt.Fprintf(&b, "\n#### Level %g\n\n| metric | baseline | candidate | change | %s interval | p | MW p | verdict |\n|---|---:|---:|---:|---|---:|---:|---|\n", level, r.interval())
		}
		verdict := verdictText(row)
		if row.Verdict == Regression {
			verdict = "**" + verdict + "**"
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n", printable.Markdown(row.Title), printable.Markdown(row.Unit),
			formatValue(row, row.Baseline), formatValue(row, row.Candidate), formatChange(row, row.Change), formatCI(row),
			formatP(row.P), mwP(row), verdict)
	}
	fmt.Fprintf(&b, "\n_%s. %s._\n", printable.Markdown(r.methods()), printable.Markdown(r.thresholdsLine()))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes r as indented JSON (Row.MarshalJSON: undefined values
// as null; no warnings or rows as [], not null), and "regression" says
// whether any row regressed.
func WriteJSON(w io.Writer, r *Result) error {
	out := struct {
		*Result
		Warnings   []string `json:"warnings"`
		Rows       []Row    `json:"rows"`
		Regression bool     `json:"regression"`
	}{Result: r, Warnings: r.Warnings, Rows: r.Rows, Regression: len(r.Regressions()) > 0}
	if out.Warnings == nil {
		out.Warnings = []string{} // a list to iterate over, as report.json's
	}
	if out.Rows == nil {
		out.Rows = []Row{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// JUnit XML, in the form common CI systems read (the Jenkins JUnit
// plugin's schema, also read by GitLab, GitHub Actions reporters and
// Azure Pipelines): <testsuites> holding one <testsuite> per load level,
// one <testcase> per metric, a <failure> for a regression.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// junitSkipped marks a case not run, and says why.
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML: one test suite per load level (a
// "flag" property for each of its flags, a "warning" property for each
// warning about it or the whole comparison), one test case per metric, failed
// when the metric regressed. Times are 0: the
// cases are verdicts, not timed tests.
func WriteJUnit(w io.Writer, r *Result) error {
	suites := junitSuites{Name: "inferbench compare", Time: "0"}
	idx := map[float64]int{}
	for _, row := range r.Rows {
		i, ok := idx[row.Level]
		if !ok {
			i = len(suites.Suites)
			idx[row.Level] = i
			suites.Suites = append(suites.Suites, junitSuite{
				Name: fmt.Sprintf("inferbench compare: %s level %g", r.CandidateMeta.Scenario, row.Level), Time: "0",
				Properties: []junitProperty{{"baseline", r.Baseline}, {"candidate", r.Candidate},
					{"model", r.CandidateMeta.Model}, {"target_kind", r.CandidateMeta.TargetKind}},
			})
			for _, f := range r.flagsAt(row.Level) {
				suites.Suites[i].Properties = append(suites.Suites[i].Properties, junitProperty{"flag", f.String()})
			}
			for _, w := range r.warningsAt(row.Level) {
				suites.Suites[i].Properties = append(suites.Suites[i].Properties, junitProperty{"warning", w})
			}
		}
		s := &suites.Suites[i]
		c := junitCase{Name: row.Metric, ClassName: junitClass(r.CandidateMeta.Scenario, row.Level), Time: "0",
			SystemOut: Describe(row) + "; verdict: " + verdictText(row)}
		switch row.Verdict {
		case Regression:
			c.Failure = &junitFailure{Message: Describe(row), Type: "regression", Text: verdictText(row)}
			if fl := flagged(r.Flags, row.Level); fl != "" {
				// Said where a CI system shows a failure: its message.
				c.Failure.Message += " (level flagged: " + fl + ")"
				c.Failure.Text += "; " + FlagNote
			}
			s.Failures++
			suites.Failures++
		case NotMeasured:
			c.Skipped = &junitSkipped{Message: Describe(row) + ": no value on one side; see the warnings"}
			s.Skipped++
		}
		s.Tests++
		suites.Tests++
		s.Cases = append(s.Cases, c)
	}
	return encodeJUnit(w, suites)
}

// warningsAt returns r's warnings that concern level lv: those about the
// whole comparison, and those about lv (warnLevel).
func (r *Result) warningsAt(lv float64) []string {
	var ws []string
	for i, w := range r.Warnings {
		if l, about := r.levelOf[i]; !about || l == lv {
			ws = append(ws, w)
		}
	}
	return ws
}

// encodeJUnit writes suites as an XML document.
func encodeJUnit(w io.Writer, suites junitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitClass is the class name of a level's cases: dot-separated like a
// Java class, with the level's own dots replaced ("inferbench.nightly.level_0_5").
func junitClass(scenario string, lv float64) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '.' || r == ' ' {
				return '_'
			}
			return r
		}, s)
	}
	return "inferbench." + clean(scenario) + ".level_" + clean(fmt.Sprintf("%g", lv))
}
