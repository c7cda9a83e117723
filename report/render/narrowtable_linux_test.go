package render

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inferbench/inferbench/internal/ptytest"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// reportOn is report's stdout for dirs on a pseudo-terminal of width
// columns.
func reportOn(t *testing.T, width int, dirs ...string) string {
	t.Helper()
	term := ptytest.Open(t, width)
	err := Command(dirs, "", nil, Options{Version: "test", Resamples: 50}, term.TTY, io.Discard)
	text := term.Close()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// wideTable is a table of the wide text: its title ("" for the level
// table, "level 4 — latency in ms" for a latency table), verbatim text,
// column names and rows of cells.
type wideTable struct {
	title, text string
	header      []string
	rows        [][]string
}

var cells = regexp.MustCompile(`\s{2,}`)

// wideTables finds the tables in report's wide text: a header and rows,
// their cells right-aligned two spaces or more apart.
func wideTables(text string) []wideTable {
	var tables []wideTable
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		h := strings.TrimSpace(lines[i])
		if c := cells.Split(h, 3); len(c) < 3 || c[0]+" "+c[1] != "level requests" && c[0]+" "+c[1] != "metric n" {
			continue
		}
		tb := wideTable{header: cells.Split(h, -1), text: lines[i] + "\n"}
		if i > 0 && strings.HasPrefix(h, "metric") {
			tb.title = lines[i-1]
		}
		for i++; i < len(lines) && strings.HasPrefix(lines[i], "  "); i++ {
			tb.rows = append(tb.rows, cells.Split(strings.TrimSpace(lines[i]), -1))
			tb.text += lines[i] + "\n"
		}
		tables = append(tables, tb)
	}
	return tables
}

// blocks are the blocks in lines: a line that does not begin with a space
// and the indented lines after it, flattened to single spaces.
func blocks(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "  ") && len(out) > 0 {
			out[len(out)-1] += " " + strings.Join(strings.Fields(l), " ")
			continue
		}
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

// TestReportOnANarrowTerminal: `report RUN_DIR` with its stdout on a
// terminal of 40, 59, 60 or 80 columns prints no line wider than the
// terminal, and every number of the wide tables is there: a table that
// fits as it is, one that does not as a block a row, each value after its
// column's name ("level 4  requests 40  ok 38  failed 2  window 5.61 s
// ..."), as live's result blocks. Before, the 85-column level table and
// the 80-column latency tables wrapped on such a terminal, every row.
func TestReportOnANarrowTerminal(t *testing.T) {
	dir, wide := a100Piped(t)
	tables := wideTables(wide)
	if len(tables) != 1+len(rendertest.A100().Levels) {
		t.Fatalf("%d tables in the wide text; want the level table and a latency table per level:\n%s", len(tables), wide)
	}
	for _, width := range []int{40, 59, 60, 80} {
		narrow := reportOn(t, width, dir)
		lines := strings.Split(narrow, "\n")
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("at %d columns: a line of %d columns: %q", width, n, l)
			}
		}
		for _, tb := range tables {
			if strings.Contains(narrow, tb.text) {
				if width < 80 || tb.title == "" {
					t.Errorf("at %d columns: a table of %d columns kept:\n%s", width, utf8.RuneCountInString(strings.Split(tb.text, "\n")[0]), tb.text)
				}
				continue
			}
			// The table's blocks: the level table's after the header
			// lines, a latency table's after its title.
			start := slicesIndex(lines, tb.title)
			if tb.title == "" {
				start = slicesIndex(lines, "")
			}
			if start < 0 {
				t.Errorf("at %d columns: no %q", width, tb.title)
				continue
			}
			bs := blocks(lines[start+1:])
			for i, row := range tb.rows {
				if i >= len(bs) {
					t.Errorf("at %d columns: %s: no block for row %v", width, tb.title, row)
					break
				}
				checkBlock(t, width, tb, row, bs[i])
			}
		}
	}
}

// checkBlock checks that block holds each cell of row after its column's
// name: the first cell first ("level 4", "TTFT"), a window as "window
// 5.61 s", a dash (no samples) left out.
func checkBlock(t *testing.T, width int, tb wideTable, row []string, block string) {
	t.Helper()
	if len(row) != len(tb.header) {
		t.Fatalf("%s: row %v under header %v", tb.title, row, tb.header)
	}
	first := row[0]
	if tb.title == "" {
		first = "level " + first
	}
	if !strings.HasPrefix(block, first+" ") {
		t.Errorf("at %d columns: %s: block %q; want it to begin with %q", width, tb.title, block, first)
		return
	}
	for k := 1; k < len(row); k++ {
		if row[k] == "-" {
			continue
		}
		want := tb.header[k] + " " + row[k]
		if tb.header[k] == "window s" {
			want = "window " + row[k] + " s"
		}
		if !regexp.MustCompile(`(^| )` + regexp.QuoteMeta(want) + `( |$)`).MatchString(block) {
			t.Errorf("at %d columns: %s row %s: %q lost from %q", width, tb.title, row[0], want, block)
		}
	}
}

func slicesIndex(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return -1
}

// TestReportOnAWideTerminalOrAPipe: on a terminal wide enough for the
// tables (86 and 120 columns), and anywhere that is not a terminal, report
// prints the wide text, byte for byte: its lines are not wrapped there.
func TestReportOnAWideTerminalOrAPipe(t *testing.T) {
	dir, wide := a100Piped(t)
	if !strings.Contains(wide, "  level  requests  ok") {
		t.Fatalf("no level table in the piped text:\n%s", wide)
	}
	for _, width := range []int{86, 120} {
		if got := reportOn(t, width, dir); got != wide {
			t.Errorf("at %d columns the text is not the piped one:\n%s\nwant\n%s", width, got, wide)
		}
	}
}

// a100Piped writes rendertest's A100 run and returns its directory and
// the text report prints for it where stdout is not a terminal.
func a100Piped(t *testing.T) (dir, text string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "a100")
	if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	var wide bytes.Buffer
	if err := Command([]string{dir}, "", nil, Options{Version: "test", Resamples: 50}, &wide, io.Discard); err != nil {
		t.Fatal(err)
	}
	return dir, wide.String()
}
