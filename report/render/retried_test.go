package render

import (
	"fmt"
	"html"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// A level whose failed attempts --retries sent again says how many, by
// class, in the load-level table's notes of report.md and report.html: a
// --retries 2 run against a mock failing 15 % of requests read "200
// requests, 0 failed" and its error rate 0 %, and nothing in the report
// said that 29 attempts had failed (summary.json's retried alone did).
func TestLevelTableSaysWhenAttemptsWereRetried(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": rendertest.A100()})
	var l *report.Level
	rep := buildWith(t, []string{filepath.Join(root, "a100-80gb")}, report.SLO{}, func(runs []*Run) {
		l = &runs[0].Summary.Levels[0]
		l.Retried = map[rundir.ErrorClass]int{"http_5xx": 21, "connection": 8}
	})
	note := fmt.Sprintf("level %g: 29 failed attempts were sent again (--retries): connection 8, http_5xx 21; they are not in failed, and a retried request's latencies count from its last attempt's send", l.Level)
	out := mdAndHTML(t, rep)
	if !strings.Contains(out["md"], "- "+strings.ReplaceAll(note, "_", `\_`)+"\n") {
		t.Errorf("report.md lacks the levels note %q:\n%s", note, out["md"])
	}
	if !strings.Contains(out["html"], "<li>"+html.EscapeString(note)) {
		t.Errorf("report.html lacks the levels note %q", note)
	}
	if n := strings.Count(out["md"], "were sent again (--retries)"); n != 1 {
		t.Errorf("report.md says it %d times; want once, of level %g alone", n, l.Level)
	}
}
