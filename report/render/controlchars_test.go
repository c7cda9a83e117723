package render

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestMarkdownWritesOutControlCharacters: a qualification report of two
// runs whose model and host names carry an ANSI escape and a newline (a
// server's or a careless user's text) has no escape byte in report.md, and
// every line of its tables still starts with "|" (the host's newline used to
// end the "different hosts" note half-way, the escape to recolour a
// terminal that cats the file).
func TestMarkdownWritesOutControlCharacters(t *testing.T) {
	root := t.TempDir()
	var dirs []string
	for i, host := range []string{"box-a\x1b[31m\nFAKE", "box-b"} {
		s := rendertest.A100()
		s.Host = host
		s.Model = "mock\x1b[0m\n| injected | row |"
		if i == 1 {
			s = rendertest.H100()
			s.Host = host
			s.Model = "mock\x1b[0m\n| injected | row |"
		}
		dir := filepath.Join(root, []string{"a", "b"}[i])
		if err := rendertest.WriteRun(dir, s); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	rep := buildFrom(t, dirs)
	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	if strings.ContainsRune(out, 0x1b) {
		t.Error("an escape byte is in report.md")
	}
	// Written out by printable.Text, then its backslashes escaped for Markdown:
	// rendered, it reads box-a\x1b[31m\nFAKE.
	if !strings.Contains(out, `box-a\\x1b[31m\\nFAKE`) {
		t.Error("the host is not in report.md, written out: the test would not see its newline")
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "FAKE") || strings.HasPrefix(line, "| injected") {
			t.Errorf("line %d starts with a name's text after its newline: %s", i+1, line)
		}
	}
}
