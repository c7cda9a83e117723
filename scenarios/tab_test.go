package scenarios

import (
	"strings"
	"testing"
)

// A scenario indented with a tab is refused by the YAML parser, whose
// message quotes the character itself. run prints its errors through
// targets.Printable, which folds a tab into a space, so the user read
// "found character ' ' that cannot start any token" and could not see what
// was wrong. The message must name the tab in words, with no raw tab left
// for a terminal to show as blank.
func TestTabIndentedScenarioNamesTheTab(t *testing.T) {
	_, err := Load("tab.yaml", []byte("name: x\nload:\n\tconcurrency: 2\n"))
	if err == nil {
		t.Fatal("a tab-indented scenario loaded without error")
	}
	msg := err.Error()
	if strings.Contains(msg, "\t") {
		t.Errorf("error holds a raw tab, shown as a blank on the terminal: %q", msg)
	}
	if !strings.Contains(msg, "tab") || !strings.Contains(msg, "tab.yaml:3:1") {
		t.Errorf("error does not name the tab and its place: %q", msg)
	}
}
