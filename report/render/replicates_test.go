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

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

func close4(got, want float64) bool { return math.Abs(got-want) <= 5e-4*math.Abs(want) }

// Welch's t on the logs, by hand.
//
// Capacities 100, 110, 90 against 300, 320, 310 tok/s: means 100 and 310,
// CV 10/100 = 10 % and 10/310 = 3.2 %. Logs: ln 100, ln 110, ln 90 =
// 4.60517, 4.70048, 4.49981, mean 4.60182 (geometric mean 99.666), s²
// 0.0100756; ln 300, ln 320, ln 310 = 5.70378, 5.76832, 5.73657, mean
// 5.73623 (geometric mean 309.894), s² 0.00104140. d = 1.134405, the ratio
// of geometric means exp(d) = 3.10932 (of means 3.10); se² = 0.0100756/3 + 0.00104140/3 = 0.0037057, se =
// 0.060874; df = se⁴ / ((0.0033585)²/2 + (0.00034713)²/2) = 1.37322e-5 /
// 5.7000e-6 = 2.409. t(0.975, 2.409) = 3.6731 (between t(2) = 4.303 and
// t(3) = 3.182; its CDF integrated numerically gives 0.97500); interval
// exp(1.134405 ∓ 3.6731 × 0.060874) = [2.4863, 3.8884].
//
// 100, 200 against 300, 600: the same log variance (ln 2)²/2 on each side,
// so df = 2(n − 1) = 2, where t(0.975, 2) = 0.95 / √(2 × 0.975 × 0.025) =
// 4.30265 in closed form; se = √((ln 2)²/2/2 × 2) = ln 2/√2 = 0.490129;
// interval 3 × exp(∓4.30265 × 0.490129) = [0.36413, 24.716].
func TestWelchLogIntervalByHand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b       []float64
		lo, hi, df float64
	}{
		{a: []float64{100, 110, 90}, b: []float64{300, 320, 310}, lo: 2.4863, hi: 3.8884, df: 2.409},
		{a: []float64{100, 200}, b: []float64{300, 600}, lo: 0.36413, hi: 24.716, df: 2},
		{a: []float64{100, 100}, b: []float64{250, 250, 250}, lo: 2.5, hi: 2.5, df: 0}, // no variation: no df
	} {
		lo, hi, df := welchLogInterval(c.a, c.b, 0.95)
		if !close4(lo, c.lo) || !close4(hi, c.hi) || !close4(df, c.df) {
			t.Errorf("%v vs %v: [%.5g, %.5g] df %.4g; want [%.5g, %.5g] df %.4g", c.a, c.b, lo, hi, df, c.lo, c.hi, c.df)
		}
	}
}

