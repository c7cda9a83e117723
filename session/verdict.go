package session

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// ErrNothingMeasured is Verdict's error for a run that measured no request:
// its question has no answer (the command's exit 2, not 1). A closed-loop
// level whose warm-up outlasts its --duration ends so; an open-loop one is
// refused before it runs (scenarios: "all of them warm-up"). A shard that
// measured nothing is not judged: merge's run is.
var ErrNothingMeasured = errors.New("no request was measured")

// Verdict is run's answer to "is the thing I measured bad": an error when
// no measured request succeeded, or when an SLO was set and no level met
// it (the command's exit 1); an error that wraps ErrNothingMeasured when
// the run measured nothing; nil otherwise.
func Verdict(sum *report.Summary, o *Options) error {
	if sum == nil {
		return nil
	}
	total, ok := 0, 0
	met := false
	var missed []string // each level's reasons, "level 8: error rate 5.2% > 0.1%"
	for i := range sum.Levels {
		l := &sum.Levels[i]
		total += l.Requests.Total
		ok += l.Requests.OK
		m, why := report.MeetsSLO(l, o.SLO)
		met = met || m
		if !m {
			missed = append(missed, fmt.Sprintf("level %g: %s", l.Level, strings.Join(why, ", ")))
		}
	}
	switch {
	case total == 0 && o.Shard.Count > 1:
		// A shard may be dealt no request of a small level ("nothing for
		// shard 3/4"); the merged run is the one that answers.
		return nil
	case total == 0:
		why := "no level sent a measured request"
		if o.Warmup > 0 && o.Duration > 0 {
			why = fmt.Sprintf("the warm-up (%d requests) took the whole --duration %s", o.Warmup, o.Duration)
		}
		return fmt.Errorf("%w: %s; the records are in %s", ErrNothingMeasured, why, o.Out)
	case ok == 0:
		return fmt.Errorf("every measured request failed (%d of %d): %s; the records are in %s", total, total, failedLine(sum), o.Out)
	case !o.SLO.IsZero() && !met && total > 0:
		return fmt.Errorf("no level met the SLO (%s): %s", sloLine(o.SLO), missedLine(missed))
	}
	return nil
}

// maxExample is the most runes of an error's text failedLine quotes.
const maxExample = 200

// failedLine is the failures of every level by class, the most common
// first (then by name), with the first error of that class: "timeout 3, http_5xx 1 (the
// first timeout: request timed out after 500ms)". The one line a run
// whose every request failed leaves, --quiet or not.
func failedLine(sum *report.Summary) string {
	counts := map[rundir.ErrorClass]int{}
	example := map[rundir.ErrorClass]string{}
	for i := range sum.Levels {
		for c, n := range sum.Levels[i].Errors {
			if n <= 0 {
				continue
			}
			counts[c] += n
			if _, ok := example[c]; !ok && sum.Levels[i].ErrorExamples[c] != "" {
				example[c] = sum.Levels[i].ErrorExamples[c]
			}
		}
	}
	order := slices.SortedFunc(maps.Keys(counts), func(a, b rundir.ErrorClass) int {
		return cmp.Or(counts[b]-counts[a], strings.Compare(string(a), string(b)))
	})
	if len(order) == 0 {
		return "no error class recorded"
	}
	var parts []string
	for _, c := range order {
		parts = append(parts, fmt.Sprintf("%s %d", c, counts[c]))
	}
	line := strings.Join(parts, ", ")
	if ex := example[order[0]]; ex != "" {
		if r := []rune(ex); len(r) > maxExample {
			ex = string(r[:maxExample]) + "…"
		}
		line += fmt.Sprintf(" (the first: %s)", ex)
	}
	return line
}

// maxMissed is the most levels whose reasons Verdict's line gives; the
// table has the rest.
const maxMissed = 4

// missedLine is the levels' reasons, the first maxMissed of them.
func missedLine(missed []string) string {
	if len(missed) > maxMissed {
		return fmt.Sprintf("%s; %d more levels: see the table above", strings.Join(missed[:maxMissed], "; "), len(missed)-maxMissed)
	}
	return strings.Join(missed, "; ")
}

// sloLine is the SLO in words, the error budget last: "TTFT p95 ≤ 1s,
// TPOT p95 ≤ 50ms, error rate ≤ 0.1%".
func sloLine(slo report.SLO) string {
	return fmt.Sprintf("%s, error rate ≤ %g%%", slo.Bounds(), 100*slo.ErrorBudget())
}
