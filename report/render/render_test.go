package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
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
// follow report/metrics.go: computed from the same records, their
// percentiles, counts and throughput equal report.Summary's.
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
		if d == nil {
			t.Fatalf("level %g: no per-request data", l.Level)
		}
		if len(d.reqs) != l.Requests.Total {
			t.Errorf("level %g: %d requests; summary has %d", l.Level, len(d.reqs), l.Requests.Total)
		}
		for _, c := range []struct {
			name  string
			field func(requestSample) float64
			dist  report.Dist
		}{
			{"TTFT", func(s requestSample) float64 { return s.ttft }, l.TTFTMS},
			{"TPOT", func(s requestSample) float64 { return s.tpot }, l.TPOTMS},
			{"E2E", func(s requestSample) float64 { return s.e2e }, l.E2EMS},
			{"user tok/s", func(s requestSample) float64 { return s.userTPS }, l.UserOutputTokensPerS},
		} {
			for _, p := range []struct {
				p    float64
				want float64
			}{{50, c.dist.P50}, {90, c.dist.P90}, {95, c.dist.P95}, {99, c.dist.P99}, {99.9, c.dist.P999}} {
				got := percentileOf(p.p, c.field)(d.reqs, 0, nil)
				if !near(got, p.want) {
					t.Errorf("level %g %s p%g = %v; summary has %v", l.Level, c.name, p.p, got, p.want)
				}
			}
		}
		if got := outputTPS(d.reqs, l.WindowS, nil); !near(got, l.OutputTokensPerS) {
			t.Errorf("level %g output tok/s = %v; summary has %v", l.Level, got, l.OutputTokensPerS)
		}
		if got := resampledTPS(d.reqs, l.WindowS)(d.reqs, 0, nil); !near(got, l.OutputTokensPerS) {
			t.Errorf("level %g resampled tok/s on the full sample = %v; want %v", l.Level, got, l.OutputTokensPerS)
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

// requests draws n successful requests whose TTFT is lognormal around
// median ms.
func requests(rng *rand.Rand, n int, median float64) []requestSample {
	out := make([]requestSample, n)
	for i := range out {
		v := median * math.Exp(0.3*rng.NormFloat64())
		out[i] = requestSample{ok: true, ttft: v, e2e: 10 * v, tpot: v / 10, out: 64, busy: 10 * v}
	}
	return out
}

func TestBootstrapRatio(t *testing.T) {
	p50 := percentileOf(50, func(s requestSample) float64 { return s.ttft })
	bs := bootstrapper{resamples: 1000, seed: 1}
	rng := rand.New(rand.NewPCG(3, 4))
	a := requests(rng, 300, 100)
	// b is a scaled by exactly 2: the point ratio of any percentile is 2.
	b := slices.Clone(a)
	for i := range b {
		b[i].ttft *= 2
	}
	mc, ok := bs.compare("x", a, b, 10, 10, p50, p50)
	if !ok {
		t.Fatal("compare failed")
	}
	if !near(mc.Ratio, 2) || !(mc.CILow < 2 && 2 < mc.CIHigh) || !mc.Significant || mc.PValue > 0.002 {
		t.Errorf("b = 2a: ratio %v [%v, %v], p %v, significant %v; want 2 inside a significant interval", mc.Ratio, mc.CILow, mc.CIHigh, mc.PValue, mc.Significant)
	}
	// Seeded: the same inputs give the same interval; another seed another.
	again, _ := bs.compare("x", a, b, 10, 10, p50, p50)
	if again != mc {
		t.Errorf("same seed: %+v then %+v", mc, again)
	}
	other, _ := bootstrapper{resamples: 1000, seed: 2}.compare("x", a, b, 10, 10, p50, p50)
	if other.CILow == mc.CILow && other.CIHigh == mc.CIHigh {
		t.Errorf("seed 2 gave the same interval as seed 1: %v %v", other.CILow, other.CIHigh)
	}
	// Identical samples: ratio 1, not significant.
	same, _ := bs.compare("x", a, a, 10, 10, p50, p50)
	if same.Ratio != 1 || same.Significant || same.PValue < 0.5 {
		t.Errorf("a against itself: ratio %v [%v, %v], p %v; want 1, not significant", same.Ratio, same.CILow, same.CIHigh, same.PValue)
	}
	mc.HigherIsBetter = false
	mc.judge()
	if mc.Better != "baseline" {
		t.Errorf("TTFT doubled: better = %q; want baseline", mc.Better)
	}
}

// Calibration: two independent samples of one distribution are called
// significantly different in about 5 % of trials (the interval's nominal
// error rate), and samples 40 % apart nearly always.
func TestBootstrapCalibration(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("calibration runs 200 bootstraps")
	}
	p50 := percentileOf(50, func(s requestSample) float64 { return s.ttft })
	bs := bootstrapper{resamples: 300, seed: 9}
	rng := rand.New(rand.NewPCG(5, 6))
	const trials = 100
	falsePos, truePos := 0, 0
	for range trials {
		a, b := requests(rng, 100, 100), requests(rng, 100, 100)
		if mc, _ := bs.compare("null", a, b, 1, 1, p50, p50); mc.Significant {
			falsePos++
		}
		c := requests(rng, 100, 140)
		if mc, _ := bs.compare("alt", a, c, 1, 1, p50, p50); mc.Significant {
			truePos++
		}
	}
	// Binomial(100, 0.05): P(X > 13) < 0.001.
	if falsePos > 13 {
		t.Errorf("same distribution called different in %d of %d trials; want about 5", falsePos, trials)
	}
	if truePos < 90 {
		t.Errorf("a 40 %% difference found in %d of %d trials; want nearly all", truePos, trials)
	}
	t.Logf("false positives %d/%d, true positives %d/%d", falsePos, trials, truePos, trials)
}

