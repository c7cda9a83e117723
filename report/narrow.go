package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/inferbench/inferbench/internal/printable"
)

// TerminalWidth is w's width in columns where w is a terminal, read as
// live's progress reads it (golang.org/x/term), and 0 where it is not: a
// pipe, a file or a CI log keeps the wide table, whatever $COLUMNS says.
func TerminalWidth(w io.Writer) int {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 0
	}
	return width
}

// TableFits reports whether every table of sum (WriteTable's) fits on a
// terminal of width columns, or width is 0 (not a terminal): where one
// does not, WriteTableFit lays its rows out as blocks and wraps the other
// long lines.
func TableFits(sum *Summary, width int) bool {
	if len(sum.Levels) == 0 {
		return true
	}
	if !fits(levelTable(sum.Levels), width) {
		return false
	}
	for i := range sum.Levels {
		if t, _ := latencyTable(&sum.Levels[i]); !fits(t, width) {
			return false
		}
	}
	return true
}

// fits reports whether every line of text fits on a terminal of width
// columns (0: not a terminal, where everything fits). A printed line may
// take the last column (live's lines leave it to the cursor, as a redraw
// must count lines; nothing here is redrawn): the 80-column latency table
// stays a table on an 80-column terminal.
func fits(text string, width int) bool {
	if width <= 0 {
		return true
	}
	for _, line := range strings.Split(text, "\n") {
		if printable.Width(line) > width {
			return false
		}
	}
	return true
}

// levelBlock is level l's row of the level table where the table does not
// fit: every column labelled, flowing over as many lines as the width
// needs, the lines after the first indented ("level 4  requests 40  ok 38
// failed 2", then "  window 5.61 s  out tok/s 491.1", ...), as live lays
// out a level's result on a narrow terminal.
func levelBlock(l *Level, width int) string {
	return flowLine("", labelled(
		fmt.Sprintf("level %g", l.Level), fmt.Sprintf("requests %d", l.Requests.Total), fmt.Sprintf("ok %d", l.Requests.OK),
		fmt.Sprintf("failed %d", l.Requests.Failed), fmt.Sprintf("window %.2f s", l.WindowS),
		fmt.Sprintf("out tok/s %.1f", l.OutputTokensPerS), fmt.Sprintf("total tok/s %.1f", l.TotalTokensPerS),
		fmt.Sprintf("req/s %.2f", l.RequestsPerS), fmt.Sprintf("goodput req/s %.2f", l.GoodputRPS)), width)
}

// latencyBlocks are level l's latency table where it does not fit: a block
// a metric, its count and each percentile, mean and stddev labelled
// ("TTFT  n 40  p50 8.64  p90 8.88*", then "  p95 8.98*  p99 9.72*", ...),
// each value as the table writes it (latencyText).
// A metric with no samples is its name and "n 0".
func latencyBlocks(l *Level, width int) string {
	var b strings.Builder
	for _, r := range latencyRows(l) {
		parts := []string{r.name, fmt.Sprintf("n %d", r.dist.N)}
		if r.dist.N > 0 {
			for _, p := range tablePercentiles {
				parts = append(parts, fmt.Sprintf("p%g %s", p, MarkSmall(latencyText(r.dist.At(p)), r.dist.N, p)))
			}
			parts = append(parts, "mean "+latencyText(r.dist.Mean), "stddev "+latencyText(r.dist.Stddev))
		}
		b.WriteString(flowLine("", labelled(parts...), width))
	}
	return b.String()
}

// part is a piece of a line that flowLine keeps whole where it can, and
// sep what goes before it after another on the same line.
type part struct{ sep, text string }

// labelled are a block's labelled values, two spaces apart as the live
// view's.
func labelled(texts ...string) []part {
	parts := make([]part, len(texts))
	for i, t := range texts {
		parts[i] = part{sep: "  ", text: t}
	}
	return parts
}

// word is a run of spaces and the word after it.
var word = regexp.MustCompile(`\s*\S+`)

// FitLines wraps each line of text wider than a terminal of width columns
// at its spaces, the lines it continues on
// indented two spaces more than it; a word wider than a line is cut over
// several, so nothing is lost. A line that fits, and all of text where
// width is 0, is left as it is.
func FitLines(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if fits(body, width) {
			continue
		}
		rest := strings.TrimLeft(body, " ")
		indent := body[:len(body)-len(rest)]
		var parts []part
		for _, w := range word.FindAllString(rest, -1) {
			t := strings.TrimLeft(w, " \t")
			parts = append(parts, part{sep: w[:len(w)-len(t)], text: t})
		}
		lines[i] = strings.TrimSuffix(flowLine(indent, parts, width), "\n") + line[len(body):]
	}
	return strings.Join(lines, "")
}

// flowLine lays parts out after indent in lines of at most width columns, the lines after the first indented two spaces more, and ends
// each with a newline. A part wider than a line is split at its spaces,
// and a word wider than a line cut where the line ends.
func flowLine(indent string, parts []part, width int) string {
	cols := max(width, 1)
	more := indent + "  "
	room := max(cols-printable.Width(more), 1)
	var pieces []part
	for _, p := range parts {
		if printable.Width(p.text) <= room {
			pieces = append(pieces, p)
			continue
		}
		for i, w := range strings.Fields(p.text) {
			sep := " "
			if i == 0 {
				sep = p.sep
			}
			for r := w; r != ""; {
				piece := printable.Cut(r, room)
				if piece == "" { // a character wider than the room
					_, n := utf8.DecodeRuneInString(r)
					piece = r[:n]
				}
				pieces = append(pieces, part{sep: sep, text: piece})
				r, sep = r[len(piece):], ""
			}
		}
	}
	var b strings.Builder
	line := ""
	for _, p := range pieces {
		switch {
		case line == "":
			line = indent + p.text
		case printable.Width(line)+printable.Width(p.sep)+printable.Width(p.text) <= cols:
			line += p.sep + p.text
		default:
			b.WriteString(line + "\n")
			line = more + p.text
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}