// The section of the hand case: each setup's runs, their mean and CV, the
// ratio of the means with Welch's interval, and the verdict's sentence.
func TestRepeatedRunsByHand(t *testing.T) {
	t.Parallel()
	rr := []RunReport{}
	for i, v := range []float64{100, 110, 90, 300, 320, 310} {
		label := []string{"a100", "a100-2", "a100-3", "h100", "h100-2", "h100-3"}[i]
		rr = append(rr, RunReport{Label: label, Summary: &report.Summary{},
			Priced: &PricedInfo{Level: 8, Basis: report.BasisCapacity, OutputTokensPerS: v}})
	}
	comps := []Comparison{{Baseline: "a100", Candidate: "h100", Headline: "h100 serves 3.00× [2.98–3.02] the output tokens/s of a100."}}
	sec := repeatedRuns(grouping{setups: [][]int{{0, 1, 2}, {3, 4, 5}}}, rr, comps)
	if sec == nil {
		t.Fatal("no section with three runs a setup")
	}
	if len(sec.Setups) != 2 || sec.Setups[0].MeanOutputTokensPerS != 100 || sec.Setups[1].MeanOutputTokensPerS != 310 {
		t.Fatalf("setups %+v; want means 100 and 310", sec.Setups)
	}
	if cv := sec.Setups[0].CV; cv == nil || !close4(*cv, 0.1) {
		t.Errorf("a100's CV = %v; want 0.1", cv)
	}
	if cv := sec.Setups[1].CV; cv == nil || !close4(*cv, 10.0/310) {
		t.Errorf("h100's CV = %v; want 10/310", cv)
	}
	x := sec.Ratios[0]
	if !close4(x.Ratio, 3.10932) || !close4(x.CILow, 2.4863) || !close4(x.CIHigh, 3.8884) || !close4(x.DF, 2.409) || x.Method == "" {
		t.Errorf("ratio %+v; want 3.10932 [2.4863, 3.8884] df 2.409", x)
	}
	if want := []string{"a100-2", "a100-3", "h100-2", "h100-3"}; !slices.Equal(sec.LeftOut, want) {
		t.Errorf("left out %v; want %v", sec.LeftOut, want)
	}
	h := comps[0].Headline
	want := "of a100. Across 3 and 3 runs (h100's and a100's): 3.11× [2.49–3.89] the geometric mean output tokens/s (Welch t on the log of the runs' capacities, df 2.4): this interval holds the run-to-run variance"
	if !strings.Contains(h, want) {
		t.Errorf("headline %q; want it to contain %q", h, want)
	}
	// The tables show the same numbers: 100 with CV 10 % and geometric
	// mean 99.7, 3.11× [2.49–3.89] on df 2.4.
	var md strings.Builder
	for _, tb := range (&Report{Repeated: sec}).repeatedTables() {
		writeMDTable(&md, tb)
	}
	for _, row := range []string{"| a100 | 3 | 100.0 | 10.0 % | 99.7 |", "| h100 | 3 | 310.0 | 3.2 % | 309.9 |", "| h100 / a100 | 3 and 3 | 3.11× | [2.49–3.89] | 2.4 |"} {
		if !strings.Contains(md.String(), row) {
			t.Errorf("tables lack %q:\n%s", row, md.String())
		}
	}
	// An H100 run whose capacity is a lower bound: the ratio is one too.
	rr[4].Summary = &report.Summary{Capacity: &report.Capacity{Level: 8, LowerBound: true}}
	comps[0].Headline = ""
	sec = repeatedRuns(grouping{setups: [][]int{{0, 1, 2}, {3, 4, 5}}}, rr, comps)
	if x := sec.Ratios[0]; x.Bound != "at least" || !strings.Contains(comps[0].Headline, "a100's): at least 3.11× [2.49–3.89]") {
		t.Errorf("lower bound: %+v, headline %q; want at least 3.11×", x, comps[0].Headline)
	}
}

// TestRatioIsTheIntervalsPoint: the ratio is the point its interval is
// about, the ratio of geometric means, and lies inside it. It was the
// ratio of arithmetic means, which the interval, on logs, is not about:
// baseline runs 10 (nine times) and 1000 tok/s against 300 and 300 read
// 300/109 = 2.75×, outside its own interval: mean log 2.76310 (geometric
// mean 15.849), s = 1.45628, se = s/√10 = 0.460517 (the candidate does not
// vary), df 9, t(0.975, 9) = 2.26216, so exp(ln(300/15.849) ∓ 1.04176) =
// [6.6787, 53.648] about 18.929.
func TestRatioIsTheIntervalsPoint(t *testing.T) {
	t.Parallel()
	mk := func(label string, v float64) RunReport {
		return RunReport{Label: label, Summary: &report.Summary{}, Priced: &PricedInfo{Level: 8, Basis: report.BasisCapacity, OutputTokensPerS: v}}
	}
	var rr []RunReport
	var base []int
	for i := range 10 {
		rr = append(rr, mk(fmt.Sprintf("a-%d", i), map[bool]float64{true: 1000, false: 10}[i == 9]))
		base = append(base, i)
	}
	rr = append(rr, mk("b", 300), mk("b-2", 300))
	sec := repeatedRuns(grouping{setups: [][]int{base, {10, 11}}}, rr, nil)
	x := sec.Ratios[0]
	if !close4(x.Ratio, 18.929) || !close4(x.CILow, 6.6787) || !close4(x.CIHigh, 53.648) || !close4(x.DF, 9) {
		t.Errorf("ratio %+v; want 18.929 [6.6787, 53.648] df 9", x)
	}
	if !(x.CILow <= x.Ratio && x.Ratio <= x.CIHigh) {
		t.Errorf("ratio %.4g outside its interval [%.4g, %.4g]", x.Ratio, x.CILow, x.CIHigh)
	}
	if st := sec.Setups[0]; !close4(st.GeoMeanOutputTokensPerS, 15.849) || !close4(st.MeanOutputTokensPerS, 109) {
		t.Errorf("baseline setup %+v; want geometric mean 15.849, mean 109", st)
	}
	if !strings.Contains(sec.Method, "geometric mean") || !strings.Contains(sec.Method, "so the ratio lies inside it") {
		t.Errorf("method %q does not say the ratio is of geometric means, inside its interval", sec.Method)
	}
}

