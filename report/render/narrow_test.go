package render

import (
	"bytes"
	"testing"

	"github.com/inferbench/inferbench/report/plot"
)

// qualificationHTML is the qualification report's HTML with its figures
// inlined, as Write writes it, without the PNGs.
func qualificationHTML(t *testing.T) ([]byte, *Report) {
	t.Helper()
	rep, _ := goldenReport(t, "qualification")
	var svgs [][]byte
	for _, f := range rep.Plots() {
		var b bytes.Buffer
		if err := f.Write(&b, plot.SVG); err != nil {
			t.Fatal(err)
		}
		svgs = append(svgs, b.Bytes())
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, rep, svgs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), rep
}

// A run's manifest table (names in its first column, values in its
// second) has no header row: it was an empty grey band above each run's
// directory, target and host.
func TestManifestTableHasNoEmptyHeader(t *testing.T) {
	t.Parallel()
	html, _ := qualificationHTML(t)
	if bytes.Contains(html, []byte(`<thead><tr><th class="txt"></th>`)) {
		t.Error("report.html has a header row of empty cells")
	}
	if n := bytes.Count(html, []byte("<td class=\"txt\">directory</td>")); n != 2 {
		t.Errorf("%d manifest tables with a directory row; want 2", n)
	}
	if !bytes.Contains(html, []byte("<thead><tr><th class=\"txt\">run</th>")) {
		t.Error("the summary table lost its header row")
	}
}
