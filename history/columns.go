package history

import (
	"io"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
)

// columns is a table of cells aligned by the columns a terminal gives
// them (printable.Width), as text/tabwriter aligns them with a minimum
// width of 2 and a padding of 2: tabwriter counts every character as one
// column, so a Japanese scenario name pushed the rest of its row off its
// headers.
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
			widths[i] = max(widths[i], printable.Width(cell))
		}
	}
	var b strings.Builder
	for _, r := range c.rows {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", max(widths[i]+2, 2)-printable.Width(cell)))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
