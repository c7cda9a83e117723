package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report"
)

// wantFigures are the figures of a qualification report built with a catalog.
var wantFigures = []string{"latency-throughput", "pareto", "ttft-cdf", "tpot-cdf", "itl-histogram", "timeline", "cost", "crossover"}

// writeQualification writes the qualification report of the synthetic
// A100 and H100 runs into a temporary directory.
func writeQualification(t *testing.T) (string, *Report) {
	t.Helper()
	rep, _ := goldenReport(t, "qualification")
	rep.Figures = nil
	dir := t.TempDir()
	files, err := Write(dir, rep, AllFormats())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4+2*len(wantFigures) {
		t.Errorf("Write returned %d files; want 4 reports and %d figures × 2: %v", len(files), len(wantFigures), files)
	}
	return dir, rep
}

// TestWrittenReport writes the qualification report once (rendering is
// the slow part) and checks its files, then its HTML in headless Chromium.
func TestWrittenReport(t *testing.T) {
	t.Parallel()
	dir, rep := writeQualification(t)
	t.Run("files", func(t *testing.T) { checkFiles(t, dir, rep) })
	t.Run("chromium", func(t *testing.T) { checkHTMLInChromium(t, dir, rep) })
}

// checkFiles: every plot file is produced as SVG and PNG and none is trivial.
func checkFiles(t *testing.T, dir string, rep *Report) {
	var names []string
	for _, f := range rep.Figures {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, wantFigures) {
		t.Errorf("figures = %v; want %v", names, wantFigures)
	}
	for _, name := range []string{MarkdownFile, HTMLFile, JSONFile, CSVFile} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() < 1000 {
			t.Errorf("%s: %v, %d bytes; want a file over 1 kB", name, err, sizeOf(fi))
		}
	}
	for _, name := range wantFigures {
		svg, err := os.ReadFile(filepath.Join(dir, PlotsDir, name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(svg, []byte("<path")); n < 20 || !bytes.Contains(svg, []byte("</svg>")) {
			t.Errorf("%s.svg: %d paths; want a complete SVG with at least 20", name, n)
		}
		b, err := os.ReadFile(filepath.Join(dir, PlotsDir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s.png: %v", name, err)
		}
		if w := img.Bounds().Dx(); w < 1000 || len(b) < 20000 {
			t.Errorf("%s.png: %d px wide, %d bytes; want at least 1000 px and 20 kB", name, w, len(b))
		}
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

// The CSV has one row per run and level, and its numbers are the summary's.
func TestCSVMatchesSummary(t *testing.T) {
	t.Parallel()
	rep, _ := goldenReport(t, "qualification")
	// A level of llama-server's: 9 of its requests resent by net/http.
	rep.Runs[1].Summary.Levels[2].ResentRequests = 9
	var b bytes.Buffer
	if err := WriteCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+8 {
		t.Fatalf("%d rows; want a header and 2 runs × 4 levels", len(rows))
	}
	col := func(name string) int {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, rows[0])
		}
		return i
	}
	for i, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			t.Fatalf("row %d has %d cells; header %d", i, len(row), len(rows[0]))
		}
		rr := rep.Runs[i/4]
		l := rr.Summary.Levels[i%4]
		if row[col("run")] != rr.Label {
			t.Errorf("row %d run = %q; want %q", i, row[col("run")], rr.Label)
		}
		for name, want := range map[string]float64{"level": l.Level, "output_tokens_per_s": l.OutputTokensPerS, "ttft_ms_p95": l.TTFTMS.P95,
			"tpot_ms_p999": l.TPOTMS.P999, "e2e_ms_mean": l.E2EMS.Mean, "gpu_power_mean_w": l.GPU.PowerW.Mean,
			"requests": float64(l.Requests.Total), "failed": float64(l.Requests.Failed), "resent_requests": float64(l.ResentRequests)} {
			got, err := strconv.ParseFloat(row[col(name)], 64)
			if err != nil || got != want {
				t.Errorf("row %d %s = %q; want %v", i, name, row[col(name)], want)
			}
		}
	}
	if got := rows[7][col("resent_requests")]; got != "9" { // h100 level 4
		t.Errorf("h100 level 4 resent_requests = %q; want 9", got)
	}
	if i := col("resent_requests"); rows[0][i-1] != "failed" {
		t.Errorf("resent_requests follows %q; want failed", rows[0][i-1])
	}
	if got := rows[4][col("meets_slo")]; got != "false" { // a100 level 8: 5 % failed
		t.Errorf("a100 level 8 meets_slo = %q; want false", got)
	}
	if got := rows[3][col("meets_slo")]; got != "true" {
		t.Errorf("a100 level 4 meets_slo = %q; want true", got)
	}
}

