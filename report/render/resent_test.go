package render

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// A level whose requests the HTTP client resent on its own (a refused
// HTTP/2 stream, a closed kept-alive connection) says so in the load-level
// table's notes of report.md and report.html, where its TTFT is read, as a
// level that fell behind the mock's schedule does; a level without any
// says nothing.
func TestLevelTableSaysWhenRequestsWereResent(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": rendertest.A100()})
	var l *report.Level
	rep := buildWith(t, []string{filepath.Join(root, "a100-80gb")}, report.SLO{}, func(runs []*Run) {
		l = &runs[0].Summary.Levels[0]
		l.ResentRequests = 3
	})
	note := fmt.Sprintf("level %g: 3 of %d requests were resent by the HTTP client (REFUSED_STREAM or a closed kept-alive connection): their TTFT includes the failed sends", l.Level, l.Requests.Total)
	out := mdAndHTML(t, rep)
	if !strings.Contains(out["md"], "- "+strings.ReplaceAll(note, "_", `\_`)+"\n") { // Markdown's escape
		t.Errorf("report.md lacks the levels note %q:\n%s", note, out["md"])
	}
	if !strings.Contains(out["html"], "<li>"+note) {
		t.Errorf("report.html lacks the levels note %q", note)
	}
	if n := strings.Count(out["md"], "were resent by the HTTP client"); n != 1 {
		t.Errorf("report.md says it %d times; want once, of level %g alone", n, l.Level)
	}
}
