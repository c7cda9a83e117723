package compare

import (
	"encoding/json"
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

// TestGateWritesItsFormatWithNoBaseline: on the first night, compare
// --format json writes a JSON document to stdout (no regression, no rows,
// and why), and --format md the Markdown note, as every other night does.
// Before, stdout was empty, so the job's `compare --format json > cmp.json
// && jq -e '.regression == false' cmp.json` failed on the night the gate
// passed.
func TestGateWritesItsFormatWithNoBaseline(t *testing.T) {
	cand := filepath.Join(t.TempDir(), "run")
	if err := rendertest.WriteRun(cand, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	errEmpty := errors.New("no baseline in the history")
	o := GateOptions{Baseline: "history:median-of-7", Candidate: cand, AllowEmptyBaseline: true,
		Resolve: func(string, *Run) (Baseline, error) { return Baseline{}, errEmpty }, ErrEmpty: errEmpty}
	var out strings.Builder
	o.Format = "json"
	if err := Gate(o, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Baseline   string         `json:"baseline"`
		Candidate  string         `json:"candidate"`
		NoBaseline string         `json:"no_baseline"`
		Regression *bool          `json:"regression"`
		Rows       []Row          `json:"rows"`
		Meta       map[string]any `json:"candidate_meta"`
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%q", err, out.String())
	}
	if doc.Regression == nil || *doc.Regression || doc.Rows == nil || len(doc.Rows) != 0 ||
		!strings.Contains(doc.NoBaseline, "no baseline in the history") || doc.Candidate != cand ||
		doc.Baseline != "history:median-of-7" || doc.Meta["scenario"] == nil {
		t.Errorf("stdout:\n%s\nwant regression false, rows [], the reason, both sides named and the candidate's meta", out.String())
	}
	out.Reset()
	o.Format = "md"
	if err := Gate(o, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no baseline yet") || !strings.Contains(out.String(), "no baseline in the history") {
		t.Errorf("--format md stdout = %q; want the Markdown note", out.String())
	}
}
