package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

// report --format ” --out DIR exited 0 having written only plots/ (an
// outside QA pass): a report with no file is refused, as a format of
// spaces and commas alone is.
func TestReportRefusesAnEmptyFormat(t *testing.T) {
	for _, s := range []string{"", " ", ",", " , "} {
		if f, err := FormatsFor(s, true, "rep"); err == nil {
			t.Errorf("--format %q --out rep: formats %q; want a refusal", s, f)
		} else if !strings.Contains(err.Error(), "md") {
			t.Errorf("--format %q: %q; want it to name the formats", s, err)
		}
	}
	if f, err := FormatsFor("json", true, "rep"); err != nil || len(f) != 1 {
		t.Errorf("--format json: %q, %v", f, err)
	}
}

// The figures are written only for a format that shows them (md, html):
// --format vllm, json or csv wrote 12 plot files nothing refers to.
func TestFiguresOnlyForFormatsThatShowThem(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"rA": rendertest.A100()})
	for _, tc := range []struct {
		formats []string
		plots   bool
	}{
		{[]string{JSON}, false}, {[]string{CSV}, false}, {[]string{VLLM}, false}, {[]string{JSON, CSV, VLLM}, false},
		{[]string{Markdown}, true}, {[]string{HTML, JSON}, true},
	} {
		out := filepath.Join(t.TempDir(), "rep")
		var stdout, stderr strings.Builder
		if err := Command([]string{filepath.Join(root, "rA")}, out, tc.formats, Options{Catalog: catalog(t), Version: "test", Resamples: 50}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(filepath.Join(out, PlotsDir))
		if got := len(entries) > 0; got != tc.plots {
			t.Errorf("--format %s: %d figure files; want figures %v", strings.Join(tc.formats, ","), len(entries), tc.plots)
		}
		if !tc.plots && strings.Contains(stdout.String(), "figures") {
			t.Errorf("--format %s: stdout says %q; want no figures named", strings.Join(tc.formats, ","), stdout.String()[strings.LastIndex(stdout.String(), "report written"):])
		}
	}
}
