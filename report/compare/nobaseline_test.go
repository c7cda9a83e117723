package compare

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestGateWritesItsFilesWithNoBaseline: the first night of the README's CI
// recipe (an empty history, --allow-empty-baseline) passes and still writes
// --junit and --markdown: a JUnit document with one skipped case that says
// why, and a Markdown note. Before, neither file was written, so the job's
// step that publishes them failed (or published the last job's).
func TestGateWritesItsFilesWithNoBaseline(t *testing.T) {
	root := t.TempDir()
	cand := filepath.Join(root, "run")
	if err := rendertest.WriteRun(cand, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	errEmpty := errors.New("no baseline in the history")
	junit, md := filepath.Join(root, "compare.xml"), filepath.Join(root, "compare.md")
	o := GateOptions{Baseline: "history:median-of-7", Candidate: cand, JUnit: junit, Markdown: md, AllowEmptyBaseline: true,
		Resolve: func(string, *Run) (Baseline, error) { return Baseline{}, errEmpty }, ErrEmpty: errEmpty}
	if err := Gate(o, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatalf("no JUnit file: %v", err)
	}
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Skipped int `xml:"skipped,attr"`
			Cases   []struct {
				Name    string `xml:"name,attr"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v:\n%s", err, b)
	}
	if doc.Tests != 1 || len(doc.Suites) != 1 || doc.Suites[0].Skipped != 1 || len(doc.Suites[0].Cases) != 1 ||
		doc.Suites[0].Cases[0].Skipped == nil || !strings.Contains(doc.Suites[0].Cases[0].Skipped.Message, "no baseline in the history") {
		t.Errorf("JUnit document:\n%s\nwant one skipped case saying why", b)
	}
	m, err := os.ReadFile(md)
	if err != nil || !strings.Contains(string(m), "no baseline in the history") {
		t.Errorf("compare.md = %q, %v; want the reason", m, err)
	}
}
