package render

import (
	"fmt"

	"github.com/inferbench/inferbench/rundir"
)

// warnRepeatedDirs warns on a run given again (the same directory under
// another name: "runs/a" and "./runs/a/", a link) or a copy of one (cp -r,
// a download of a run already given): the report sets it beside itself,
// which a careless command line does, not a comparison.
func warnRepeatedDirs(runs []*Run) {
	for j := range runs {
		i, again, ok := copyOf(runs, j)
		switch {
		case !ok:
		case again:
			runs[j].Warnings = append(runs[j].Warnings, fmt.Sprintf(
				"%s is %s given again: the report compares that run with itself", runs[j].Dir, runs[i].Dir))
		default:
			runs[j].Warnings = append(runs[j].Warnings, fmt.Sprintf(
				"%s is a copy of %s (run.json: the same host, pid, start, end and records): the report compares that run with itself", runs[j].Dir, runs[i].Dir))
		}
	}
}

// copyOf is the earlier run that run j is given again (again: the same
// directory under another name) or a copy of (sameRun: cp -r), and
// whether there is one: the one rule for warnRepeatedDirs and the
// grouping of repeats, where a copy is no repeat.
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
