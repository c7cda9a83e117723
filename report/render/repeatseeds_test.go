package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestRepeatsSeedsAreNoUnfairness: two runs of one setup whose load seed
// differs (run.json's load.seed is the workload seed that --seed sets)
// and whose dataset lies in another checkout directory are repeats; the
// verdict called them "Not a like-for-like comparison: different load: seed
// 7 vs 9" and "different scenario: workload.dataset.file …" beside "runs of
// one setup" (a review). Seeds differ by design between repeats (a note);
// a dataset is compared by its file's name, as compare and the grouping
// compare it.
func TestRepeatsSeedsAreNoUnfairness(t *testing.T) {
	a2 := rendertest.A100()
	a2.Seed, a2.Start = 11, a2.Start.Add(2*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "a100-2": a2})
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 3)
	for name, dir := range map[string]string{"a100": "/ci/1/data", "a100-2": "/ci/2/data"} {
		rundirtest.EditManifest(t, filepath.Join(root, name), func(m *rundir.Manifest) {
			m.Load.Seed = map[string]int64{"a100": 7, "a100-2": 9}[name]
			m.Scenario = []byte(strings.Replace(string(m.Scenario), `"workload":{`, `"workload":{"dataset":{"file":"`+dir+`/x.jsonl"},`, 1))
		})
	}
	rep := buildRepeats(t, root, "a100", "a100-2")
	if rep.Repeated == nil || len(rep.Repeated.Setups) != 1 {
		t.Fatalf("fixture: not one setup: %+v", rep.Repeated)
	}
	c := rep.Comparisons[0]
	if len(c.Unfair) != 0 || strings.Contains(c.Headline, "like-for-like") {
		t.Errorf("repeats: unfair %q, verdict %q; want none", c.Unfair, c.Headline)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "seeds differ, as between repeats: workload.seed 7 vs 3") ||
		!strings.Contains(strings.Join(c.Notes, "\n"), "load seed 7 vs 9") {
		t.Errorf("notes %q; want the seeds named", c.Notes)
	}
}
