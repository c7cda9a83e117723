package history

import (
	"errors"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// TestBaselineMatchesTheLoad: a level is a concurrency in a closed loop and
// a request rate in an open one, so "level 4" of the two is not one
// quantity. A command-line scenario of each (closed c=4 twice, open 4 req/s
// twice, made by the mock) was one median-of-4 for a closed candidate: its
// output tokens/s interval read [-100 %, +243 %], so no drop could fail the
// gate, and the only warning named the newest run's settings. A baseline
// is of runs under the same kind of load; the others are counted.
func TestBaselineMatchesTheLoad(t *testing.T) {
	ctx, s, root := t.Context(), testStore(t), t.TempDir()
	open := func(m *rundir.Manifest) { m.Load.Profile = "rate" }
	addRun(t, s, dayRun(t, root, "open1", 1, open))
	addRun(t, s, dayRun(t, root, "open2", 2, open))
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, func(m *rundir.Manifest) { m.Load.Profile = "sweep" }), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Baseline(ctx, s, "median-of-4", cand)
	if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "2 under another load") {
		t.Fatalf("Baseline of a closed-loop run among open-loop entries = %v; want ErrNoBaseline counting 2 under another load", err)
	}
	addRun(t, s, dayRun(t, root, "closed3", 3, nil)) // a run.json of before profiles: "" is a closed loop
	addRun(t, s, dayRun(t, root, "closed4", 4, func(m *rundir.Manifest) { m.Load.Profile = "concurrency" }))
	b, err := Baseline(ctx, s, "median-of-4", cand)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Summaries) != 2 || !strings.Contains(b.Label, "#4 #3") || strings.Contains(b.Label, "#2") {
		t.Errorf("baseline %q over %d summaries; want the closed-loop #4 #3 alone", b.Label, len(b.Summaries))
	}
	openCand, err := compare.LoadRun(dayRun(t, root, "open-cand", 6, open), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Baseline(ctx, s, "latest", openCand); err != nil || !strings.Contains(b.Label, "#2") {
		t.Errorf("latest of an open-loop run = %q, %v; want #2, the newest open-loop run", b.Label, err)
	}
}
