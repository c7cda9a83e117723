package cost

import (
	"strings"
	"testing"
)

// TestParseFormat: the three formats in any case, "markdown" for md, and a
// clear error for anything else.
func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "JSON": JSON, "md": Markdown, "markdown": Markdown, " Markdown ": Markdown} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), `"pdf" must be text, json or md`) {
		t.Errorf("ParseFormat(pdf): %v", err)
	}
}
