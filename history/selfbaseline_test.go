package history

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestBaselineByIDRefusesTheCandidate: history:ID naming the candidate's
// own entry (added before the gate, its ID taken from `history list`)
// compared the run with itself and passed, every row within noise; latest
// and median-of-N leave the candidate out already. It is refused, naming
// the entry.
func TestBaselineByIDRefusesTheCandidate(t *testing.T) {
	s := testStore(t)
	root := t.TempDir()
	addRun(t, s, dayRun(t, root, "night1", 1, nil))
	tonight := dayRun(t, root, "night2", 2, nil)
	addRun(t, s, tonight)
	cand, err := compare.LoadRun(tonight, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Baseline(t.Context(), s, "2", cand); err == nil || !strings.Contains(err.Error(), "#2 is the candidate run itself") {
		t.Errorf("history:2, the candidate's own entry: %v; want it refused", err)
	}
	if b, err := Baseline(t.Context(), s, "1", cand); err != nil || !strings.Contains(b.Label, "#1") {
		t.Errorf("history:1: %q, %v; want entry #1", b.Label, err)
	}
}
