package compare

import (
	"strings"
	"testing"
)

// TestNoCommonLevelSaysTheLevels: the levels of each side are written as a
// reader writes them, not as Go prints a slice ("baseline [2 8], candidate
// [16]", and "candidate []" for a run with no records).
func TestNoCommonLevelSaysTheLevels(t *testing.T) {
	b := load(t, base())
	lv := base()
	lv.levels, lv.seed = []float64{0.5, 16}, 4
	_, err := Compare(RunBaseline(b), load(t, lv), Options{})
	if want := "no load level in common (baseline: 2, 8; candidate: 0.5, 16)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Compare(no common level) = %v; want %q", err, want)
	}
	if got := levelList(nil); got != "none" {
		t.Errorf("levelList(nil) = %q; want none", got)
	}
}