// The priced cost is the cost package's formula on the catalog's price
// and the capacity level's throughput, by hand.
func TestPricedCostByHand(t *testing.T) {
	t.Parallel()
	rep, _ := goldenReport(t, "qualification")
	cat := catalog(t)
	for _, rr := range rep.Runs {
		g, err := cat.GPU(rr.GPU)
		if err != nil {
			t.Fatal(err)
		}
		of, err := g.Offer("on-demand")
		if err != nil {
			t.Fatal(err)
		}
		price := cost.PriceOf(g, of).USDPerGPUHour
		want := price / (rr.Priced.OutputTokensPerS * 3600) * 1e6
		if !near(rr.Priced.USDPer1MOutputTokens, want) || rr.Priced.Offer != of.ID {
			t.Errorf("%s: $/1M = %v at %s; want %v = $%v/h / (%v tok/s × 3600) × 1e6 at %s",
				rr.Label, rr.Priced.USDPer1MOutputTokens, rr.Priced.Offer, want, price, rr.Priced.OutputTokensPerS, of.ID)
		}
		if rr.Priced.Basis != report.BasisCapacity || rr.Priced.OutputTokensPerS != rr.Summary.Capacity.OutputTokensPerS {
			t.Errorf("%s: priced %+v; want the capacity at SLO %+v", rr.Label, rr.Priced, rr.Summary.Capacity)
		}
	}
	// The crossover's GPU month is the on-demand price × 730 h.
	for _, row := range rep.Crossover.Rows {
		rr := rep.Runs[slices.IndexFunc(rep.Runs, func(r RunReport) bool { return r.Label == row.Run })]
		g, _ := cat.GPU(rr.GPU)
		of, _ := g.Offer("on-demand")
		if want := cost.PriceOf(g, of).USDPerGPUHour * 730; !near(row.Crossover.GPUMonthUSD, want) {
			t.Errorf("%s vs %s: GPU month %v; want %v", row.Run, row.API, row.Crossover.GPUMonthUSD, want)
		}
	}
}

// errorHook collects script errors, failed resource loads and
// console.error calls, and writes them onto <body> when the page has loaded.
const errorHook = `<script>
window.__errs = [];
window.addEventListener('error', function (e) {
  window.__errs.push(e.message || ('failed to load ' + ((e.target && (e.target.src || e.target.href)) || 'a resource')));
}, true);
var __ce = console.error;
console.error = function () { window.__errs.push(Array.prototype.join.call(arguments, ' ')); __ce.apply(console, arguments); };
window.addEventListener('load', function () {
  document.body.setAttribute('data-errors', JSON.stringify(window.__errs));
  document.body.setAttribute('data-loaded', 'yes');
});
</script>`

// loadInChromium opens html (with the error hook injected) in headless
// Chromium and returns the DOM after load and the console lines it logged.
func loadInChromium(t *testing.T, chromium string, html []byte) (dom string, console []string) {
	t.Helper()
	page := bytes.Replace(html, []byte("<head>"), []byte("<head>"+errorHook), 1)
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	return chromiumtest.Run(t, chromium, "file://"+path, "--virtual-time-budget=5000", "--dump-dom")
}

