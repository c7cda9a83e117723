package compare

import (
	"fmt"
	"io"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// writeNoBaseline writes the JUnit and Markdown files o names when the
// history holds no baseline yet and the gate passes (--allow-empty-baseline):
// a JUnit document whose one case, "baseline", is skipped with why, and
// a Markdown note. A CI job that publishes them finds them on the first
// night too, and never a stale pair from an earlier job. Stdout gets the
// note in --format md, and in json WriteJSON's document with no rows, no
// regression and no_baseline saying why, so a job that reads the gate's
// JSON reads it on the first night too; text writes nothing there (Gate's
// line on stderr says why).
func writeNoBaseline(o GateOptions, cand *Run, why string, stdout io.Writer) error {
	scenario := cand.Meta.Scenario
	if o.JUnit != "" {
		suites := junitSuites{Name: "inferbench compare", Tests: 1, Time: "0", Suites: []junitSuite{{
			Name: "inferbench compare: " + scenario, Tests: 1, Skipped: 1, Time: "0",
			Properties: []junitProperty{{"baseline", o.Baseline}, {"candidate", cand.Dir},
				{"model", cand.Meta.Model}, {"target_kind", cand.Meta.TargetKind}},
			Cases: []junitCase{{Name: "baseline", ClassName: "inferbench.compare", Time: "0",
				Skipped: &junitSkipped{Message: why + ": nothing to compare with"}}},
		}}}
		if err := rundir.WriteFileWith(o.JUnit, func(w io.Writer) error { return encodeJUnit(w, suites) }); err != nil {
			return err
		}
	}
	md := fmt.Sprintf("### inferbench compare: no baseline yet\n\n%s: nothing to compare with (--allow-empty-baseline).  \ncandidate: %s (%s, %s, scenario %s)\n",
		printable.Markdown(why), printable.Markdown(cand.Dir), printable.Markdown(cand.Meta.Model),
		printable.Markdown(cand.Meta.TargetKind), printable.Markdown(scenario))
	if o.Markdown != "" {
		if err := rundir.WriteFileWith(o.Markdown, func(w io.Writer) error { _, err := io.WriteString(w, md); return err }); err != nil {
			return err
		}
	}
	switch o.Format {
	case FormatMarkdown:
		_, err := io.WriteString(stdout, md)
		return err
	case FormatJSON:
		return WriteJSON(stdout, &Result{Baseline: o.Baseline, Candidate: cand.Dir, CandidateMeta: cand.Meta, NoBaseline: why})
	}
	return nil
}
