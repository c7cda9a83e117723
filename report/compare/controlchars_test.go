package compare

import (
	"bytes"
	"strings"
	"testing"
)

// TestHeaderWritesOutControlCharacters: a candidate directory and a model
// name carrying an ANSI escape and a newline are written out in compare's
// terminal text and Markdown: no escape byte, and no line of their text
// after the newline (which used to read as a line of its own, or a table
// row in compare.md).
func TestHeaderWritesOutControlCharacters(t *testing.T) {
	res := &Result{Baseline: "runs/a", Candidate: "runs/b\x1b[31m\n| forged | row |",
		BaselineMeta: Meta{Model: "mock"}, CandidateMeta: Meta{Model: "mock\x1b[0m\nFORGED"},
		Warnings: []string{"host differs: a vs b\x1b[2J\nFORGED"}}
	for name, write := range map[string]func(*bytes.Buffer, *Result) error{
		"text":     func(b *bytes.Buffer, r *Result) error { return WriteText(b, r) },
		"markdown": func(b *bytes.Buffer, r *Result) error { return WriteMarkdown(b, r) },
	} {
		var b bytes.Buffer
		if err := write(&b, res); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(b.String(), 0x1b) {
			t.Errorf("%s: an escape byte is in the output:\n%s", name, b.String())
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(line, "| forged") || strings.HasPrefix(line, "FORGED") {
				t.Errorf("%s: a name's newline started the line %q", name, line)
			}
		}
	}
}
