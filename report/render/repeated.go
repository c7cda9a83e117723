package render

import (
	"fmt"

	"github.com/inferbench/inferbench/rundir"
)

// warnRepeatedDirs warns on a run given again (the same directory under
// another name: "runs/a" and "./runs/a/", a link): the report sets it
// beside itself, which a careless command line does, not a comparison.
func warnRepeatedDirs(runs []*Run) {
	for j := range runs {
		for i := range j {
			if rundir.SameDir(runs[i].Dir, runs[j].Dir) {
				runs[j].Warnings = append(runs[j].Warnings, fmt.Sprintf(
					"%s is %s given again: the report compares that run with itself", runs[j].Dir, runs[i].Dir))
				break
			}
		}
	}
}
