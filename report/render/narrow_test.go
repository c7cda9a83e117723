package render

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report/plot"
)

// measureHook sends the page's parent, once the page has loaded, the
// rendered width in CSS pixels of every figure and of the page itself, how
// many figures' boxes scroll sideways, the tallest table row and the
// one-word cells of up to LONGWORD (longWord) characters broken over lines
// (a longer one may break: TestLongModelNameKeepsTablesOnAPage).
const measureHook = `<script>
window.addEventListener('load', function () {
  var ws = [];
  document.querySelectorAll('svg.figure').forEach(function (s) { ws.push(Math.round(s.getBoundingClientRect().width)); });
  var scrolled = 0;
  document.querySelectorAll('figure .scroll').forEach(function (d) { if (d.scrollWidth > d.clientWidth) scrolled++; });
  var tallest = 0;
  document.querySelectorAll('tbody tr').forEach(function (r) { tallest = Math.max(tallest, Math.round(r.getBoundingClientRect().height)); });
  var broken = [];
  document.querySelectorAll('td, th').forEach(function (c) {
    var r = document.createRange();
    r.selectNodeContents(c);
    if (c.textContent && !/\s/.test(c.textContent) && c.textContent.length <= LONGWORD && r.getClientRects().length > 1) broken.push(c.textContent);
  });
  parent.postMessage('data-figures="' + ws.join(',') + '" data-page="' + document.documentElement.scrollWidth + '" data-scrolled="' + scrolled + '" data-row="' + tallest + '" data-broken="' + broken.join(' ') + '"', '*');
});
</script>`

// phoneFrame shows page.html in a frame WIDTH CSS px wide (headless
// Chromium's window is 500 px at the least, a phone's 390) and writes what
// the page measured on its own body.
const phoneFrame = `<!DOCTYPE html><html><head><script>
window.addEventListener('message', function (e) { document.body.setAttribute('data-measured', e.data); });
</script></head><body style="margin:0"><iframe src="page.html" width="WIDTH" height="2000" style="border:0"></iframe></body></html>`

var measured = regexp.MustCompile(`data-measured="data-figures=&quot;([\d,]*)&quot; data-page=&quot;(\d+)&quot; data-scrolled=&quot;(\d+)&quot; data-row=&quot;(\d+)&quot; data-broken=&quot;([^&]*)&quot;"`)

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

// On a phone (390 CSS px) each figure keeps a readable width and scrolls
// sideways in its own box, as a wide table does, and the page itself does
// not: fit to the 329 px the page leaves, the latency figure's 9-pt tick
// labels were under 4 px high. On a laptop a figure fits the page, its
// border included, with no scroll bar. A table on a phone is as wide as its
// cells need, up to 16em each, and scrolls: fit to the screen, its columns
// off the edge were squeezed to a word a line (rows 199 px high).
func TestFiguresReadableOnAPhone(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	html, rep := qualificationHTML(t)
	hook := strings.Replace(measureHook, "LONGWORD", strconv.Itoa(longWord), 1)
	page := bytes.Replace(html, []byte("<head>"), []byte("<head>"+hook), 1)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		window         int
		minFig, maxFig int
		scrolled, row  int
	}{
		{390, 720, 1e6, len(rep.Figures), 100},
		{1400, 1000, 1180, 0, 120},
	} {
		frame := filepath.Join(dir, "frame"+strconv.Itoa(c.window)+".html")
		if err := os.WriteFile(frame, []byte(strings.Replace(phoneFrame, "WIDTH", strconv.Itoa(c.window), 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		dom, _ := chromiumtest.Run(t, chromium, "file://"+frame, "--virtual-time-budget=5000", "--dump-dom",
			"--window-size="+strconv.Itoa(max(c.window+20, 500))+",2100")
		m := measured.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("%d px: the page was not measured; DOM starts %.300q", c.window, dom)
		}
		widths := strings.Split(m[1], ",")
		if len(widths) != len(rep.Figures) {
			t.Errorf("%d px: %d figures measured; want %d", c.window, len(widths), len(rep.Figures))
		}
		for i, w := range widths {
			px, _ := strconv.Atoi(w)
			if px < c.minFig || px > c.maxFig {
				t.Errorf("%d px: figure %s drawn %d px wide; want %d to %d", c.window, rep.Figures[min(i, len(rep.Figures)-1)].Name, px, c.minFig, c.maxFig)
			}
		}
		if n, _ := strconv.Atoi(m[3]); n != c.scrolled {
			t.Errorf("%d px: %d figures scroll sideways in their box; want %d", c.window, n, c.scrolled)
		}
		if row, _ := strconv.Atoi(m[4]); row > c.row {
			t.Errorf("%d px: a table row is %d px high; want at most %d", c.window, row, c.row)
		}
		if m[5] != "" {
			t.Errorf("%d px: one-word cells broken over lines: %s", c.window, m[5])
		}
		if pw, _ := strconv.Atoi(m[2]); pw > c.window {
			t.Errorf("%d px: the page is %d px wide: it scrolls sideways as a whole", c.window, pw)
		}
	}
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
	if n := bytes.Count(html, []byte("<td class=\"txt word\">directory</td>")); n != 2 {
		t.Errorf("%d manifest tables with a directory row; want 2", n)
	}
	if !bytes.Contains(html, []byte("<thead><tr><th class=\"txt word\">run</th>")) {
		t.Error("the summary table lost its header row")
	}
}
