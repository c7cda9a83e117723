package compare

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// gateRuns writes two runs of the same spec, a day apart, base and cand,
// under a temporary directory, and returns their paths.
func gateRuns(t *testing.T) (base, cand string) {
	t.Helper()
	root := t.TempDir()
	base, cand = filepath.Join(root, "base"), filepath.Join(root, "cand")
	for i, dir := range []string{base, cand} {
		spec := rendertest.A100()
		spec.Start = spec.Start.Add(time.Duration(i) * 24 * time.Hour)
		if err := rendertest.WriteRun(dir, spec); err != nil {
			t.Fatal(err)
		}
	}
	return base, cand
}

// runGate runs the compare command's Gate of base and cand, with a JUnit
// and a Markdown file, and returns its error and what it wrote.
func runGate(t *testing.T, base, cand string) (err error, out, junit, md string) {
	t.Helper()
	dir := t.TempDir()
	o := GateOptions{Baseline: base, Candidate: cand, Resamples: 50, JUnit: filepath.Join(dir, "j.xml"), Markdown: filepath.Join(dir, "c.md"),
		Resolve: func(b string, c *Run) (Baseline, error) {
			r, err := LoadRun(b, c.SLO)
			if err != nil {
				return Baseline{}, err
			}
			return RunBaseline(r), nil
		}}
	var stdout, stderr bytes.Buffer
	err = Gate(o, &stdout, &stderr)
	j, _ := os.ReadFile(o.JUnit)
	m, _ := os.ReadFile(o.Markdown)
	return err, stdout.String(), string(j), string(m)
}

// TestGateWritesItsFilesWhenItCannotJudge: a gate that cannot judge (exit
// 2: runs of two models, a candidate unreadable) wrote neither its JUnit
// nor its Markdown, so a CI job publishing them found none (the test report
// step and the pull-request comment failed on their own, not on the
// reason) or, in a workspace kept from an earlier job, the earlier job's
// pair: a pass. Both are written with the reason, the JUnit as one errored
// case.
func TestGateWritesItsFilesWhenItCannotJudge(t *testing.T) {
	base, cand := gateRuns(t)
	rundirtest.EditManifest(t, cand, func(m *rundir.Manifest) { m.Target.Model = "other-model" })
	missing := filepath.Join(t.TempDir(), "gone")
	for _, tc := range []struct {
		name, cand, want string
	}{{"two models", cand, "model differs"}, {"no candidate", missing, "gone"}} {
		err, out, junit, md := runGate(t, base, tc.cand)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: %v; want an error saying %q", tc.name, err, tc.want)
		}
		if _, ok := err.(*RegressionError); ok || out != "" {
			t.Errorf("%s: a verdict (%T, %d bytes on stdout); want none", tc.name, err, len(out))
		}
		var doc struct {
			Tests  int `xml:"tests,attr"`
			Errors int `xml:"errors,attr"`
			Suites []struct {
				Tests  int `xml:"tests,attr"`
				Errors int `xml:"errors,attr"`
				Cases  []struct {
					Name  string `xml:"name,attr"`
					Error *struct {
						Message string `xml:"message,attr"`
					} `xml:"error"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal([]byte(junit), &doc); err != nil {
			t.Errorf("%s: JUnit: %v:\n%s", tc.name, err, junit)
			continue
		}
		if doc.Tests != 1 || doc.Errors != 1 || len(doc.Suites) != 1 || doc.Suites[0].Tests != 1 || doc.Suites[0].Errors != 1 ||
			len(doc.Suites[0].Cases) != 1 || doc.Suites[0].Cases[0].Error == nil || !strings.Contains(doc.Suites[0].Cases[0].Error.Message, tc.want) {
			t.Errorf("%s: JUnit %s; want one case in error saying %q, counted", tc.name, junit, tc.want)
		}
		if !strings.Contains(md, tc.want) {
			t.Errorf("%s: Markdown %q; want it to say %q", tc.name, md, tc.want)
		}
	}
}
