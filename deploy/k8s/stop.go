package k8s

import (
	"errors"
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
)

// checkStop judges the stop sequences every pod's run sends, as run judges
// them: s with the run flags after -- laid over it (layRunFlags: --target,
// --api, --model) and --stop over the scenario's, each sequence's form
// (none empty, repeated or too long: the scenario's validation) and what
// the target sends (session.StopFacts: how many, on which API, for which
// model). A mistake in a --stop after -- is said by the flag's name; one
// in the file, at its file:line:col. Without run flags (given) the
// scenario's own are judged.
func checkStop(s *scenarios.Scenario, given cmdline.Given) error {
	t := *s
	stop, stopGiven := given.Words["stop"]
	var errs []error
	if stopGiven {
		t.Workload.Stop = scenarios.Stop(stop)
		errs = append(errs, t.Validate())
	}
	errs = append(errs, t.CheckStop(session.StopFacts))
	var out []error
	for _, e := range scenarios.Leaves(errors.Join(errs...)) {
		var se *scenarios.Error
		switch {
		case errors.As(e, &se) && strings.HasPrefix(se.Path, "workload.stop"):
			if stopGiven {
				e = fmt.Errorf("k8s: after --, inferbench run: --stop: %s", se.Msg)
			}
			out = append(out, e)
		case !stopGiven:
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}
