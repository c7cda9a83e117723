package compare

import (
	"encoding/json"

	"github.com/inferbench/inferbench/rundir"
)

// SettingsDiff names every scenario setting that differs between two
// run.json scenarios, one string per field by its dotted path
// ("load.concurrency: baseline 4, candidate 8"; a field only one side has
// reads "absent" on the other), in path order. Undecodable settings give
// one entry saying so.
func SettingsDiff(base, cand json.RawMessage) []string {
	diffs, err := rundir.DiffScenarios(base, cand)
	if err != nil {
		return []string{"scenario settings: one run's scenario cannot be read"}
	}
	out := make([]string, len(diffs))
	for i, d := range diffs {
		out[i] = d.Path + ": baseline " + d.A + ", candidate " + d.B
	}
	return out
}