var bodyAttrs = regexp.MustCompile(`<body[^>]*data-errors="([^"]*)"[^>]*data-loaded="yes"`)

// pageErrors returns the errors the hook recorded; ok is false when the
// page did not finish loading.
func pageErrors(dom string) (errs []string, ok bool) {
	m := bodyAttrs.FindStringSubmatch(dom)
	if m == nil {
		return nil, false
	}
	raw := strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(m[1])
	if err := json.Unmarshal([]byte(raw), &errs); err != nil {
		return []string{"unreadable error list: " + raw}, true
	}
	return errs, true
}

// checkHTMLInChromium: the HTML report renders in headless Chromium with no
// console error and no network request, and shows the expected headings
// and figures.
func checkHTMLInChromium(t *testing.T, dir string, rep *Report) {
	chromium := chromiumtest.Path(t)
	html, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	// Self-contained: no script, stylesheet, image or link to fetch; the one
	// url() is the figures' font, as data.
	for _, bad := range []string{"<script", "<link", "<img", "src=", "href=", "@import"} {
		if bytes.Contains(html, []byte(bad)) {
			t.Errorf("report.html contains %q: it must not load anything", bad)
		}
	}
	if n, data := bytes.Count(html, []byte("url(")), bytes.Count(html, []byte("url(data:font/ttf;base64,")); n != 1 || data != 1 {
		t.Errorf("report.html has %d url() of which %d the embedded font; want only the font", n, data)
	}
	dom, console := loadInChromium(t, chromium, html)
	errs, loaded := pageErrors(dom)
	if !loaded {
		t.Fatalf("page did not finish loading; DOM starts %.300q", dom)
	}
	if len(errs) > 0 || len(console) > 0 {
		t.Errorf("page errors %q, console %q; want none", errs, console)
	}
	for _, want := range []string{
		"<h1>inferbench qualification report: a100-80gb vs h100-sxm (SIMULATED)</h1>",
		"<h2>Summary</h2>", "<h2>Figures</h2>", "<h2>Qualification</h2>", "<h2>Load levels</h2>", "<h2>Cost</h2>", "<h2>Runs</h2>",
		"Verdict:", "h100-sxm serves",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	// Summary first, then figures, tables, manifests.
	order := []string{`id="summary"`, `id="figures"`, `id="qualification"`, `id="levels"`, `id="cost"`, `id="runs"`}
	last := -1
	for _, id := range order {
		i := strings.Index(dom, id)
		if i < last {
			t.Errorf("section %s out of order", id)
		}
		last = i
	}
	if n := strings.Count(dom, `<svg class="figure"`); n != len(rep.Figures) {
		t.Errorf("%d inline SVG figures; want %d", n, len(rep.Figures))
	}
	for _, f := range wantFigures {
		if !strings.Contains(dom, fmt.Sprintf(`id="fig-%s"`, f)) {
			t.Errorf("figure %s missing", f)
		}
	}
}

// The error hook sees what it must: a page with a script error, a
// console.error and a missing image is reported, so the test above can fail.
func TestChromiumErrorHookCatchesErrors(t *testing.T) {
	t.Parallel()
	chromium := chromiumtest.Path(t)
	bad := []byte(`<!DOCTYPE html><html><head><title>x</title></head><body><h1>x</h1>
<img src="missing.png"><script>console.error("boom"); undefinedFunction();</script></body></html>`)
	dom, console := loadInChromium(t, chromium, bad)
	errs, loaded := pageErrors(dom)
	if !loaded {
		t.Fatalf("page did not finish loading; DOM %.300q", dom)
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"boom", "undefinedFunction", "missing.png"} {
		if !strings.Contains(all, want) {
			t.Errorf("hook missed %q; it saw %q", want, errs)
		}
	}
	if len(console) == 0 {
		t.Errorf("chromium logged no console line for a page with errors")
	}
}