// Throughput intervals are not degenerate when every request has the same
// length: the window follows the resample's request time.
func TestThroughputIntervalNotDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := requests(rng, 200, 100), requests(rng, 200, 60)
	bs := bootstrapper{resamples: 500, seed: 1}
	mc, ok := bs.compare("tps", a, b, 20, 12, resampledTPS(a, 20), resampledTPS(b, 12))
	if !ok {
		t.Fatal("compare failed")
	}
	wantRatio := (float64(200*64) / 12) / (float64(200*64) / 20)
	if !near(mc.Ratio, wantRatio) {
		t.Errorf("ratio = %v; want %v (tokens/window)", mc.Ratio, wantRatio)
	}
	if !(mc.CIHigh-mc.CILow > 0.01) || !(mc.CILow < wantRatio && wantRatio < mc.CIHigh) {
		t.Errorf("interval [%v, %v]; want a proper interval around %v", mc.CILow, mc.CIHigh, wantRatio)
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
	// A throttled level other than the compared one is a caveat, not unfair.
	runs[1].level(8).GPU.Throttled = true
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
		"different server version or flags: version \"0.6.3\" vs \"0.7.0\"",
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
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, "h100-sxm: GPU throttled at level(s) 8") || strings.Contains(notes, "level(s) 4") {
		t.Errorf("notes = %q; want level 8's throttling (and not level 4's, named as unfair)", c.Notes)
	}
	if !strings.Contains(c.Headline, "Not a like-for-like comparison") {
		t.Errorf("headline does not warn: %q", c.Headline)
	}
}

func TestLoadRunsSLOFromRunJSON(t *testing.T) {
	dir := writeRuns(t, map[string]rendertest.Spec{"a": rendertest.A100()})
	run := filepath.Join(dir, "a")
	m, err := rundir.ReadManifest(run)
	if err != nil {
		t.Fatal(err)
	}
	m.Scenario = json.RawMessage(`{"name":"qualify","slo":{"percentile":95,"ttft":"150ms","max_error_rate":0.01}}`)
	if err := rundir.WriteManifest(run, m); err != nil {
		t.Fatal(err)
	}
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
	got, err := ParseFormats(" md, HTML,json,md ")
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
	for _, want := range []string{"run.json", "GPU is unknown"} {
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
