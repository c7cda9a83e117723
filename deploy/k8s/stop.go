package k8s

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
)

// checkStop judges the stop sequences every pod's run sends, as run judges
// them: the run flags after -- (--target, --api, --model, --stop) laid over
// the scenario's, each sequence's form (none empty, repeated or too long:
// the scenario's validation) and what the target sends (session.StopFacts:
// how many, on which API, for which model). A mistake in a --stop after --
// is said by the flag's name; one in the file, at its file:line:col.
// Without o.RunFlags the scenario's own are judged; flags that cannot be
// read are left to checkRunFlags.
func checkStop(s *scenarios.Scenario, o Options) error {
	given := map[string][]string{}
	if o.RunFlags != nil {
		var ok bool
		if given, ok = runFlagValues(o.RunFlags, o.Args); !ok {
			return nil
		}
	}
	t := *s
	for name, dst := range map[string]*string{"target": &t.Target.Kind, "api": &t.Target.API, "model": &t.Target.Model} {
		if v := given[name]; len(v) > 0 {
			*dst = v[len(v)-1]
		}
	}
	stop, stopGiven := given["stop"]
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

// runFlagValues reads args as run's flag set reads them (a boolean flag
// takes no value, any other the next argument or its =value) and returns
// the values given to each flag, in order, by the flag's first name; false
// where args cannot be read (checkRunFlags says why).
func runFlagValues(flags []cli.Flag, args []string) (map[string][]string, bool) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	got := map[string][]string{}
	for _, f := range flags {
		name := f.Names()[0]
		add := func(v string) error {
			got[name] = append(got[name], v)
			return nil
		}
		for _, n := range f.Names() {
			if _, isBool := f.(*cli.BoolFlag); isBool {
				fs.BoolFunc(n, "", add)
			} else {
				fs.Func(n, "", add)
			}
		}
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return nil, false
	}
	return got, true
}
