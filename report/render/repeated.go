package render

import (
	"fmt"
	"os"
)

// warnRepeatedDirs warns on a run given again (the same directory under
// another name: "runs/a" and "./runs/a/", a link): the report sets it
// beside itself, which a careless command line does, not a comparison.
func warnRepeatedDirs(runs []*Run) {
	infos := make([]os.FileInfo, len(runs))
	for i, r := range runs {
		infos[i], _ = os.Stat(r.Dir)
	}
	for j := range runs {
		for i := range j {
			if infos[i] != nil && infos[j] != nil && os.SameFile(infos[i], infos[j]) {
				runs[j].Warnings = append(runs[j].Warnings, fmt.Sprintf(
					"%s is %s given again: the report compares that run with itself", runs[j].Dir, runs[i].Dir))
				break
			}
		}
	}
}
