package history

import (
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// columns is a table of cells aligned by the columns a terminal gives
// them, as text/tabwriter aligns them with a minimum width of 2 and a
// padding of 2, except that an East Asian wide or fullwidth character
// (CJK, most emoji) counts two columns and a combining mark, a joiner or
// a variation selector none: tabwriter counts every character as one, so
// a Japanese scenario name pushed the rest of its row off its headers.
type columns struct {
	rows [][]string
}

// row adds a row of cells.
func (c *columns) row(cells ...string) { c.rows = append(c.rows, cells) }

// write writes the rows, each cell but a row's last padded to its
// column's width plus two spaces.
func (c *columns) write(w io.Writer) error {
	var widths []int
	for _, r := range c.rows {
		for i, cell := range r[:max(len(r)-1, 0)] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], textWidth(cell))
		}
	}
	var b strings.Builder
	for _, r := range c.rows {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", max(widths[i]+2, 2)-textWidth(cell)))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// textWidth is the number of terminal columns s takes.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