// One run of a setup priced on another basis: said, and no ratio; a setup
// run once: the ratio of the geometric means (300 / √(100 × 120) =
// 2.7386), no interval.
func TestRepeatedRunsWithoutInterval(t *testing.T) {
	t.Parallel()
	mk := func(label, basis string, v float64) RunReport {
		return RunReport{Label: label, Summary: &report.Summary{}, Priced: &PricedInfo{Level: 4, Basis: basis, OutputTokensPerS: v}}
	}
	rr := []RunReport{mk("a", report.BasisCapacity, 100), mk("a-2", report.BasisHighest, 120), mk("b", report.BasisCapacity, 300)}
	comps := []Comparison{{Baseline: "a", Candidate: "b"}}
	sec := repeatedRuns(grouping{setups: [][]int{{0, 1}, {2}}}, rr, comps)
	if x := sec.Ratios[0]; x.Ratio != 0 || !strings.Contains(x.Why, "different bases") {
		t.Errorf("mixed bases: %+v; want no ratio, said why", x)
	}
	if !strings.Contains(comps[0].Headline, "no ratio: a's runs are priced on different bases") {
		t.Errorf("headline %q", comps[0].Headline)
	}
	rr[1] = mk("a-2", report.BasisCapacity, 120)
	comps = []Comparison{{Baseline: "a", Candidate: "b"}}
	sec = repeatedRuns(grouping{setups: [][]int{{0, 1}, {2}}}, rr, comps)
	if x := sec.Ratios[0]; !close4(x.Ratio, 300/math.Sqrt(100*120)) || x.CILow != 0 || x.Method != "" || !strings.Contains(x.Why, "b ran once") {
		t.Errorf("one run of b: %+v; want 2.7386, no interval", x)
	}
	if !strings.Contains(comps[0].Headline, "Across 1 and 2 runs (b's and a's): 2.74× the geometric mean output tokens/s, no interval") {
		t.Errorf("headline %q", comps[0].Headline)
	}
}

// setScenarioSeed rewrites run dir's scenario with workload.seed = seed.
func setScenarioSeed(t *testing.T, dir string, seed int) {
	t.Helper()
	rundirtest.EditManifest(t, dir, func(m *rundir.Manifest) {
		var sc map[string]any
		if err := json.Unmarshal(m.Scenario, &sc); err != nil {
			t.Fatal(err)
		}
		sc["workload"].(map[string]any)["seed"] = seed
		var err error
		if m.Scenario, err = json.Marshal(sc); err != nil {
			t.Fatal(err)
		}
	})
}

