package history

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestTextWritesOutControlCharacters: history list and history show of an
// entry whose scenario, model, host and URL (run.json's, so a careless
// user's or a hostile file's) carry an ANSI escape and a newline hold no
// escape byte, and list keeps one line per entry. Before, list broke the
// entry over two lines and coloured the rest of the table.
func TestTextWritesOutControlCharacters(t *testing.T) {
	e := &Entry{ID: 3, Scenario: "s\x1b[31m\nFORGED", Model: "m\x1b[0m\nFORGED", TargetKind: "vllm",
		TargetURL: "http://h/\x1b[2J", Host: "box\x07", RunDir: "/r/\x1b[31m", Summary: &report.Summary{}}
	var list, show bytes.Buffer
	if err := WriteList(&list, []*Entry{e}); err != nil {
		t.Fatal(err)
	}
	if err := e.WriteText(&show); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"list": list.String(), "show": show.String()} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("history %s holds an escape byte:\n%q", name, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "FORGED") {
				t.Errorf("history %s: a value's newline started a line:\n%s", name, out)
			}
		}
	}
	if n := strings.Count(list.String(), "\n"); n != 2 {
		t.Errorf("history list: %d lines, want the header and one entry:\n%s", n, list.String())
	}
}
