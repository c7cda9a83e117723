package render

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"path/filepath"
	"slices"
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
	note := fmt.Sprintf("level %g: 29 failed attempts were sent again (--retries): connection 8, http_5xx 21; they are not in failed, and a retried request's latencies count from its last attempt's send (its goodput from its schedule)", l.Level)
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

// levels.csv has a level's retried attempts in a retried_attempts column,
// after resent_requests: a --retries run's rows read 0 failed and said
// nothing of the 29 attempts that had failed.
func TestCSVHasRetriedAttempts(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": rendertest.A100()})
	rep := buildWith(t, []string{filepath.Join(root, "a100-80gb")}, report.SLO{}, func(runs []*Run) {
		runs[0].Summary.Levels[0].Retried = map[rundir.ErrorClass]int{"http_5xx": 21, "connection": 8}
	})
	var b bytes.Buffer
	if err := WriteCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(rows[0], "retried_attempts")
	if i < 0 || rows[0][i-1] != "resent_requests" {
		t.Fatalf("header %v: want retried_attempts after resent_requests", rows[0])
	}
	if rows[1][i] != "29" || rows[2][i] != "0" {
		t.Errorf("retried_attempts %q and %q; want 29 and 0", rows[1][i], rows[2][i])
	}
}
