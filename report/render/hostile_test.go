package render

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// rawHTML matches a "<" that Markdown would pass through as HTML: one not
// escaped by a backslash.
var rawHTML = regexp.MustCompile(`(^|[^\\])<`)

// TestMarkdownEscapesHostileRunNames: a qualification report of runs whose
// directory names (the labels) and model names carry HTML, backticks,
// pipes and asterisks has no raw "<" on any line (the title and the "Not a
// like-for-like comparison" line used to carry <img …> as written), and
// the run.json URL's key is not shown.
func TestMarkdownEscapesHostileRunNames(t *testing.T) {
	root := t.TempDir()
	names := []string{"<img src=x onerror=alert(1)>", "a`b`|c*d*<script>x"}
	var dirs []string
	for i, name := range names {
		s := rendertest.A100()
		if i == 1 {
			s = rendertest.H100()
			s.Model = "<b>other</b>" // different models: an unfair comparison
		}
		dir := filepath.Join(root, name)
		if err := rendertest.WriteRun(dir, s); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	rep := buildFrom(t, dirs)
	for _, f := range rep.Plots() {
		rep.Figures = append(rep.Figures, refOf(f))
	}
	if len(rep.Comparisons) == 0 || len(rep.Comparisons[0].Unfair) == 0 {
		t.Fatal("the comparison is not marked unfair: the test would not see that line")
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	sawUnfair := false
	for i, line := range strings.Split(md.String(), "\n") {
		if rawHTML.MatchString(line) {
			t.Errorf("line %d has a raw <: %s", i+1, line)
		}
		sawUnfair = sawUnfair || strings.Contains(line, "Not a like-for-like comparison")
	}
	if !sawUnfair {
		t.Error("no \"Not a like-for-like comparison\" line")
	}
}

// buildFrom builds the report of the run directories dirs with a 200 ms
// TTFT SLO and 100 resamples.
func buildFrom(t *testing.T, dirs []string) *Report {
	t.Helper()
	return buildWith(t, dirs, report.SLO{TTFT: 200 * time.Millisecond}, nil)
}

// buildWith builds the report of the run directories dirs with slo (the
// zero SLO: none) and 100 resamples; edit, when not nil, changes the runs
// as loaded before the report is built from them.
func buildWith(t *testing.T, dirs []string, slo report.SLO, edit func([]*Run)) *Report {
	t.Helper()
	runs, slo, src, err := LoadRuns(dirs, slo)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(runs)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), Version: "test", Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
