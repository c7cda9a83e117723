package render

import (
	"fmt"

	"github.com/inferbench/inferbench/rundir"
)

// warnRepeatedDirs warns on a run given again (the same directory under
// another name: "runs/a" and "./runs/a/", a link) or a copy of one (cp -r,
// a download of a run already given), which a careless command line gives,
// and says what the report does with it in the grouping g (groupSetups,
// comparedRuns): without repeats every run is compared with the first, so
// a copy of the first is compared with itself and a copy of another run
// repeats that run's comparison; with repeats a copy is in no setup and
// compared with no run. The warnings go on the runs' entries rr and are
// returned, for the terminal.
func warnRepeatedDirs(g grouping, runs []*Run, rr []RunReport) []string {
	var out []string
	for _, c := range g.copies {
		what := fmt.Sprintf("%s is a copy of %s (run.json: the same host, pid, start, end and records)", runs[c.i].Dir, runs[c.of].Dir)
		if c.again {
			what = fmt.Sprintf("%s is %s given again", runs[c.i].Dir, runs[c.of].Dir)
		}
		var does string
		switch {
		case repeated(g.setups):
			does = "not a repeat (its requests are that run's: no run-to-run variance), so the report puts it in no setup of Repeated runs and compares it with no run"
		case c.of == 0:
			does = "the report compares that run with itself"
		default:
			does = fmt.Sprintf("the report compares it with %s, as it does %s: the same comparison twice", runs[0].Dir, runs[c.of].Dir)
		}
		w := what + ": " + does
		rr[c.i].Warnings = append(rr[c.i].Warnings, w)
		out = append(out, w)
	}
	return out
}

// copyOf is the earlier run that run j is given again (again: the same
// directory under another name) or a copy of (sameRun: cp -r), and
// whether there is one: the one rule of the grouping of repeats, where a
// copy is no repeat (groupSetups), and so of warnRepeatedDirs.
func copyOf(runs []*Run, j int) (i int, again, ok bool) {
	for i := range j {
		if rundir.SameDir(runs[i].Dir, runs[j].Dir) {
			return i, true, true
		}
		if sameRun(runs[i].Manifest, runs[j].Manifest) {
			return i, false, true
		}
	}
	return 0, false, false
}

// sameRun reports whether run.json a and b describe one run: the same
// host and process, started and ended at the same nanosecond, with as many
// records. Two runs, even shards started together (--start-at), differ in
// pid or host; a merged run in its records. A run.json without a pid or a
// start (older runs, fixtures) is never judged a copy.
func sameRun(a, b *rundir.Manifest) bool {
	if a == nil || b == nil || a.Host.PID == 0 || a.Start.IsZero() {
		return false
	}
	sameEnd := (a.End == nil) == (b.End == nil) && (a.End == nil || a.End.Equal(*b.End))
	return a.Host.Name == b.Host.Name && a.Host.PID == b.Host.PID && a.Start.Equal(b.Start) &&
		sameEnd && a.Records == b.Records
}