// Runs are grouped into setups: a rerun with other seeds is a repeat; a
// run on another GPU, or of another setting, is a setup of its own. With
// repeats only the first run of each other setup is compared with the
// first run, and every output carries the section.
func TestRepeatedRunsGrouping(t *testing.T) {
	t.Parallel()
	a2, h2, other := rendertest.A100(), rendertest.H100(), rendertest.A100()
	a2.Seed, h2.Seed = 11, 12
	a2.Start, h2.Start = a2.Start.Add(2*time.Hour), h2.Start.Add(2*time.Hour)
	other.Seed, other.OutputTokens = 13, 48
	specs := map[string]rendertest.Spec{"a100": rendertest.A100(), "a100-2": a2, "h100": rendertest.H100(), "h100-2": h2, "a100-out48": other}
	root := writeRuns(t, specs)
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 8)
	setScenarioSeed(t, filepath.Join(root, "h100-2"), 9)
	rep := buildRepeats(t, root, "a100", "h100", "a100-2", "a100-out48", "h100-2")
	sec := rep.Repeated
	if sec == nil {
		t.Fatal("no Repeated runs section")
	}
	got := setupLabels(sec)
	want := [][]string{{"a100", "a100-2"}, {"h100", "h100-2"}, {"a100-out48"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("setups %v; want %v", got, want)
	}
	var pairs []string
	for _, c := range rep.Comparisons {
		pairs = append(pairs, c.Candidate+"/"+c.Baseline)
	}
	if want := []string{"h100/a100", "a100-out48/a100"}; !slices.Equal(pairs, want) {
		t.Errorf("comparisons %v; want %v", pairs, want)
	}
	if !strings.Contains(rep.Comparisons[0].Headline, "Across 2 and 2 runs (h100's and a100's): ") {
		t.Errorf("verdict %q lacks the across-runs sentence", rep.Comparisons[0].Headline)
	}
	if !strings.Contains(rep.Comparisons[1].Headline, "Across 1 and 2 runs (a100-out48's and a100's): ") {
		t.Errorf("verdict %q lacks the across-runs sentence", rep.Comparisons[1].Headline)
	}
	// Both h100 and a100 were run again: the across-runs sentence holds
	// the run-to-run variance the advice to rerun is about; a100-out48
	// ran once, and its verdict keeps it.
	if h := rep.Comparisons[0].Headline; !strings.Contains(h, "significant at 95 %") || strings.Contains(h, "run each side again") {
		t.Errorf("verdict %q: want it significant, without the advice to rerun", h)
	}
	if h := rep.Comparisons[1].Headline; !strings.Contains(h, "significant at 95 %") || !strings.Contains(h, rerunAdvice) {
		t.Errorf("verdict %q: want it significant, with the advice to rerun", h)
	}
	if x := sec.Ratios[0]; x.Method == "" || !(x.CILow < x.Ratio && x.Ratio < x.CIHigh) {
		t.Errorf("h100 / a100 across runs: %+v; want an interval about the ratio", x)
	}
	out := mdAndHTML(t, rep)
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	out["json"] = js.String()
	for name, want := range map[string][]string{
		"md":   {"## Repeated runs", "### Runs by setup", "| h100 | h100-2 |", "left out of pairwise comparison: a100-2 (a repeat of a100), h100-2 (a repeat of h100)"},
		"html": {`<section id="repeated">`, "<h2>Repeated runs</h2>", "Across runs: the first setup against each other"},
		"json": {`"repeated_runs": {`, `"left_out": [`, `"method": "` + welchMethod + `"`},
	} {
		for _, w := range want {
			if !strings.Contains(out[name], w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
}

// Without repeats nothing is added: the qualification's JSON has no
// repeated_runs key and its HTML no section (the Markdown's golden file
// checks it byte for byte).
func TestNoRepeatsNoSection(t *testing.T) {
	t.Parallel()
	rep, _ := goldenReport(t, "qualification")
	if rep.Repeated != nil {
		t.Fatalf("section without repeats: %+v", rep.Repeated)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	rep.Figures = nil
	out := mdAndHTML(t, rep)
	if strings.Contains(js.String(), "repeated_runs") || strings.Contains(out["html"], "Repeated runs") || strings.Contains(out["md"], "Repeated runs") {
		t.Error("a report without repeats names repeated runs")
	}
}

// Every run of one setup: no other setup to compare with, so each run is
// compared with the first as before, and the verdict says they are
// repeats; the section gives their mean and CV and no ratio.
func TestRepeatedRunsOneSetup(t *testing.T) {
	t.Parallel()
	a2 := rendertest.A100()
	a2.Seed, a2.Start = 11, a2.Start.Add(2*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "a100-2": a2})
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 8)
	slo := report.SLO{TTFT: 200 * time.Millisecond}
	runs, slo, src, err := LoadRuns([]string{filepath.Join(root, "a100"), filepath.Join(root, "a100-2")}, slo)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), Version: "test", Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Repeated == nil || len(rep.Repeated.Setups) != 1 || len(rep.Repeated.Ratios) != 0 || len(rep.Repeated.LeftOut) != 0 {
		t.Fatalf("section %+v; want one setup, no ratio, none left out", rep.Repeated)
	}
	if st := rep.Repeated.Setups[0]; st.CV == nil || len(st.Runs) != 2 {
		t.Errorf("setup %+v; want two runs with a CV", st)
	}
	if len(rep.Comparisons) != 1 || !strings.Contains(rep.Comparisons[0].Headline, "a100-2 and a100 are runs of one setup (Repeated runs): a difference between them is run-to-run variance") {
		t.Errorf("comparisons %+v; want a100-2 against a100, said to be repeats", rep.Comparisons)
	}
	if md := mdAndHTML(t, rep)["md"]; !strings.Contains(md, "### Setups") || strings.Contains(md, "Across runs") {
		t.Errorf("markdown: want the setups and no across-runs table:\n%s", md)
	}
}

// buildRepeats loads the runs names under root in that order and builds
// their report with a TTFT SLO.
func buildRepeats(t *testing.T, root string, names ...string) *Report {
	t.Helper()
	var dirs []string
	for _, n := range names {
		dirs = append(dirs, filepath.Join(root, n))
	}
	runs, slo, src, err := LoadRuns(dirs, report.SLO{TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(runs, Options{SLO: slo, SLOSource: src, Catalog: catalog(t), Version: "test", Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// setupLabels lists each setup's runs.
func setupLabels(sec *RepeatedRuns) [][]string {
	if sec == nil {
		return nil
	}
	var got [][]string
	for _, st := range sec.Setups {
		var labels []string
		for _, r := range st.Runs {
			labels = append(labels, r.Label)
		}
		got = append(got, labels)
	}
	return got
}

// Two servers that record no GPU (mock --gpu a100-80gb and mock --gpu
// h100-sxm run with --gpu-backend none, no --gpu) are not one setup: an
// unknown GPU is not the same GPU. Runs sent to another target URL are
// not repeats either; a URL that differs in its port and query alone is
// the same (a server started again on a free port: the demo's mock).
func TestRepeatsNeedKnownGPUAndURL(t *testing.T) {
	t.Parallel()
	noA, noH := rendertest.A100(), rendertest.H100()
	noA.GPUName, noH.GPUName = "", ""
	a2, far, q := rendertest.A100(), rendertest.A100(), rendertest.A100()
	a2.Seed, far.Seed, q.Seed = 11, 12, 13
	a2.Start, far.Start, q.Start = a2.Start.Add(2*time.Hour), far.Start.Add(3*time.Hour), q.Start.Add(4*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"noGPUA": noA, "noGPUH": noH, "a100": rendertest.A100(), "a100-2": a2, "a100-far": far, "a100-q": q})
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 8)
	setScenarioSeed(t, filepath.Join(root, "a100-q"), 9)
	setScenarioSeed(t, filepath.Join(root, "noGPUH"), 4)
	rundirtest.EditManifest(t, filepath.Join(root, "a100-far"), func(m *rundir.Manifest) { m.Target.URL = "http://10.0.0.2:8000" })
	rundirtest.EditManifest(t, filepath.Join(root, "a100-q"), func(m *rundir.Manifest) { m.Target.URL = "http://127.0.0.1:37011/?trace=1" })

	rep := buildRepeats(t, root, "noGPUA", "noGPUH")
	if rep.Repeated != nil || strings.Contains(rep.Comparisons[0].Headline, "runs of one setup") {
		t.Errorf("two servers with no GPU recorded grouped as one setup: %v; verdict %q", setupLabels(rep.Repeated), rep.Comparisons[0].Headline)
	}
	rep = buildRepeats(t, root, "a100", "a100-far", "a100-2", "a100-q", "noGPUA", "noGPUH")
	want := [][]string{{"a100", "a100-2", "a100-q"}, {"a100-far"}, {"noGPUA"}, {"noGPUH"}}
	if got := setupLabels(rep.Repeated); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("setups %v; want %v", got, want)
	}
	note := "noGPUA and noGPUH are not grouped as repeats: no GPU is recorded for noGPUA and noGPUH, and an unknown GPU is not the same GPU"
	if !slices.ContainsFunc(rep.Repeated.Notes, func(n string) bool { return strings.HasPrefix(n, note) }) {
		t.Errorf("notes %q lack %q", rep.Repeated.Notes, note)
	}
	if md := mdAndHTML(t, rep)["md"]; !strings.Contains(md, note) {
		t.Errorf("markdown lacks %q", note)
	}
}

// A copied run directory (cp -r) is not a repeat: counted as one it read
// CV 0.0 % and "Across 2 and 2 runs: 3.01× [3.01–3.01]". It is in no
// setup's runs, and the section says so.
func TestCopiedRunIsNoRepeat(t *testing.T) {
	t.Parallel()
	a2 := rendertest.A100()
	a2.Seed, a2.Start = 11, a2.Start.Add(2*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "h100": rendertest.H100(), "a100-2": a2})
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 8)
	for _, n := range []string{"a100", "h100"} {
		// A run recorded its pid (the fixture's run.json has none).
		rundirtest.EditManifest(t, filepath.Join(root, n), func(m *rundir.Manifest) { m.Host.PID = 4242 })
		if err := os.CopyFS(filepath.Join(root, n+"-copy"), os.DirFS(filepath.Join(root, n))); err != nil {
			t.Fatal(err)
		}
	}
	rep := buildRepeats(t, root, "a100", "h100", "a100-copy", "h100-copy")
	if rep.Repeated != nil {
		t.Errorf("copies grouped as repeats: setups %v, ratios %+v", setupLabels(rep.Repeated), rep.Repeated.Ratios)
	}
	rep = buildRepeats(t, root, "a100", "h100", "a100-copy", "a100-2")
	want := [][]string{{"a100", "a100-2"}, {"h100"}}
	if got := setupLabels(rep.Repeated); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("setups %v; want %v", got, want)
	}
	if !slices.Contains(rep.Repeated.LeftOut, "a100-copy") {
		t.Errorf("left out %v; want a100-copy named", rep.Repeated.LeftOut)
	}
	note := "a100-copy is a copy of a100 (the same directory, or run.json's host, pid, start, end and records): not a repeat"
	if !slices.ContainsFunc(rep.Repeated.Notes, func(n string) bool { return strings.HasPrefix(n, note) }) {
		t.Errorf("notes %q lack %q", rep.Repeated.Notes, note)
	}
	for _, c := range rep.Comparisons {
		if c.Candidate == "a100-copy" {
			t.Errorf("the copy is compared with %s", c.Baseline)
		}
	}
	rep = buildRepeats(t, root, "a100", "a100-2", "a100-copy")
	if len(rep.Comparisons) != 1 || rep.Comparisons[0].Candidate != "a100-2" {
		t.Errorf("one setup and a copy: comparisons of %d runs; want a100-2 alone", len(rep.Comparisons))
	}
}

