package render

import (
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// PartMark is the word that marks a run that measured part of a sharded
// run's load (a shard, or a merge of some of the shards) wherever its
// numbers are shown: its throughput is not the server's.
const PartMark = "PART OF THE LOAD"

// PartNote says which runs measured part of a sharded run's load, for the
// report's top: the server served every shard's requests, so their
// throughput is their part, at the whole run's levels, and they are not
// priced. "" when every run is whole.
func (r *Report) PartNote() string {
	var parts []string
	for _, rr := range r.Runs {
		if rr.PartOfLoad != "" {
			parts = append(parts, fmt.Sprintf("%s is %s of a sharded run", rr.Label, rr.PartOfLoad))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return PartMark + ": " + strings.Join(parts, "; ") + ": the server served every shard's requests, so its throughput is its part of the load, at the whole run's levels, and it is not priced; merge every shard (inferbench merge, without --partial) for the whole."
}

// partLabel is a run's label with its part of the load, for the tables
// that set runs side by side ("s0 (PART OF THE LOAD: shard 0/2)"); the
// label alone for a whole run.
func partLabel(label, part string) string {
	if part == "" {
		return label
	}
	return label + " (" + PartMark + ": " + part + ")"
}

// partsOf names the runs of a comparison that measured part of the load
// (Comparison.PartOfLoad), baseline first.
func partsOf(runs ...*Run) []string {
	var out []string
	for _, r := range runs {
		if p := report.PartOfLoad(r.Manifest); p != "" {
			out = append(out, fmt.Sprintf("%s is %s of a sharded run", r.Label, p))
		}
	}
	return out
}

// partNotes are the notes of a comparison's tables when a run measured
// part of the load: its throughput against the other's is not the
// server's.
func partNotes(c Comparison) []string {
	var out []string
	for _, p := range c.PartOfLoad {
		out = append(out, PartMark+": "+p+": its throughput is its part of the load, not the server's")
	}
	return out
}
