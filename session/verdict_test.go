package session

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestVerdictNamesWhatFailedTheSLO: a nightly run whose latencies were fine
// and whose errors passed the scenario's max_error_rate (0.1 %) says so.
// Before, its one line listed the latency bounds alone ("no level met the
// SLO (TTFT p95 ≤ 500ms, TPOT p95 ≤ 50ms, E2E p95 ≤ 8s, ITL p95 ≤ 100ms)"),
// none of which it broke, and the error budget it did break not at all.
func TestVerdictNamesWhatFailedTheSLO(t *testing.T) {
	budget := 0.001
	slo := report.SLO{TTFT: 500 * time.Millisecond, TPOT: 50 * time.Millisecond, Percentile: 95, MaxErrorRate: &budget}
	l := report.Level{Level: 8, Requests: report.Requests{Total: 400, OK: 379, Failed: 21}}
	l.TTFTMS = report.Dist{N: 379, P50: 51, P90: 52, P95: 53, P99: 57, P999: 60}
	l.TPOTMS = report.Dist{N: 379, P50: 10, P90: 10, P95: 10, P99: 10, P999: 10}
	err := Verdict(&report.Summary{Levels: []report.Level{l}}, &Options{SLO: slo})
	if err == nil {
		t.Fatal("a level with 5.25% errors against a 0.1% budget met the SLO")
	}
	for _, want := range []string{"error rate ≤ 0.1%", "level 8: error rate 5.25% > 0.1%"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Verdict: %q; want it to say %q", err, want)
		}
	}
	// Six levels that each missed it: the line names the first four
	// (maxMissed) and counts the rest.
	var levels []report.Level
	for i := range 6 {
		l.Level = float64(int(1) << i)
		levels = append(levels, l)
	}
	err = Verdict(&report.Summary{Levels: levels}, &Options{SLO: slo})
	if err == nil || !strings.Contains(err.Error(), "level 8: error rate 5.25% > 0.1%; 2 more levels: see the table above") ||
		strings.Contains(err.Error(), "level 16:") {
		t.Errorf("Verdict of six missed levels: %v; want levels 1, 2, 4 and 8 named, then \"2 more levels\"", err)
	}
}

// TestVerdictAllFailedSaysWhy: a run whose every measured request failed
// says why in its one line, by class with the first error of the most
// common: with --quiet nothing else is printed, and the line said "see the
// errors above" above nothing ("every measured request failed (2 of 2): see
// the errors above and r-tg" against a server slower than --timeout).
func TestVerdictAllFailedSaysWhy(t *testing.T) {
	a := report.Level{Level: 1, Requests: report.Requests{Total: 4, Failed: 4}}
	a.Errors = map[rundir.ErrorClass]int{rundir.Timeout: 3, rundir.HTTP5xx: 1}
	a.ErrorExamples = map[rundir.ErrorClass]string{rundir.Timeout: "request timed out after 500ms", rundir.HTTP5xx: "http 500: boom"}
	b := report.Level{Level: 2, Requests: report.Requests{Total: 2, Failed: 2}}
	b.Errors = map[rundir.ErrorClass]int{rundir.HTTP5xx: 2}
	b.ErrorExamples = map[rundir.ErrorClass]string{rundir.HTTP5xx: "http 500: later"}
	err := Verdict(&report.Summary{Levels: []report.Level{a, b}}, &Options{Out: "r-tg"})
	if err == nil {
		t.Fatal("no error for a run whose every request failed")
	}
	for _, want := range []string{"every measured request failed (6 of 6)", "http_5xx 3, timeout 3", "the first: http 500: boom", "r-tg"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Verdict: %q; want it to say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "above") {
		t.Errorf("Verdict: %q; points above, where --quiet printed nothing", err)
	}
}
