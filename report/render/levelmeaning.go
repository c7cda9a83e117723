package render

import (
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// levelMeaning says what run i's load levels count, as its run.json's load
// profile has it: "concurrent streams (closed loop)", "requests per second
// offered (open loop)", sessions for a multi-turn run; "" when run.json
// does not say. An open-loop run's "80" in the tables and figures read as
// 80 concurrent users.
func (r *Report) levelMeaning(i int) string {
	rr := r.Runs[i]
	if rr.Manifest == nil {
		return ""
	}
	sessions := rr.Summary != nil && slices.ContainsFunc(rr.Summary.Levels, func(l report.Level) bool { return l.Sessions != nil })
	switch p := rr.Manifest.Load.Profile; {
	case p == "rate" && sessions:
		return "new sessions per second offered (open loop)"
	case p == "rate":
		return "requests per second offered (open loop)"
	case p == "trace":
		return "the trace, replayed at its own times"
	case (p == "concurrency" || p == "sweep") && sessions:
		return "concurrent sessions (closed loop)"
	case p == "concurrency" || p == "sweep":
		return "concurrent streams (closed loop)"
	}
	return ""
}

// levelsMeaning is levelMeaning for every run, in a caption's words: one
// phrase when the runs agree, else each run's.
func (r *Report) levelsMeaning() string {
	var labels, meanings []string
	for i, rr := range r.Runs {
		if m := r.levelMeaning(i); m != "" {
			labels, meanings = append(labels, rr.Label), append(meanings, m)
		}
	}
	if len(meanings) == 0 {
		return ""
	}
	if len(slices.Compact(slices.Clone(meanings))) == 1 {
		return meanings[0]
	}
	parts := make([]string, len(meanings))
	for i := range meanings {
		parts[i] = labels[i] + ": " + meanings[i]
	}
	return strings.Join(parts, "; ")
}
