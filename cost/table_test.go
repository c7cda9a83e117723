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
