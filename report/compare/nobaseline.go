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
// night too, and never a stale pair from an earlier job.
func writeNoBaseline(o GateOptions, cand *Run, why string) error {
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
	if o.Markdown != "" {
		md := fmt.Sprintf("### inferbench compare: no baseline yet\n\n%s: nothing to compare with (--allow-empty-baseline).  \ncandidate: %s (%s, %s, scenario %s)\n",
			printable.Markdown(why), printable.Markdown(cand.Dir), printable.Markdown(cand.Meta.Model),
			printable.Markdown(cand.Meta.TargetKind), printable.Markdown(scenario))
		if err := rundir.WriteFileWith(o.Markdown, func(w io.Writer) error { _, err := io.WriteString(w, md); return err }); err != nil {
			return err
		}
	}
	return nil
}