// TestShareText: how often each level was a capacity, past the third
// summed, and the resamples with none; and a setup ratio whose runs did
// not vary has no degrees of freedom ("-"), Welch–Satterthwaite's being
// 0/0 there (it read na + nb − 2).
func TestShareText(t *testing.T) {
	ss := []compare.LevelShare{{Level: 8, Share: 0.5}, {Level: 16, Share: 0.2}, {Level: 4, Share: 0.1}, {Level: 2, Share: 0.06}, {Level: 1, Share: 0.04}}
	if got, want := shareText(ss, 0.1), "level 8 in 50.0 %, 16 in 20.0 %, 4 in 10.0 %, others in 10.0 %, no level meeting the SLO in 10.0 %"; got != want {
		t.Errorf("shareText = %q; want %q", got, want)
	}
	lo, hi, df := welchLogInterval([]float64{100, 100}, []float64{300, 300}, 0.95)
	if !close4(lo, 3) || !close4(hi, 3) || df != 0 || dfText(df) != "-" {
		t.Errorf("no variation: [%g, %g] df %g (%q); want [3, 3], no df", lo, hi, df, dfText(df))
	}
}

// TestApartSaidOnce: runs a100, h100, a100-2, h100-2 (one target host):
// the note that the H100's runs are no repeats of the A100's (their GPUs
// differ) is said once, where the h100 setup starts; it was said again for
// every later run checked against the a100 setup (a review).
func TestApartSaidOnce(t *testing.T) {
	a2, h2 := rendertest.A100(), rendertest.H100()
	a2.Seed, a2.Start = 11, a2.Start.Add(2*time.Hour)
	h2.Seed, h2.Start = 12, h2.Start.Add(3*time.Hour)
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "h100": rendertest.H100(), "a100-2": a2, "h100-2": h2})
	rep := buildRepeats(t, root, "a100", "h100", "a100-2", "h100-2")
	if rep.Repeated == nil {
		t.Fatal("no Repeated runs section")
	}
	n := 0
	for _, note := range rep.Repeated.Notes {
		if strings.Contains(note, "not grouped as repeats") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d notes of runs not grouped; want 1: %q", n, rep.Repeated.Notes)
	}
}

