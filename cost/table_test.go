package cost

import (
	"strings"
	"testing"
)

// TestWriteTables: text and Markdown render every table, a blank line
// between two; JSON encodes the data and no table.
func TestWriteTables(t *testing.T) {
	tables := []*Table{
		{Title: "GPU", Columns: []string{"id", "usd/h"}, Rows: [][]string{{"h100", "6.88"}}, Notes: []string{"on-demand"}},
		{Columns: []string{"a|b"}, Rows: [][]string{{"1"}}},
	}
	for _, tt := range []struct {
		f    Format
		want string
	}{
		{Text, "GPU\n\nid    usd/h\nh100  6.88\nnote: on-demand\n\na|b\n1\n"},
		{Markdown, "## GPU\n\n| id | usd/h |\n|---|---|\n| h100 | 6.88 |\n\n- on-demand\n\n| a\\|b |\n|---|\n| 1 |\n"},
		{JSON, "{\n  \"x\": 1\n}\n"},
	} {
		var b strings.Builder
		if err := Write(&b, tt.f, map[string]int{"x": 1}, tables...); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("Write(%s) =\n%q\nwant\n%q", tt.f, b.String(), tt.want)
		}
	}
}

// TestWriteShowsOutsideTextWrittenOut: a name from a prices file, a
// decision matrix or a run directory carrying an escape sequence, a line
// break or Markdown markup is shown as it is: no escape byte reaches the
// terminal, no line break starts a row or note of its own, and Markdown
// shows the characters instead of acting on them (printable.Text and
// printable.Markdown, by hand).
func TestWriteShowsOutsideTextWrittenOut(t *testing.T) {
	tab := &Table{Title: "box\x1b[2J", Columns: []string{"gpu", "offer"},
		Rows:  [][]string{{"h100\nFAKE ROW", "*cheap* <b>|x`"}},
		Notes: []string{"rule r1: \"a\x1b]0;pwned\x07\", because _b_"}}
	for _, tt := range []struct {
		f    Format
		want string
	}{
		{Text, "box\\x1b[2J\n\ngpu             offer\nh100\\nFAKE ROW  *cheap* <b>|x`\nnote: rule r1: \"a\\x1b]0;pwned\\a\", because _b_\n"},
		{Markdown, "## box\\\\x1b[2J\n\n| gpu | offer |\n|---|---|\n| h100\\\\nFAKE ROW | \\*cheap\\* \\<b\\>\\|x\\` |\n\n- rule r1: \"a\\\\x1b]0;pwned\\\\a\", because \\_b\\_\n"},
	} {
		var b strings.Builder
		if err := Write(&b, tt.f, nil, tab); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("Write(%s) =\n%s\nwant\n%s", tt.f, b.String(), tt.want)
		}
	}
}
