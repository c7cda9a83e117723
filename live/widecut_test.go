package live

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/printable"
)

// TestCutToCountsColumns: a live line is cut to the terminal's columns,
// a CJK character (a model's name) taking two: cut by characters, a line
// of 30 of them at 20 columns kept 20, 40 columns, and the terminal wrapped
// it into the lines below.
func TestCutToCountsColumns(t *testing.T) {
	line := "model " + strings.Repeat("模", 30)
	if got := cutTo(line, 20); printable.Width(got) > 20 || !strings.HasPrefix(got, "model 模") {
		t.Errorf("cutTo = %q, %d columns; want at most 20", got, printable.Width(got))
	}
}
