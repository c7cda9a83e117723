// Package printable owns how text from outside (a run directory, a prices
// or decision-matrix file, a server) is shown on a terminal and in a
// Markdown file: Text writes out what would act instead of showing, and
// Markdown makes it literal Markdown; Count and Plural write a count in
// English. report, compare, history, merge and cost show names through
// it; the adapters under targets/ have their own one-line fold of a
// server's error text (targets.Printable), which the reading side may not
// import.
package printable

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with every character that would act on a terminal or
// a text file instead of showing written out as a Go escape: control
// characters (a newline becomes `\n`, an ANSI escape `\x1b`), bidirectional
// overrides (`\u202e`, which reorders what a reader sees) and bytes that
// are not UTF-8 (`\xff`). Text from a run directory (the model, the URL,
// the host, a label, an error) is the user's or the server's, and a report
// shows it through Text so that it can neither recolour the terminal,
// start a new table row, nor hide what it is. It is the reading side's
// counterpart of targets.Printable, which report may not import (the
// archtest rules) and which folds a server's error text onto one line with
// spaces: a name is shown as it is, its line break as `\n`.
func Text(s string) string {
	if !strings.ContainsFunc(s, hostile) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case hostile(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// hostile reports whether r is a control character or a bidirectional
// control.
func hostile(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// markdownMarkup escapes, with a backslash, the characters that would start
// Markdown markup inside a line of Markdown: a backslash
// itself, emphasis, code spans, raw HTML and table cell separators.
var markdownMarkup = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", `\<`, ">", `\>`, "|", `\|`)

// Markdown is s as literal text in Markdown, the one escaper of report.md,
// compare.md and the cost commands' --format md tables: first Text,
// so a line break or an escape sequence in a name is written out and cannot
// end a table row or a list item, then the markup characters escaped, so a
// name is shown as it is, never as emphasis, code, HTML or a new table cell.
func Markdown(s string) string { return markdownMarkup.Replace(Text(s)) }

// MarkdownRow is one row of a Markdown table, each cell literal text
// (Markdown), ending in a newline: the row writer of report.md's tables
// and of the cost commands' --format md.
func MarkdownRow(cells []string) string {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + Markdown(c) + " |")
	}
	b.WriteString("\n")
	return b.String()
}

// Count is n and noun, plural unless n is 1: "1 metric", "3 metrics".
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Plural(n, noun)
}

// All is every one of n nouns: "all 3 scrapes", or "the only scrape".
func All(n int, noun string) string {
	if n == 1 {
		return "the only " + noun
	}
	return "all " + Count(n, noun)
}

// Plural is noun, with an s unless n is 1 (a regular plural: the nouns
// counted in output all take one): "level 8", "levels 8, 16".
func Plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
