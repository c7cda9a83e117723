package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report"
)

// The kinds of LevelFlag, in report's words for a level whose numbers do
// not describe the server alone.
const (
	// FlagClientBound: the load generator was near its limit
	// (report.ClientLevel.Bound).
	FlagClientBound = "CLIENT-BOUND"
	// FlagMockBehind: inferbench's mock engine fell behind its schedule
	// because the host was busy (report.SimBehind.Flagged).
	FlagMockBehind = "MOCK-BEHIND"
)

// FlagNote is what a flagged level means for the gate. The gate still
// judges such a level, and a regression there still fails it: a busy
// machine must not be able to silence a gate, and a busy minute does not
// survive a second run (docs/gating.md, "Repeat when it fails").
const FlagNote = "at a flagged level a change may be the load generator's or the busy host's, not the server's; " +
	"a regression there still fails the gate (a busy machine must not silence it): run the scenario again and gate that run (docs/gating.md)"

// A LevelFlag says that one side's numbers at a compared level are not the
// server's alone: the level was CLIENT-BOUND or MOCK-BEHIND. The flags are
// report's verdicts (report.ClientLevel, report.SimBehind), read, never
// re-derived.
type LevelFlag struct {
	// Level is the compared level.
	Level float64 `json:"level"`
	// Side is "baseline" or "candidate".
	Side string `json:"side"`
	// Kind is FlagClientBound or FlagMockBehind.
	Kind string `json:"kind"`
	// Runs and Of are, for a baseline of several earlier runs' summaries
	// (history:median-of-N), how many of them were flagged at this level
	// and how many had it; both 0 for one run.
	Runs int `json:"runs,omitempty"`
	Of   int `json:"of,omitempty"`
	// Warning says it: for one run, report's own sentence
	// (ClientLevel.Warning, SimBehind.Warning); for several, the count.
	Warning string `json:"warning"`
}

// String is the flag in one line: "level 8: candidate CLIENT-BOUND: the
// load generator was near its limit (…): …".
func (f LevelFlag) String() string {
	return fmt.Sprintf("level %g: %s %s", f.Level, f.Side, f.Warning)
}

// short is the flag without its level and report's sentence: "candidate
// CLIENT-BOUND", "baseline MOCK-BEHIND (2 of 7 runs)".
func (f LevelFlag) short() string {
	s := f.Side + " " + f.Kind
	if f.Of > 0 {
		s += fmt.Sprintf(" (%d of %d runs)", f.Runs, f.Of)
	}
	return s
}

// flagKinds reads each kind's verdict off a summary's level: report's
// warning when the level is flagged, "" otherwise.
var flagKinds = []struct {
	kind string
	warn func(*report.Level) string
}{
	{FlagClientBound, func(l *report.Level) string {
		if c := l.Client; c != nil && c.Bound {
			return c.Warning()
		}
		return ""
	}},
	{FlagMockBehind, func(l *report.Level) string {
		if sv := l.Server; sv != nil && sv.SimBehind != nil && sv.SimBehind.Flagged {
			return sv.SimBehind.Warning()
		}
		return ""
	}},
}

// levelFlags returns the flags of level lv in the summaries of one side:
// for one summary, each flag with report's sentence; for several (the
// earlier runs of a history baseline), each kind any of them had, with how
// many of the runs that have the level had it.
func levelFlags(side string, sums []*report.Summary, lv float64) []LevelFlag {
	var out []LevelFlag
	for _, k := range flagKinds {
		var warns []string
		of := 0
		for _, s := range sums {
			if s == nil {
				continue
			}
			for i := range s.Levels {
				if s.Levels[i].Level != lv {
					continue
				}
				of++
				if w := k.warn(&s.Levels[i]); w != "" {
					warns = append(warns, w)
				}
			}
		}
		switch {
		case len(warns) == 0:
		case len(sums) == 1:
			out = append(out, LevelFlag{Level: lv, Side: side, Kind: k.kind, Warning: warns[0]})
		default:
			out = append(out, LevelFlag{Level: lv, Side: side, Kind: k.kind, Runs: len(warns), Of: of,
				Warning: fmt.Sprintf("%s in %d of %d earlier runs at this level", k.kind, len(warns), of)})
		}
	}
	return out
}

// flags returns the baseline's flags at level lv: its run's, or its
// summaries'.
func (b Baseline) flags(lv float64) []LevelFlag {
	if b.Run != nil {
		return levelFlags("baseline", []*report.Summary{b.Run.Summary}, lv)
	}
	return levelFlags("baseline", b.Summaries, lv)
}

// flagsAt returns r's flags at level lv.
func (r *Result) flagsAt(lv float64) []LevelFlag {
	var out []LevelFlag
	for _, f := range r.Flags {
		if f.Level == lv {
			out = append(out, f)
		}
	}
	return out
}

// flagged is the short form of the flags at level lv, "" when it has
// none: "baseline MOCK-BEHIND, candidate CLIENT-BOUND".
func flagged(flags []LevelFlag, lv float64) string {
	var parts []string
	for _, f := range flags {
		if f.Level == lv {
			parts = append(parts, f.short())
		}
	}
	return strings.Join(parts, ", ")
}

// regressedFlags returns the flags at the levels of the regressions rows,
// in r's order.
func (r *Result) regressedFlags(rows []Row) []LevelFlag {
	var out []LevelFlag
	for _, f := range r.Flags {
		if slices.ContainsFunc(rows, func(row Row) bool { return row.Level == f.Level }) {
			out = append(out, f)
		}
	}
	return out
}
