package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// The crossover table's break-even volume is a number column, right-aligned
// as its neighbours are, even where a row says "never": the demo's report
// (a100-80gb and h100-sxm against GPT-4o, GPT-4o mini and Groq's Llama
// 3.1 8B, whose two rows never break even) left-aligned "20.9M", "348M" and
// "41.8M" under a right-aligned "break-even utilization" beside it, in
// report.md's and report.html's table alike.
func TestCrossoverNeverKeepsTheColumnNumeric(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100()})
	rep := buildWith(t, []string{filepath.Join(root, "a100")}, report.SLO{TTFT: 200 * time.Millisecond}, nil)
	xt, ok := rep.crossoverTable()
	if !ok {
		t.Fatal("no crossover table")
	}
	col := -1
	for i, c := range xt.Columns {
		if c == "break-even tokens/day" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no break-even tokens/day column in %q", xt.Columns)
	}
	var never, volumes int
	for _, r := range xt.Rows {
		switch {
		case r[col] == "never":
			never++
		case looksNumeric(r[col]):
			volumes++
		}
	}
	if never == 0 || volumes == 0 {
		t.Fatalf("break-even column %d rows never, %d volumes; want both, for the test to mean anything", never, volumes)
	}
	if !xt.numeric()[col] {
		t.Errorf("break-even tokens/day is left-aligned: its volumes beside %d 'never' rows read as text", never)
	}
	var md strings.Builder
	writeMDTable(&md, xt)
	if sep := strings.Split(md.String(), "\n"); !strings.Contains(strings.Join(sep, "\n"), "|---|---|--:|--:|--:|--:|---|--:|--:|") {
		t.Errorf("report.md's crossover table aligns %q; want the break-even volume right-aligned", md.String())
	}
}