// cacheRun is a run priced at level 8 whose server reported these prefix
// cache hit rates by level (a negative rate: none reported at that level).
func cacheRun(label string, rates map[float64]float64) RunReport {
	sum := &report.Summary{}
	for _, lv := range []float64{8, 16} {
		l := report.Level{Level: lv, Server: &report.ServerLevel{}}
		if v, ok := rates[lv]; ok && v >= 0 {
			l.Server.PrefixCacheHitRate = &v
		}
		sum.Levels = append(sum.Levels, l)
	}
	return RunReport{Label: label, Summary: sum, Priced: &PricedInfo{Level: 8, Basis: report.BasisCapacity, OutputTokensPerS: 100}}
}

// TestRepeatsPrefixCacheUnlike: a repeat whose prefix cache hit rate is
// more than 10 points from most of its setup's other runs', or reported
// where theirs is none (or the reverse) above 10 %, is named in a note of
// the section; of two runs both are. Runs 9 points apart, or 5 % against
// none, are not. Before, the section said nothing of it.
func TestRepeatsPrefixCacheUnlike(t *testing.T) {
	t.Parallel()
	rr := []RunReport{
		cacheRun("a", map[float64]float64{8: 0, 16: 0}),
		cacheRun("a-2", map[float64]float64{8: 0.02, 16: -1}),
		cacheRun("a-3", map[float64]float64{8: 0.85, 16: 0.05}),
		cacheRun("b", map[float64]float64{8: 0.30, 16: 0.30}),
		cacheRun("b-2", map[float64]float64{8: -1, 16: 0.25}),
		cacheRun("c", map[float64]float64{8: 0.10, 16: 0.5}),
		cacheRun("c-2", map[float64]float64{8: 0.19, 16: 0.45}),
	}
	sec := repeatedRuns(grouping{setups: [][]int{{0, 1, 2}, {3, 4}, {5, 6}}}, rr, nil)
	const why = ": repeats are one experiment run again, and a server that answered more or fewer prompt tokens from its prefix cache (a warm cache, a rerun with the same --seed) ran another, whose TTFT and throughput may differ for that alone (rates are unlike more than 10 points apart, or where one run reports none and the other more than 10 %)"
	want := []string{
		"a-3's prefix cache hit rate is unlike that of most of setup a's other runs (level 8: a-3's 85.0 %, a's 0.0 %, a-2's 2.0 %)" + why,
		"b-2 and b, the runs of setup b, differ in prefix cache hit rate (level 8: b-2's none reported, b's 30.0 %)" + why,
	}
	var got []string
	for _, n := range sec.Notes {
		if strings.Contains(n, "prefix cache") {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("prefix cache notes\n%q\nwant\n%q", got, want)
	}
	var md strings.Builder
	for _, tb := range (&Report{Repeated: sec}).repeatedTables() {
		writeMDTable(&md, tb)
	}
	if !strings.Contains(md.String(), "- "+want[0]) {
		t.Errorf("the section's Markdown lacks %q:\n%s", want[0], md.String())
	}
	// Runs alike: nothing said.
	sec = repeatedRuns(grouping{setups: [][]int{{0, 1}, {5, 6}}}, rr, nil)
	if slices.ContainsFunc(sec.Notes, func(n string) bool { return strings.Contains(n, "prefix cache") }) {
		t.Errorf("runs alike in prefix cache hit rate flagged: %q", sec.Notes)
	}
}
