package render

import (
	"bytes"
	"strings"
	"testing"
)

// TestSLOVerdictWordsAsTerminal: the report's SLO column says a level's
// verdict in the terminal's words (live's result lines: "pass", "FAIL:"
// and the reasons), not "met"/"missed", in report.md and report.html.
func TestSLOVerdictWordsAsTerminal(t *testing.T) {
	rep, _ := goldenReport(t, "run")
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, rep, make([][]byte, len(rep.Figures))); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"report.md": md.String(), "report.html": html.String()} {
		if !strings.Contains(text, "| pass |") && !strings.Contains(text, ">pass</td>") {
			t.Errorf("%s: no level's SLO cell says pass", name)
		}
		if !strings.Contains(text, "FAIL: error rate 5.0%") {
			t.Errorf("%s: the failing level's SLO cell does not say FAIL: and its reasons", name)
		}
		for _, old := range []string{"| met |", ">met</td>", "missed:"} {
			if strings.Contains(text, old) {
				t.Errorf("%s: an SLO cell says %q, not the terminal's pass/FAIL", name, old)
			}
		}
	}
}
