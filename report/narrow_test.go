package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// TestFitLinesLosesNothing: a line wider than the terminal continues on
// lines indented two spaces more than its own indent, broken at its
// spaces; a word wider than a line (a run directory's path) is cut over
// several lines rather than left wider than the terminal; no character
// but the spaces it breaks at is lost; a line that fits, and any text at
// width 0 (not a terminal), is left as it is.
func TestFitLinesLosesNothing(t *testing.T) {
	path := "/" + strings.Repeat("runs/h100-sxm-", 8) + "run.json's"
	text := "fits\n" +
		"SLO from " + path + " scenario: capacity judged by it\n" +
		"  http_5xx, the first: 503 Service Unavailable: engine overloaded, try again later\n" +
		"target  vllm http://127.0.0.1:8000  model llama-3-8b\n"
	if got := FitLines(text, 0); got != text {
		t.Errorf("width 0 changed the text:\n%s", got)
	}
	for _, width := range []int{20, 40, 59, 60, 80} {
		got := FitLines(text, width)
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("at %d columns: a line of %d columns: %q", width, n, l)
			}
		}
		if lines[0] != "fits" {
			t.Errorf("at %d columns: the first line %q; want it as it was", width, lines[0])
		}
		var flat strings.Builder
		indent := ""
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "  http_5xx"):
				indent = "  "
			case l == "fits", strings.HasPrefix(l, "SLO"), strings.HasPrefix(l, "target"):
				indent = ""
			case !strings.HasPrefix(l, indent+"  ") || strings.HasPrefix(l, indent+"   "):
				t.Errorf("at %d columns: line %q; want it indented %d spaces", width, l, len(indent)+2)
			}
			flat.WriteString(strings.ReplaceAll(l, " ", ""))
		}
		if want := strings.ReplaceAll(strings.ReplaceAll(text, " ", ""), "\n", ""); flat.String() != want {
			t.Errorf("at %d columns: characters lost or added:\n%s", width, got)
		}
		if !strings.HasSuffix(got, "\n") {
			t.Errorf("at %d columns: the last newline lost", width)
		}
	}
}

// TestWriteTableFitKeepsTheTableWhereItFits: at width 0 (not a terminal)
// and on a terminal as wide as the widest table, WriteTableFit writes
// WriteTable's text, its longer prose lines unwrapped; a column narrower,
// the level table's rows are blocks and the latency table, which fits,
// stays; at 40 columns the latency table's rows are blocks too, a metric
// without samples its name and "n 0".
func TestWriteTableFitKeepsTheTableWhereItFits(t *testing.T) {
	l := Level{Level: 4, Requests: Requests{Total: 10, OK: 10}, WindowS: 2, OutputTokensPerS: 123.45, GoodputRPS: 5,
		TTFTMS: distOf([]float64{10, 20, 30}), E2EMS: distOf([]float64{100, 200, 300})}
	sum := &Summary{Levels: []Level{l}}
	var wide bytes.Buffer
	if err := WriteTable(&wide, sum, nil); err != nil {
		t.Fatal(err)
	}
	lat, _ := latencyTable(&l)
	widest := 0
	for _, line := range strings.Split(levelTable(sum.Levels)+lat, "\n") {
		widest = max(widest, utf8.RuneCountInString(line))
	}
	for _, width := range []int{0, widest} {
		var b bytes.Buffer
		if err := WriteTableFit(&b, sum, nil, width); err != nil {
			t.Fatal(err)
		}
		if b.String() != wide.String() || !TableFits(sum, width) {
			t.Errorf("at %d columns (the widest line %d): not WriteTable's text:\n%s", width, widest, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteTableFit(&b, sum, nil, widest-1); err != nil {
		t.Fatal(err)
	}
	if TableFits(sum, widest-1) {
		t.Errorf("at %d columns the %d-column table fits", widest-1, widest)
	}
	if want := "\nlevel 4  requests 10  ok 10  failed 0  window 2.00 s  out tok/s 123.5"; !strings.Contains("\n"+b.String(), want) || !strings.Contains(b.String(), lat) {
		t.Errorf("at %d columns: no %q, or the latency table that fits not kept:\n%s", widest-1, want, b.String())
	}
	b.Reset()
	if err := WriteTableFit(&b, sum, nil, 40); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nTPOT  n 0\n", "\nTTFT  n 3  p50 20.0*  p90 28.0*\n  p95 29.0*"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("at 40 columns no %q in\n%s", want, b.String())
		}
	}
}

// TestNoLevelsHeaderFits: a run with no measured request (its header and
// "no measured requests" only) has its header's long lines wrapped at
// their spaces on an 80-column terminal, as beside a table too wide: the
// SIMULATED and run lines were left for the terminal to cut mid-word.
func TestNoLevelsHeaderFits(t *testing.T) {
	end := time.Unix(1e9, 0).UTC()
	m := &rundir.Manifest{Tool: "inferbench", Target: rundir.TargetInfo{Kind: "mock", URL: "http://127.0.0.1:18081", Model: "m"},
		Start: end.Add(-4 * time.Second), End: &end, ExitState: rundir.ExitInterrupted, ExitReason: "interrupted by signal", Simulated: true}
	var b bytes.Buffer
	if err := WriteTableFit(&b, &Summary{}, m, 80); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if utf8.RuneCountInString(line) > 80 {
			t.Errorf("a line of %d columns at 80: %q\n%s", utf8.RuneCountInString(line), line, b.String())
		}
	}
	if !strings.Contains(b.String(), "SIMULATED") || !strings.Contains(b.String(), "no measured requests") {
		t.Errorf("output:\n%s", b.String())
	}
}

// TestFitLinesCountsColumns: a line of CJK (two columns a character) is
// wrapped by the columns it takes, not its characters: 15 "模型" words are
// 74 columns and 44 characters, and at 40 columns each line was up to 40
// characters, 78 columns, wrapped again by the terminal.
func TestFitLinesCountsColumns(t *testing.T) {
	text := strings.TrimSpace(strings.Repeat("模型 ", 15)) + "\n"
	for _, line := range strings.Split(strings.TrimSuffix(FitLines(text, 40), "\n"), "\n") {
		if w := printable.Width(line); w > 40 {
			t.Errorf("a line of %d columns at 40: %q", w, line)
		}
	}
	long := strings.Repeat("模", 30) + "\n" // one word of 60 columns, cut
	for _, line := range strings.Split(strings.TrimSuffix(FitLines(long, 20), "\n"), "\n") {
		if w := printable.Width(line); w > 20 {
			t.Errorf("a cut word's line of %d columns at 20: %q", w, line)
		}
	}
}
