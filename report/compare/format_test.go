package compare

import (
	"bytes"
	"strings"
	"testing"
)

// TestParseFormat: compare takes the spellings cost.ParseFormat and
// render.ParseFormats take ("markdown" for md, any case, spaces around);
// anything else is one line naming the value and the choices.
func TestParseFormat(t *testing.T) {
	for in, want := range map[string]string{"": "text", "text": "text", "TEXT": "text", "md": "md",
		"markdown": "md", " Markdown ": "md", "json": "json", "JSON": "json"} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"html", "mark down", "md,json", "csv"} {
		_, err := ParseFormat(in)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `--format "`+in+`": must be text, md (markdown) or json`) {
			t.Errorf("ParseFormat(%q): error %v; want one line naming it and text, md (markdown) or json", in, err)
		}
	}
}

// TestGateRefusesAFormatFirst: Gate checks the format before it reads a
// run, so a bad --format is the error even when the runs do not exist.
func TestGateRefusesAFormatFirst(t *testing.T) {
	var out, errOut bytes.Buffer
	err := Gate(GateOptions{Baseline: "no-such-a", Candidate: "no-such-b", Format: "xml"}, &out, &errOut)
	if err == nil || !strings.HasPrefix(err.Error(), `--format "xml"`) {
		t.Errorf("Gate with --format xml: %v; want the format refused first", err)
	}
}
