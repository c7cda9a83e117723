package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/internal/printable"
)

// Format is an output format of the cost commands.
type Format string

// Output formats.
const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "md"
)

// ParseFormat checks a --format value, in any case; "markdown" is md.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Text, JSON, Markdown:
		return f, nil
	case "markdown":
		return Markdown, nil
	}
	return "", fmt.Errorf("format %q must be text, json or md", s)
}

// Table is a result laid out for people: a title, a header, rows and notes.
type Table struct {
	Title   string
	Columns []string
	Rows    [][]string
	Notes   []string
}

// Write renders data as f: JSON encodes data itself (indented), text and
// Markdown render the tables.
func Write(w io.Writer, f Format, data any, tables ...*Table) error {
	if f == JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(data)
	}
	write := (*Table).writeText
	if f == Markdown {
		write = (*Table).writeMarkdown
	}
	for i, t := range tables {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := write(t, w); err != nil {
			return err
		}
	}
	return nil
}

// writeText lays t out for a terminal. Every string goes through
// printable.Text, as in every table of the report: a name from a prices
// file, a decision matrix or a run directory can neither act on the
// terminal nor start a line of its own.
func (t *Table) writeText(w io.Writer) error {
	var b strings.Builder
	if t.Title != "" {
		b.WriteString(printable.Text(t.Title) + "\n\n")
	}
	if len(t.Columns) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		line := func(cells []string) {
			for i, c := range cells {
				if i > 0 {
					io.WriteString(tw, "\t")
				}
				io.WriteString(tw, printable.Text(c))
			}
			io.WriteString(tw, "\n")
		}
		line(t.Columns)
		for _, r := range t.Rows {
			line(r)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, n := range t.Notes {
		b.WriteString("note: " + printable.Text(n) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdown lays t out as Markdown, every string literal text
// (printable.Markdown, the escaper of report.md and compare.md too).
func (t *Table) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	if t.Title != "" {
		b.WriteString("## " + printable.Markdown(t.Title) + "\n\n")
	}
	if len(t.Columns) > 0 {
		b.WriteString(printable.MarkdownRow(t.Columns))
		b.WriteString("|" + strings.Repeat("---|", len(t.Columns)) + "\n")
		for _, r := range t.Rows {
			b.WriteString(printable.MarkdownRow(r))
		}
	}
	if len(t.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.Notes {
			b.WriteString("- " + printable.Markdown(n) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// thousands formats v rounded to an integer with comma separators.
func thousands(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// num formats a plain number with up to 4 significant digits.
func num(v float64) string {
	if v >= 10000 {
		return thousands(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// pct formats a fraction as a percentage: one decimal, or two significant
// digits under 0.05 %, which one decimal writes as "0.0%" (a break-even
// utilization of 0.031 % read as a box that pays at no use).
func pct(v float64) string {
	p := v * 100
	if a := math.Abs(p); a > 0 && a < 0.05 {
		return strconv.FormatFloat(p, 'f', int(math.Ceil(-math.Log10(a)))+1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}
