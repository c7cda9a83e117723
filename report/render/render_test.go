package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// writeRuns writes synthetic run directories under a temporary directory.
func writeRuns(t *testing.T, specs map[string]rendertest.Spec) string {
	t.Helper()
	dir := t.TempDir()
	for name, s := range specs {
		if err := rendertest.WriteRun(filepath.Join(dir, name), s); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// The per-request values behind the CDFs, the histogram and the bootstrap
// follow report/metrics.go: computed from the same records, their counts
// equal report.Summary's (the comparison engine's own test checks every
// metric's value against the summary: compare.TestPointEstimatesMatchSummary).
func TestPerRequestValuesMatchSummary(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t, map[string]rendertest.Spec{"a": rendertest.A100()})
	r, err := LoadRun(filepath.Join(dir, "a"), report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Summary.Levels) != 4 {
		t.Fatalf("levels = %d; want 4", len(r.Summary.Levels))
	}
	for _, l := range r.Summary.Levels {
		d := r.levels[l.Level]
		if d == nil || d.sample == nil {
			t.Fatalf("level %g: no per-request data", l.Level)
		}
		if got := d.sample.Requests(); got != l.Requests.Total {
			t.Errorf("level %g: %d requests; summary has %d", l.Level, got, l.Requests.Total)
		}
		if got := len(d.sample.TTFTs()); got != l.TTFTMS.N {
			t.Errorf("level %g: %d TTFTs; summary has %d", l.Level, got, l.TTFTMS.N)
		}
		if got := len(d.sample.TPOTs()); got != l.TPOTMS.N {
			t.Errorf("level %g: %d TPOTs; summary has %d", l.Level, got, l.TPOTMS.N)
		}
		if got := report.QuantileOf(slices.Clone(d.sample.TTFTs()), 95); !near(got, l.TTFTMS.P95) {
			t.Errorf("level %g TTFT p95 of the CDF's values = %v; summary has %v", l.Level, got, l.TTFTMS.P95)
		}
		if got := d.itl.N(); got != int64(l.ITLMS.N) {
			t.Errorf("level %g ITL count = %d; summary has %d", l.Level, got, l.ITLMS.N)
		}
		// The histogram's median is within one bin (1.16 %) below the exact one.
		if q := d.itl.Quantile(0.5); !(q <= l.ITLMS.P50*1.0001 && l.ITLMS.P50/q < 1.0117+0.01) {
			t.Errorf("level %g ITL histogram median %v; summary p50 %v", l.Level, q, l.ITLMS.P50)
		}
	}
}

func TestQuantile7(t *testing.T) {
	// NumPy: np.percentile([1, 2, 3, 4], [0, 25, 50, 95, 100]) = [1, 1.75, 2.5, 3.85, 4].
	v := []float64{1, 2, 3, 4}
	for _, tt := range []struct{ p, want float64 }{{0, 1}, {25, 1.75}, {50, 2.5}, {95, 3.85}, {100, 4}} {
		if got := report.Quantile7(v, tt.p); !near(got, tt.want) {
			t.Errorf("report.Quantile7(%v, %v) = %v; want %v", v, tt.p, got, tt.want)
		}
	}
	if got := report.Quantile7([]float64{7}, 99); got != 7 {
		t.Errorf("report.Quantile7([7], 99) = %v; want 7", got)
	}
	if got := report.Quantile7(nil, 50); !math.IsNaN(got) {
		t.Errorf("report.Quantile7(nil, 50) = %v; want NaN", got)
	}
}

// TestDerivedComparisons: per-GPU throughput and $ per 1M tokens are exact
// transformations of the throughput ratio, interval included, and each is
// judged by its own interval and p-value: a throughput ratio of 3
// [2.5, 3.5] is significant, but at 3× the price the dollar ratio is 1
// [0.86, 1.2], which is not (it was called significant, and the candidate
// better, by the throughput's verdict).
func TestDerivedComparisons(t *testing.T) {
	var reps []float64 // the throughput ratio's replicates: 2.5 to 3.5 evenly
	for i := range 101 {
		reps = append(reps, 2.5+float64(i)/100)
	}
	pAt := func(null float64) float64 { return report.BootstrapP(reps, null) }
	mc := MetricComparison{Baseline: 100, Candidate: 300, Ratio: 3, CILow: 2.5, CIHigh: 3.5, PValue: pAt(1), Significant: true, HigherIsBetter: true, pAt: pAt}
	per := mc.scaled(1.0/1, 1.0/2) // baseline 1 GPU, candidate 2
	if per.Baseline != 100 || per.Candidate != 150 || per.Ratio != 1.5 || per.CILow != 1.25 || per.CIHigh != 1.75 || !per.Significant || per.PValue != pAt(2) {
		t.Errorf("per GPU: %+v; want 1.5 [1.25, 1.75], significant, p %g (the throughput's at 2)", per, pAt(2))
	}
	// $/1M = $/hour / (tok/s × 3600) × 1e6: $2/h at 100 tok/s, $6/h at 300.
	ka, kb := 2.0/3600*1e6, 6.0/3600*1e6
	usd := mc.inverted(ka, kb)
	if !near(usd.Baseline, ka/100) || !near(usd.Candidate, kb/300) || !near(usd.Ratio, usd.Candidate/usd.Baseline) ||
		!near(usd.CILow, 3/3.5) || !near(usd.CIHigh, 3/2.5) || usd.HigherIsBetter {
		t.Errorf("$/1M: %+v", usd)
	}
	usd.judge()
	if usd.Significant || usd.Better != "" || !(usd.PValue > 0.9) {
		t.Errorf("$/1M: significant %v, better %q, p %g; want not significant, neither better, p near 1", usd.Significant, usd.Better, usd.PValue)
	}
}

func loadPair(t *testing.T, a, b rendertest.Spec, slo report.SLO) []*Run {
	t.Helper()
	dir := writeRuns(t, map[string]rendertest.Spec{"a100-80gb": a, "h100-sxm": b})
	runs, _, _, err := LoadRuns([]string{filepath.Join(dir, "a100-80gb"), filepath.Join(dir, "h100-sxm")}, slo)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func TestFairnessLikeForLike(t *testing.T) {
	t.Parallel()
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs := loadPair(t, rendertest.A100(), rendertest.H100(), slo)
	rep, err := Build(runs, Options{SLO: slo, Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparisons[0]
	if len(c.Unfair) != 0 {
		t.Errorf("like-for-like runs called unfair: %q", c.Unfair)
	}
	if !strings.Contains(c.Headline, "h100-sxm serves 1.7") || !strings.Contains(c.Headline, "the output tokens/s of a100-80gb at TTFT p95 ≤ 200ms") {
		t.Errorf("headline = %q", c.Headline)
	}
}

func TestFairnessNamesWhatDiffers(t *testing.T) {
	t.Parallel()
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	b := rendertest.H100()
	b.Model = "llama-3-70b"
	b.OutputTokens = 128
	b.ThrottleLevel = 4 // the capacity level
	b.SendLag = 30 * time.Millisecond
	runs := loadPair(t, rendertest.A100(), b, slo)
	// A scenario that differs, and server versions that differ.
	runs[1].Manifest.Load.Seed = 8
	runs[0].Raw["server"] = map[string]any{"version": "0.6.3", "args": "--max-num-seqs 256"}
	runs[1].Raw["server"] = map[string]any{"version": "0.7.0", "args": "--max-num-seqs 256"}
	// A throttled level other than the compared one is a caveat, not unfair;
	// so are responses over another HTTP version.
	runs[1].level(8).GPU.Throttled = true
	runs[0].Manifest.Target.HTTP, runs[1].Manifest.Target.HTTP = "HTTP/1.1", "HTTP/2.0"
	// The baseline's client watched itself and found it was the bottleneck.
	runs[0].level(4).Client = &report.ClientLevel{Bound: true, Reasons: []string{"client CPU at 95% of its 2 cores"}}
	rep, err := Build(runs, Options{SLO: slo, Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparisons[0]
	all := strings.Join(c.Unfair, "\n")
	for _, want := range []string{
		`different model: "llama-3-8b" vs "llama-3-70b"`,
		"workload.output_tokens 64 vs 128",
		"different load: seed 7 vs 8",
		"different work: 64.0 vs 128.0 output tokens per request",
		"h100-sxm: GPU throttled",
		"sw_power_cap",
		"h100-sxm: client near its limit at level",
		"a100-80gb: client near its limit at level 4 (client CPU at 95% of its 2 cores)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("unfair list lacks %q:\n%s", want, all)
		}
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, "h100-sxm: GPU throttled at level 8") || strings.Contains(notes, "level 4") {
		t.Errorf("notes = %q; want level 8's throttling (and not level 4's, named as unfair)", c.Notes)
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, "responses came over different HTTP versions (HTTP/1.1 vs HTTP/2.0)") || strings.Contains(all, "HTTP") {
		t.Errorf("notes = %q, unfair %q; want the HTTP versions as a note only", c.Notes, c.Unfair)
	}
	if rows := manifestTable(rep.Runs[1]).Rows; !slices.ContainsFunc(rows, func(r []string) bool { return r[0] == "http" && r[1] == "HTTP/2.0" }) {
		t.Errorf("h100-sxm's run table %q has no http row", rows)
	}
	if !strings.Contains(c.Headline, "Not a like-for-like comparison") {
		t.Errorf("headline does not warn: %q", c.Headline)
	}
	// Different server builds are what a comparison is for: stated by
	// design, not held against it (issue #20 item 25).
	if d := strings.Join(c.Differs, "\n"); !strings.Contains(d, "server version or flags: version \"0.6.3\" vs \"0.7.0\"") || strings.Contains(all, "server version") {
		t.Errorf("differs %q, unfair %q; want the server versions by design only", c.Differs, c.Unfair)
	}
	if !strings.Contains(c.Headline, "Compared by design: server version or flags") {
		t.Errorf("headline does not state the difference by design: %q", c.Headline)
	}
}

func TestLoadRunsSLOFromRunJSON(t *testing.T) {
	dir := writeRuns(t, map[string]rendertest.Spec{"a": rendertest.A100()})
	run := filepath.Join(dir, "a")
	rundirtest.EditManifest(t, run, func(m *rundir.Manifest) {
		m.Scenario = json.RawMessage(`{"name":"qualify","slo":{"percentile":95,"ttft":"150ms","max_error_rate":0.01}}`)
	})
	_, slo, src, err := LoadRuns([]string{run}, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if src != "run.json" || slo.TTFT != 150*time.Millisecond || slo.Percentile != 95 {
		t.Errorf("SLO = %+v from %q; want TTFT 150ms p95 from run.json", slo, src)
	}
	// Flags win.
	_, slo, src, _ = LoadRuns([]string{run}, report.SLO{TTFT: time.Second})
	if src != "flags" || slo.TTFT != time.Second {
		t.Errorf("SLO = %+v from %q; want the flags'", slo, src)
	}
}

func TestParseFormats(t *testing.T) {
	got, err := ParseFormats(" md, HTML,json,Markdown ")
	if err != nil || !slices.Equal(got, []string{"md", "html", "json"}) {
		t.Errorf("ParseFormats = %v, %v", got, err)
	}
	if got, err := ParseFormats(""); err != nil || len(got) != 0 {
		t.Errorf("ParseFormats(\"\") = %v, %v; want none", got, err)
	}
	if _, err := ParseFormats("md,pdf"); err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Errorf("ParseFormats(md,pdf) = %v; want an error naming pdf", err)
	}
}

func catalog(t *testing.T) *cost.Catalog {
	t.Helper()
	c, err := cost.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A single run with more levels than a CDF can show: at most six curves,
// the lowest, the highest and the priced level among them.
func TestDistributionLevelsAtMostSix(t *testing.T) {
	t.Parallel()
	spec := rendertest.A100()
	spec.Levels = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	spec.Requests, spec.Warmup, spec.FailEvery = 12, 0, 0
	dir := writeRuns(t, map[string]rendertest.Spec{"a": spec})
	slo := report.SLO{TTFT: 150 * time.Millisecond}
	runs, _, _, err := LoadRuns([]string{filepath.Join(dir, "a")}, slo)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo})
	if err != nil {
		t.Fatal(err)
	}
	sel, where := rep.distributionLevels()
	var labels []string
	for _, s := range sel {
		labels = append(labels, s.label)
	}
	priced := fmt.Sprintf("level %g", rep.Runs[0].Priced.Level)
	if len(sel) > maxCurves || !slices.Contains(labels, "level 1") || !slices.Contains(labels, "level 10") || !slices.Contains(labels, priced) {
		t.Errorf("curves %q (%s); want at most %d with level 1, level 10 and %s", labels, where, maxCurves, priced)
	}
	if len(rep.Plots()) == 0 {
		t.Error("no figures")
	}
}

// A run directory with requests.jsonl alone still gives a report: no cost,
// no GPU panels, warnings that say why.
func TestBareRunDirectory(t *testing.T) {
	t.Parallel()
	spec := rendertest.A100()
	spec.GPUName = ""
	dir := writeRuns(t, map[string]rendertest.Spec{"bare": spec})
	run := filepath.Join(dir, "bare")
	for _, f := range []string{rundir.ManifestFile, rundir.ServerFile} {
		if err := os.Remove(filepath.Join(run, f)); err != nil {
			t.Fatal(err)
		}
	}
	runs, slo, _, err := LoadRuns([]string{run}, report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range rep.Plots() {
		names = append(names, f.Name)
	}
	if want := []string{"latency-throughput", "pareto", "ttft-cdf", "tpot-cdf", "itl-histogram", "timeline"}; !slices.Equal(names, want) {
		t.Errorf("figures = %v; want %v (no cost without a GPU)", names, want)
	}
	all := strings.Join(rep.Warnings, "\n")
	for _, want := range []string{"run.json", "no GPU in run.json"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings %q lack %q", rep.Warnings, want)
		}
	}
	if rep.Runs[0].Priced == nil || rep.Runs[0].Priced.USDPer1MOutputTokens != 0 || len(rep.Crossover.Rows) != 0 {
		t.Errorf("priced %+v, crossover rows %d; want a priced level without cost, no crossover", rep.Runs[0].Priced, len(rep.Crossover.Rows))
	}
	if got := runs[0].timeline.Series[plot.GPUPower]; got != nil {
		t.Errorf("GPU power series without gpu.jsonl: %v", got)
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
}

// TestBadTelemetryNamedOnce: a telemetry file with a line that does not
// decode is said once per file among the run's warnings, naming the file
// and the line, though the summary and the timeline both read it.
func TestBadTelemetryNamedOnce(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t, map[string]rendertest.Spec{"r": rendertest.A100()})
	run := filepath.Join(dir, "r")
	for _, f := range []string{rundir.GPUFile, rundir.ServerFile} {
		fh, err := os.OpenFile(filepath.Join(run, f), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fh.WriteString("garbage\n"); err != nil {
			t.Fatal(err)
		}
		fh.Close()
	}
	r, err := LoadRun(run, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(r.Warnings, "\n")
	for _, f := range []string{rundir.GPUFile, rundir.ServerFile} {
		if n := strings.Count(all, f); n != 1 || !strings.Contains(all, f+" line ") {
			t.Errorf("warnings %q name %s %d times; want once, with its line", r.Warnings, f, n)
		}
	}
}

// TestTimelinePowerAtTheMiddleOfItsSpan: the timeline draws a power reading
// that averages the second before it (NVML on Ampere and newer) half a second
// before its time, where the energy integral places it, and utilization at
// its own time.
func TestTimelinePowerAtTheMiddleOfItsSpan(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t, map[string]rendertest.Spec{"a": rendertest.A100()})
	path := filepath.Join(dir, "a", rundir.GPUFile)
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := rundir.ReadGPUSamples(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i := range samples {
		samples[i].PowerWindowNS = int64(time.Second)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := rundir.NewJSONLWriter[rundir.GPUSample](out, rundir.GPUFile).Write(samples...); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := LoadRun(filepath.Join(dir, "a"), report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	util, power := r.timeline.Series[plot.GPUUtilization], r.timeline.Series[plot.GPUPower]
	if len(util) == 0 || len(util) != len(power) || len(util) >= maxTimelinePoints {
		t.Fatalf("%d utilization and %d power points; want as many, fewer than %d (not averaged down)", len(util), len(power), maxTimelinePoints)
	}
	for i := range util {
		if !near(power[i].T, util[i].T-0.5) {
			t.Fatalf("point %d: power at %.3f s, utilization at %.3f s; want power 0.5 s earlier", i, power[i].T, util[i].T)
		}
	}
}

// mdAndHTML renders rep as report.md and report.html, by their names, for
// tests that look for the same text in both.
func mdAndHTML(t *testing.T, rep *Report) map[string]string {
	t.Helper()
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, rep, nil); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"md": md.String(), "html": html.String()}
}
