package render

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// tableScrollHook writes into the page's title how many tables' boxes
// scroll sideways once the page has loaded.
const tableScrollHook = `<script>
window.addEventListener('load', function () {
  var n = 0;
  document.querySelectorAll('.scroll > table').forEach(function (t) { var d = t.parentNode; if (d.scrollWidth > d.clientWidth + 1) n++; });
  document.title = 'tables-scrolled=' + n;
});
</script>`

var tablesScrolled = regexp.MustCompile(`<title>tables-scrolled=(\d+)</title>`)

// TestLongModelNameKeepsTablesOnAPage: vLLM serves a model under the path
// it was loaded from when --served-model-name is not given
// (/models/hub/models--…/snapshots/<40 hex digits>, 109 characters), and
// that one word was kept on one line like "h100-sxm": on a 1400 px window
// the summary table scrolled sideways and hid its TTFT p95 and $/1M
// columns, and so did the run's manifest table. A word that long breaks.
func TestLongModelNameKeepsTablesOnAPage(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	root := t.TempDir()
	s := rendertest.A100()
	s.Model = "/models/hub/models--meta-llama--Meta-Llama-3.1-8B-Instruct/snapshots/0e9e39f249a16976918f6564b8830bc894c89659"
	dir := filepath.Join(root, "a100")
	if err := rendertest.WriteRun(dir, s); err != nil {
		t.Fatal(err)
	}
	rep := buildFrom(t, []string{dir})
	var b bytes.Buffer
	if err := WriteHTML(&b, rep, nil); err != nil {
		t.Fatal(err)
	}
	page := bytes.Replace(b.Bytes(), []byte("<head>"), []byte("<head>"+tableScrollHook), 1)
	file := filepath.Join(root, "page.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	dom, _ := chromiumtest.Run(t, chromium, "file://"+file, "--virtual-time-budget=5000", "--dump-dom", "--window-size=1400,2000")
	m := tablesScrolled.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the page was not measured; DOM starts %.300q", dom)
	}
	if n, _ := strconv.Atoi(m[1]); n != 0 {
		t.Errorf("%d tables scroll sideways on a 1400 px window with a %d-character model name; want none", n, len(s.Model))
	}
}
