package render

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// The crossover table's break-even utilization keeps its digits under
// 0.05 %: a run serving 1.15M tokens/s (the mock with no delay) against
// GPT-4o broke even at 26.8M tokens a day, 0.027 % of the box, and the
// report wrote "0.0 %", a box that pays at no use.
func TestCrossoverSmallUtilizationKeepsItsDigits(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100()})
	rep := buildWith(t, []string{filepath.Join(root, "a100")}, report.SLO{TTFT: 200 * time.Millisecond}, func(runs []*Run) {
		for i := range runs[0].Summary.Levels {
			l := &runs[0].Summary.Levels[i]
			l.OutputTokensPerS *= 1000
			l.TotalTokensPerS *= 1000
			l.RequestsPerS *= 1000
		}
		if c := runs[0].Summary.Capacity; c != nil {
			c.OutputTokensPerS *= 1000
			c.TotalTokensPerS *= 1000
			c.RequestsPerS *= 1000
		}
	})
	xt, ok := rep.crossoverTable()
	if !ok {
		t.Fatal("no crossover table")
	}
	col := len(xt.Columns) - 1
	if xt.Columns[col] != "break-even utilization" {
		t.Fatalf("last column %q; want break-even utilization", xt.Columns[col])
	}
	small := 0
	for i, row := range xt.Rows {
		u := rep.Crossover.Rows[i].Crossover.BreakEvenUtilization
		if u == nil {
			continue
		}
		want := *u * 100
		if want < 0.05 {
			small++
		}
		got, err := strconv.ParseFloat(strings.TrimSuffix(row[col], " %"), 64)
		if err != nil || got == 0 || math.Abs(got/want-1) > 0.05 {
			t.Errorf("%s: break-even utilization %q; want %.3g %% to its two significant digits", row[1], row[col], want)
		}
	}
	if small == 0 {
		t.Fatal("no break-even utilization under 0.05 %: the test's run is not fast enough to check it")
	}
}
