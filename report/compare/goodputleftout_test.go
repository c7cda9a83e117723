package compare

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestJUnitSkipsAGoodputLeftOutInGeneralWords: a baseline whose goodput
// was left out (NaN: a history run judged by another SLO) against a
// candidate whose every request succeeded gives a gated goodput row "not
// measured"; its JUnit case is skipped without claiming what the JUnit
// file said of every such row, that the level had no successful request.
func TestJUnitSkipsAGoodputLeftOutInGeneralWords(t *testing.T) {
	b := base()
	b.levels = []float64{8}
	cand := load(t, b)
	sum := *cand.Summary
	sum.Levels = slices.Clone(sum.Levels)
	for i := range sum.Levels {
		sum.Levels[i].GoodputRPS = math.NaN()
	}
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: []*report.Summary{&sum}}, cand,
		Options{Thresholds: Thresholds{Limits: map[string]float64{"goodput_rps": 0.05}}, Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, res, 8, "goodput_rps"); r.Verdict != NotMeasured {
		t.Fatalf("goodput %+v; want not measured", r)
	}
	doc := junitOf(t, res)
	for _, c := range doc.Suites[0].Cases {
		if c.Skipped == nil {
			continue
		}
		if strings.Contains(c.Skipped.Message, "no successful request") || !strings.Contains(c.Skipped.Message, "no value on one side") {
			t.Errorf("skipped %q: %q; want no value on one side, without a cause it cannot know", c.Name, c.Skipped.Message)
		}
		return
	}
	t.Error("no JUnit case skipped")
}
