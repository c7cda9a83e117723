package history

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// TestBaselineSaysSettingsOfEachOfItsRuns: compare's warnings that a
// scenario setting differs read the baseline's run.json, which for a
// history:median-of-N baseline was its newest run's alone: a median over
// three nights, one of which ran 40 requests a level where the candidate
// ran 20, said nothing, as the newest night matched. Each run of the
// baseline whose settings differ from the candidate's is named with them
// (since runs of other workload or load settings are left out of it, a
// setting that only watches the run: GPU telemetry's interval).
func TestBaselineSaysSettingsOfEachOfItsRuns(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	addRun(t, s, dayRun(t, root, "night1", 1, func(m *rundir.Manifest) {
		m.Scenario = []byte(`{"name":"nightly","load":{"concurrency":4},"gpu":{"interval":"1s"}}`)
	}))
	addRun(t, s, dayRun(t, root, "night2", 2, nil))
	addRun(t, s, dayRun(t, root, "night3", 3, nil))
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(res.Warnings, "\n")
	if !strings.Contains(w, "#1") || !strings.Contains(w, `gpu: baseline {"interval":"1s"}, candidate absent`) {
		t.Errorf("warnings:\n%s\nwant #1's gpu.interval (1s) named", w)
	}
	if strings.Contains(w, "#2") || strings.Contains(w, "#3") {
		t.Errorf("warnings:\n%s\nname #2 or #3, whose settings are the candidate's", w)
	}
}

// TestBaselineSaysWhichOfItsRunsEndedEarly: compare says that the
// baseline run was interrupted or cut short (killed: run.json still says
// running) from the baseline's run.json, the newest's alone; a median-of-3
// over a night killed after a few records, and two whole ones, said
// nothing. Each of its runs that ended early is named.
func TestBaselineSaysWhichOfItsRunsEndedEarly(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	addRun(t, s, dayRun(t, root, "night1", 1, func(m *rundir.Manifest) { m.ExitState = rundir.ExitRunning }))
	addRun(t, s, dayRun(t, root, "night2", 2, func(m *rundir.Manifest) {
		m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
	}))
	addRun(t, s, dayRun(t, root, "night3", 3, nil))
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(res.Warnings, "\n")
	if !strings.Contains(w, "history:#1") || !strings.Contains(w, "history:#2") || !strings.Contains(w, "interrupted") || strings.Contains(w, "#3") {
		t.Errorf("warnings:\n%s\nwant #1 (killed) and #2 (interrupted) named, #3 not", w)
	}
}
