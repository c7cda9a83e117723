package compare

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// synthRun describes a synthetic run directory: per level, n requests with
// TTFT ttftMS + noise (seeded, uniform ±noiseMS), a fraction failed, 8
// output tokens in chunks of 1 or 2 tokens (so ITL spreads gaps), and an
// SLO of TTFT ≤ sloMS.
type synthRun struct {
	model, scenario string
	levels          []float64
	n               int
	ttftMS, noiseMS float64
	failEvery       int // every failEvery-th request fails; 0 for none
	seed            uint64
	sloMS           float64
}

// write writes the run directory.
func (s synthRun) write(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sc := map[string]any{"name": s.scenario, "load": map[string]any{"concurrency": 4}}
	if s.sloMS > 0 {
		sc["slo"] = map[string]any{"ttft": fmt.Sprintf("%gms", s.sloMS)}
	}
	raw, _ := json.Marshal(sc)
	m := &rundir.Manifest{Tool: "inferbench", Version: "v1", Host: rundir.Host{Name: "h"},
		Target: rundir.TargetInfo{Kind: "vllm", Model: s.model}, Scenario: raw, Start: time.Unix(1e9, 0).UTC(),
		ExitState: rundir.ExitComplete}
	m.Load.Seed = int64(s.seed) // runs of other seeds are not paired
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(s.seed, 1))
	var b bytes.Buffer
	id := uint64(0)
	t0 := int64(0)
	for _, lv := range s.levels {
		for i := range s.n {
			sent := t0 + int64(i)*30e6
			rec := rundir.Record{ID: id, Stage: rundir.StageMeasure, Level: lv, SentNS: sent, ScheduledNS: sent - 1e6,
				InputTokens: 50 + i%7}
			id++
			if s.failEvery > 0 && i%s.failEvery == 0 {
				rec.DoneNS, rec.EndNS = sent+5e6, sent+5e6
				rec.ErrorClass, rec.Error, rec.Status = rundir.HTTP5xx, "boom", 503
			} else {
				first := sent + int64((s.ttftMS+s.noiseMS*(2*rng.Float64()-1))*1e6)
				at, tok := first, 0
				for tok < 8 {
					k := int64(1 + rng.IntN(2))
					if tok == 0 {
						k = 1
					}
					if tok > 0 {
						at += int64((9 + 2*rng.Float64()) * float64(k) * 1e6)
					}
					rec.Chunks = append(rec.Chunks, [2]int64{at, k})
					tok += int(k)
				}
				rec.FirstByteNS, rec.FirstTokenNS, rec.EndNS, rec.DoneNS = first, first, at, at+1e6
				rec.OutputTokens, rec.OK, rec.Status = tok, true, 200
			}
			line, _ := json.Marshal(rec)
			b.Write(append(line, '\n'))
		}
		t0 += int64(s.n)*30e6 + 1e9
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func base() synthRun {
	return synthRun{model: "m", scenario: "nightly", levels: []float64{2, 8}, n: 200, ttftMS: 50, noiseMS: 10,
		failEvery: 25, seed: 1, sloMS: 55}
}

func load(t *testing.T, s synthRun) *Run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("run-%d", s.seed))
	s.write(t, dir)
	r, err := loadCandidate(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPointEstimatesMatchSummary: every metric this package computes from
// the requests equals report.Summary's value on the same records — the
// definitions of report/metrics.go, recomputed. A run without sessions has
// no turns' TTFT on either side (TestPointEstimatesMatchSummaryWithSessions
// checks them on a run with sessions).
func TestPointEstimatesMatchSummary(t *testing.T) {
	r := load(t, base())
	if r.SLO.TTFT != 55*time.Millisecond {
		t.Fatalf("SLO from run.json = %+v; want TTFT 55ms", r.SLO)
	}
	checked, none := pointEstimatesMatch(t, r)
	if want := 2 * len(comparedMetrics(turnSet{}, turnSet{})); checked != want || none != 2*8 {
		t.Errorf("checked %d values, %d turns' TTFT none on both sides; want %d and 16", checked, none, want)
	}
	// The run has failures and a binding SLO, so the rates are not trivial.
	l := r.Summary.Levels[0]
	if l.Requests.Failed != 8 || !(l.GoodputRPS > 0 && l.GoodputRPS < l.RequestsPerS) {
		t.Errorf("fixture: failed %d, goodput %g, rps %g; want 8 failed and goodput below rps", l.Requests.Failed, l.GoodputRPS, l.RequestsPerS)
	}
}

// TestCompareShiftAndNoise: +30 % TTFT is a significant regression of
// ttft_p95; a run of the same configuration with another seed has no
// regression; results are reproducible for a seed.
func TestCompareShiftAndNoise(t *testing.T) {
	b := load(t, base())
	slow := base()
	slow.seed, slow.ttftMS = 2, 65
	s := load(t, slow)
	res, err := Compare(RunBaseline(b), s, Options{Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	row := find(t, res, 8, "ttft_p95")
	if row.Verdict != Regression || !row.Significant || !(row.CILow > 0.10) || row.MannWhitney == nil || row.MannWhitney.P > 1e-6 || row.MannWhitney.Effect < 0.9 {
		t.Errorf("ttft_p95 at +30%%: %+v; want a significant regression, MW p ≈ 0, effect > 0.9", row)
	}
	if tpot := find(t, res, 8, "tpot_p95"); tpot.Verdict == Regression {
		t.Errorf("tpot_p95 unchanged but %+v", tpot)
	}
	again, _ := Compare(RunBaseline(b), s, Options{Resamples: 500})
	if r2 := find(t, again, 8, "ttft_p95"); r2.CILow != row.CILow || r2.CIHigh != row.CIHigh {
		t.Errorf("same seed, intervals [%g, %g] then [%g, %g]", row.CILow, row.CIHigh, r2.CILow, r2.CIHigh)
	}
	same := base()
	same.seed = 3
	res, err = Compare(RunBaseline(b), load(t, same), Options{Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	if regs := res.Regressions(); len(regs) > 0 {
		t.Errorf("same configuration, another seed: regressions %v", regs)
	}
	if r := find(t, res, 8, "ttft_p50"); r.Baseline == r.Candidate {
		t.Errorf("fixture: seeds 1 and 3 give the same TTFT p50 %g; want noise", r.Baseline)
	}
}

func find(t *testing.T, res *Result, lv float64, metric string) Row {
	t.Helper()
	for _, r := range res.Rows {
		if r.Level == lv && r.Metric == metric {
			return r
		}
	}
	t.Fatalf("no row level %g %s", lv, metric)
	return Row{}
}

// TestCompareErrorRatePoints: 1 in 25 failed (4 %) against 1 in 5 (20 %)
// is +16 points, a regression at the default +1 point.
func TestCompareErrorRatePoints(t *testing.T) {
	worse := base()
	worse.seed, worse.failEvery = 2, 5
	res, err := Compare(RunBaseline(load(t, base())), load(t, worse), Options{Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	r := find(t, res, 2, "error_rate")
	if !near(r.Baseline, 0.04, 1e-12) || !near(r.Candidate, 0.20, 1e-12) || !near(r.Change, 0.16, 1e-12) || r.Verdict != Regression {
		t.Errorf("error_rate row %+v; want 4%% → 20%%, +16 points, regression", r)
	}
}

// TestNotComparable: model, scenario and target kind must match.
func TestNotComparable(t *testing.T) {
	b := load(t, base())
	other := base()
	other.model, other.scenario = "x", "batch"
	_, err := Compare(RunBaseline(b), load(t, other), Options{})
	nc, ok := err.(*NotComparableError)
	if !ok || len(nc.Reasons) != 2 || !strings.Contains(err.Error(), `model differs: baseline "m", candidate "x"`) {
		t.Errorf("Compare(other model and scenario) = %v; want both reasons", err)
	}
	reasons, warnings := Check(Meta{Model: "m", ToolVersion: "v1", Host: "a"}, Meta{Model: "m", ToolVersion: "v2", Host: "b"})
	if len(reasons) != 0 || len(warnings) != 2 {
		t.Errorf("Check(other version and host) = %v, %v; want two warnings only", reasons, warnings)
	}
	// The HTTP version: a warning where both runs recorded one and they
	// differ; none against a run written before it was recorded.
	_, warnings = Check(Meta{Model: "m", HTTP: "HTTP/1.1"}, Meta{Model: "m", HTTP: "HTTP/2.0"})
	if len(warnings) != 1 || warnings[0] != `HTTP version differs: baseline "HTTP/1.1", candidate "HTTP/2.0"` {
		t.Errorf("Check(HTTP/1.1, HTTP/2.0) warnings %q", warnings)
	}
	if _, warnings = Check(Meta{Model: "m"}, Meta{Model: "m", HTTP: "HTTP/2.0"}); len(warnings) != 0 {
		t.Errorf("Check(unrecorded, HTTP/2.0) warnings %q; want none", warnings)
	}
	lv := base()
	lv.levels, lv.seed = []float64{16}, 4
	if _, err := Compare(RunBaseline(b), load(t, lv), Options{}); err == nil || !strings.Contains(err.Error(), "no load level in common") {
		t.Errorf("Compare(no common level) = %v", err)
	}
}

// summaryWith returns a summary of one level 8 whose TTFT p95 is v.
func summaryWith(v float64) *report.Summary {
	return &report.Summary{Levels: []report.Level{{Level: 8, Requests: report.Requests{Total: 10, OK: 10},
		TTFTMS: report.Dist{N: 10, P50: v, P90: v, P95: v, P99: v}}}}
}

// againstHistory compares a fixed-timing candidate of level 8 whose TTFT
// is ttft ms (no noise: every percentile is ttft) with earlier runs whose
// TTFT percentiles are each of history, under the default thresholds.
func againstHistory(t *testing.T, ttft float64, history ...float64) *Result {
	t.Helper()
	var sums []*report.Summary
	for _, v := range history {
		sums = append(sums, summaryWith(v))
	}
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, ttft, 0, 0
	cand := load(t, c)
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestHistoryRows: against baseline TTFT p95 values 50, 52, 54 (median 52,
// mean 52, s = 2, prediction interval 52 ± 4.302653·2·√(4/3) = [42.06,
// 61.94]) a candidate of 60 is within noise though +15 %; one of 70 is a
// regression with interval [(70 − 61.94)/52, (70 − 42.06)/52].
func TestHistoryRows(t *testing.T) {
	half := 4.302652729911275 * 2 * math.Sqrt(4.0/3)
	for _, tt := range []struct {
		cand    float64
		verdict Verdict
	}{{60, WithinNoise}, {70, Regression}} {
		res := againstHistory(t, tt.cand, 50, 54, 52)
		r := find(t, res, 8, "ttft_p95")
		if r.Method != MethodHistory || r.N != 3 || r.Baseline != 52 || !near(r.Candidate, tt.cand, 1e-6) {
			t.Errorf("candidate %g: row %+v; want history method over 3 runs, baseline 52", tt.cand, r)
		}
		lo, hi := (r.Candidate-(52+half))/52, (r.Candidate-(52-half))/52
		if !near(r.CILow, lo, 1e-9) || !near(r.CIHigh, hi, 1e-9) || r.Verdict != tt.verdict {
			t.Errorf("candidate %g: interval [%g, %g] %s; want [%g, %g] %s", tt.cand, r.CILow, r.CIHigh, r.Verdict, lo, hi, tt.verdict)
		}
		// A gated metric the summaries lack (no TPOT in them) is a row that
		// says it was not measured, with nothing to compare; one not gated
		// (tpot_p50) is left out.
		if r := find(t, res, 8, "tpot_p95"); r.Verdict != NotMeasured || !math.IsNaN(r.Baseline) || !math.IsNaN(r.Change) || r.N != 0 {
			t.Errorf("tpot_p95, which the baseline lacks: %+v; want not measured, no baseline", r)
		}
		for _, row := range res.Rows {
			if row.Metric == "tpot_p50" {
				t.Errorf("row for tpot_p50, which the baseline lacks and no limit gates: %+v", row)
			}
		}
	}
}

// TestHistoryLeavesOutAnOutlier: a regressed run that got into the history
// (TTFT p95 58.5 ms, +17 %, beside five at 50 ± 0.1) made the next one like
// it read as noise: all six give 51.42 ± 9.64 ms, which holds 58.5. Left out
// by its modified z-score (0.6745 · 8.475 / 0.075 = 76; the six's median
// is 50.025, their MAD 0.075), the other five give mean 50, s = √0.00625,
// 50 ± 2.776445 · s · √1.2 = [49.76, 50.24], and 58.5 is a regression of
// +16.9 % [(58.5 − 50.24)/50.025, (58.5 − 49.76)/50.025] against the six's
// median. The left-out value is in the row and, for a gated metric, in a
// warning (TTFT p50, not gated, is in its row only).
func TestHistoryLeavesOutAnOutlier(t *testing.T) {
	res := againstHistory(t, 58.5, 50, 50.1, 49.9, 50.05, 49.95, 58.5)
	r := find(t, res, 8, "ttft_p95")
	half := 2.7764451051977987 * math.Sqrt(0.00625) * math.Sqrt(1.2)
	lo, hi := (r.Candidate-(50+half))/50.025, (r.Candidate-(50-half))/50.025
	if r.N != 6 || !near(r.Baseline, 50.025, 1e-9) || !slices.Equal(r.Outliers, []float64{58.5}) ||
		!near(r.CILow, lo, 1e-9) || !near(r.CIHigh, hi, 1e-9) || r.Verdict != Regression {
		t.Errorf("row %+v; want 6 runs, baseline 50.025, 58.5 left out, interval [%g, %g], regression", r, lo, hi)
	}
	w := strings.Join(res.Warnings, "\n")
	if strings.Contains(w, "TTFT p50") || !slices.Equal(find(t, res, 8, "ttft_p50").Outliers, []float64{58.5}) {
		t.Errorf("TTFT p50, not gated: warnings %q, outliers %v; want it in its row only", w, find(t, res, 8, "ttft_p50").Outliers)
	}
	for _, want := range []string{"level 8: earlier runs' values left out of the noise interval as outliers (modified z-score > 3.5 and over 1 % from the median; still in the median): ", "TTFT p95 58.50 ms (median 50.02 ms)"} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q; want %q", w, want)
		}
	}
}

// TestHistoryIntervalStaysAboveMinus100: against the same history (52 ±
// 9.94 ms), a candidate at 2 ms is an improvement whose interval's low end,
// (2 − 61.94)/52 = −115 %, no metric can reach: it is floored at −100 %;
// the high end, (2 − 42.06)/52 = −77 %, is as computed.
func TestHistoryIntervalStaysAboveMinus100(t *testing.T) {
	half := 4.302652729911275 * 2 * math.Sqrt(4.0/3)
	r := find(t, againstHistory(t, 2, 50, 54, 52), 8, "ttft_p95")
	if hi := (r.Candidate - (52 - half)) / 52; r.CILow != -1 || !near(r.CIHigh, hi, 1e-9) || r.Verdict != Improvement {
		t.Errorf("interval [%g, %g] %s; want [-1, %g] improvement", r.CILow, r.CIHigh, r.Verdict, hi)
	}
}

// TestFixedBaselineRows: one baseline summary is held fixed; the interval
// comes from the candidate's requests alone. A fixed-timing candidate
// (no noise) at 60 against 50 has the degenerate interval [+20 %, +20 %].
func TestFixedBaselineRows(t *testing.T) {
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, 60, 0, 0
	cand := load(t, c)
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: []*report.Summary{summaryWith(50)}}, cand, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	r := find(t, res, 8, "ttft_p95")
	if r.Method != MethodFixedBaseline || !near(r.Change, 0.2, 1e-9) || !near(r.CILow, 0.2, 1e-9) || !near(r.CIHigh, 0.2, 1e-9) || r.Verdict != Regression {
		t.Errorf("row %+v; want fixed-baseline +20%% [+20%%, +20%%] regression", r)
	}
}

// TestJudge: regression needs both the threshold and significance.
func TestJudge(t *testing.T) {
	th := DefaultThresholds()
	for _, tt := range []struct {
		metric         string
		change, lo, hi float64
		want           Verdict
	}{
		{"ttft_p95", 0.15, 0.05, 0.25, Regression},               // past +10 %, significant
		{"ttft_p95", 0.15, -0.02, 0.30, WithinNoise},             // past +10 %, interval holds 0
		{"ttft_p95", 0.08, 0.05, 0.11, WithinLimit},              // significant, under +10 %
		{"ttft_p95", -0.20, -0.3, -0.1, Improvement},             // faster
		{"output_tokens_per_s", -0.06, -0.08, -0.04, Regression}, // throughput drop past −5 %
		{"output_tokens_per_s", 0.06, 0.04, 0.08, Improvement},
		{"error_rate", 0.02, 0.01, 0.03, Regression},     // +2 points
		{"error_rate", 0.005, 0.001, 0.009, WithinLimit}, // +0.5 point, real
		{"itl_p99", 5, 4, 6, NotGated},
		{"ttft_p95", math.NaN(), math.NaN(), math.NaN(), WithinNoise},
	} {
		r := Row{Metric: tt.metric, Change: tt.change, CILow: tt.lo, CIHigh: tt.hi}
		judge(&r, th)
		if r.Verdict != tt.want {
			t.Errorf("judge(%s %+g [%g, %g]) = %s; want %s", tt.metric, tt.change, tt.lo, tt.hi, r.Verdict, tt.want)
		}
	}
}

// TestLoadThresholds: the file overrides the defaults; problems carry
// file:line:col.
func TestLoadThresholds(t *testing.T) {
	th, err := LoadThresholds("t.yaml", []byte("alpha: 0.01\nmetrics:\n  ttft_p95: 20%\n  itl_p99: +25%\n  output_tokens_per_s: -3%\n  error_rate: 0.5pt\n  e2e_p95: off\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"ttft_p95": 0.20, "itl_p99": 0.25, "output_tokens_per_s": 0.03, "error_rate": 0.005, "tpot_p95": 0.10,
		"ttft_later_p50": 0.10, "ttft_later_p90": 0.10}
	if th.Alpha != 0.01 || len(th.Limits) != len(want) {
		t.Errorf("thresholds %+v; want alpha 0.01 and %v", th, want)
	}
	for k, v := range want {
		if !near(th.Limits[k], v, 1e-12) {
			t.Errorf("limit %s = %g; want %g", k, th.Limits[k], v)
		}
	}
	for _, tt := range []struct{ yaml, want string }{
		{"metrics:\n  ttft_p42: 10%\n", "t.yaml:2:3: metrics.ttft_p42: unknown metric"},
		{"metrics:\n  ttft_p95: -10%\n", "t.yaml:2:13: metrics.ttft_p95: ttft_p95 regresses when it grows: write +10%"},
		{"metrics:\n  error_rate: 1%\n", "t.yaml:2:15: metrics.error_rate: want percentage points"},
		{"metrics:\n  tpot_p95: fast\n", "t.yaml:2:13: metrics.tpot_p95: want a percentage such as 10%"},
		{"metrics:\n  tpot_p95: 1e15%\n", "t.yaml:2:13: metrics.tpot_p95: want at most 1000%, got \"1e15%\" (to gate nothing on this metric, write off)"},
		{"metrics:\n  tpot_p95: 0%\n", "t.yaml:2:13: metrics.tpot_p95: want a positive number, got \"0%\""},
		{"alpha: 2\n", "t.yaml:1:8: alpha: want a number in (0, 0.5)"},
		{"limits: {}\n", "t.yaml:1:1: limits: unknown key"},
		{"metrics: [1]\n", "t.yaml:1:10: metrics: want a mapping"},
	} {
		_, err := LoadThresholds("t.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadThresholds(%q) = %v; want %q", tt.yaml, err, tt.want)
		}
	}
	// Every problem is reported, not only the first.
	_, err = LoadThresholds("t.yaml", []byte("metrics:\n  a: 1%\n  b: 2%\n"))
	if err == nil || strings.Count(err.Error(), "unknown metric") != 2 {
		t.Errorf("two unknown metrics: %v", err)
	}
	// A repeated key is refused (by the parser), at the top and in metrics,
	// in one line that locates the second one.
	for y, at := range map[string]string{"alpha: 0.1\nalpha: 0.2\n": "t.yaml:2:1: ", "metrics:\n  tpot_p95: 1%\n  tpot_p95: 2%\n": "t.yaml:3:3: "} {
		_, err := LoadThresholds("t.yaml", []byte(y))
		if err == nil || !strings.Contains(err.Error(), "is written twice in one mapping") || !strings.HasPrefix(err.Error(), at) || strings.Contains(err.Error(), "\n") {
			t.Errorf("LoadThresholds(%q) = %q; want one line %q… saying the key is repeated", y, err, at)
		}
	}
}

// TestJUnitSchema checks the JUnit XML against the required elements and
// attributes of the schema common CI systems read (Jenkins' junit plugin
// XSD, also GitLab's and GitHub reporters'): testsuites(name, tests,
// failures, errors, time) > testsuite(name, tests, failures, errors, time)
// > testcase(classname, name, time) > failure(message, type); and the
// counts add up.
func TestJUnitSchema(t *testing.T) {
	slow := base()
	slow.seed, slow.ttftMS = 2, 65
	res, err := Compare(RunBaseline(load(t, base())), load(t, slow), Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, res); err != nil {
		t.Fatal(err)
	}
	type node struct {
		XMLName xml.Name
		Attrs   []xml.Attr `xml:",any,attr"`
		Nodes   []node     `xml:",any"`
		Text    string     `xml:",chardata"`
	}
	var root node
	if err := xml.Unmarshal(buf.Bytes(), &root); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	attr := func(n node, name string) (string, bool) {
		for _, a := range n.Attrs {
			if a.Name.Local == name {
				return a.Value, true
			}
		}
		return "", false
	}
	require := func(n node, names ...string) {
		for _, name := range names {
			if _, ok := attr(n, name); !ok {
				t.Errorf("<%s> lacks required attribute %s", n.XMLName.Local, name)
			}
		}
	}
	count := func(n node, name string) int {
		v, _ := attr(n, name)
		var c int
		fmt.Sscan(v, &c)
		return c
	}
	if root.XMLName.Local != "testsuites" {
		t.Fatalf("root is <%s>; want <testsuites>", root.XMLName.Local)
	}
	require(root, "name", "tests", "failures", "errors", "time")
	var cases, failures int
	for _, s := range root.Nodes {
		if s.XMLName.Local != "testsuite" {
			t.Errorf("<testsuites> holds <%s>", s.XMLName.Local)
			continue
		}
		require(s, "name", "tests", "failures", "errors", "time")
		var sc, sf int
		for _, c := range s.Nodes {
			switch c.XMLName.Local {
			case "properties":
				continue
			case "testcase":
			default:
				t.Errorf("<testsuite> holds <%s>", c.XMLName.Local)
				continue
			}
			require(c, "classname", "name", "time")
			sc++
			for _, f := range c.Nodes {
				switch f.XMLName.Local {
				case "failure":
					require(f, "message", "type")
					sf++
				case "system-out":
				default:
					t.Errorf("<testcase> holds <%s>", f.XMLName.Local)
				}
			}
		}
		if count(s, "tests") != sc || count(s, "failures") != sf {
			t.Errorf("suite %v: tests=%d failures=%d attributes; counted %d, %d", s.Attrs, count(s, "tests"), count(s, "failures"), sc, sf)
		}
		cases += sc
		failures += sf
	}
	if count(root, "tests") != cases || count(root, "failures") != failures || cases != len(res.Rows) || failures != len(res.Regressions()) || failures == 0 {
		t.Errorf("totals tests=%d failures=%d; counted %d cases (%d rows), %d failures (%d regressions)",
			count(root, "tests"), count(root, "failures"), cases, len(res.Rows), failures, len(res.Regressions()))
	}
}

// TestRenderers: text, Markdown and JSON carry the verdict and the rows.
func TestRenderers(t *testing.T) {
	slow := base()
	slow.seed, slow.ttftMS = 2, 65
	res, err := Compare(RunBaseline(load(t, base())), load(t, slow), Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	var text, md, js bytes.Buffer
	if err := WriteText(&text, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "verdict: REGRESSION") || !strings.Contains(text.String(), "TTFT p95 (ms)") {
		t.Errorf("text:\n%s", text.String())
	}
	if !strings.HasPrefix(md.String(), "### inferbench compare: **") || !strings.Contains(md.String(), "| TTFT p95 (ms) |") {
		t.Errorf("markdown:\n%s", md.String())
	}
	var back struct {
		Regression bool
		Rows       []map[string]any
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || !back.Regression || len(back.Rows) != len(res.Rows) {
		t.Errorf("json: %v, %+v", err, back.Regression)
	}
}

// BenchmarkCompare: two runs of two levels × 200 requests (8 tokens each),
// the default 2,000 resamples.
func BenchmarkCompare(b *testing.B) {
	dir := b.TempDir()
	s := base()
	s.write(b, filepath.Join(dir, "a"))
	s.seed = 2
	s.write(b, filepath.Join(dir, "b"))
	ra, err := LoadRun(filepath.Join(dir, "a"), report.SLO{})
	if err != nil {
		b.Fatal(err)
	}
	rb, err := LoadRun(filepath.Join(dir, "b"), report.SLO{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Compare(RunBaseline(ra), rb, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCheckWarnsOfOtherGPUs: compare A B between runs on other GPUs,
// stated (run --gpu) or measured, said nothing; it warns (a qualification
// compares GPUs on purpose: no refusal). A stated GPU and telemetry's name
// of it are the same GPU.
func TestCheckWarnsOfOtherGPUs(t *testing.T) {
	h100 := json.RawMessage(`[{"index":0,"name":"NVIDIA H100 80GB HBM3"}]`)
	for _, tc := range []struct {
		base, cand rundir.Manifest
		want       string
	}{
		{rundir.Manifest{GPUStated: "a100-80gb"}, rundir.Manifest{GPUStated: "h100-sxm"}, `GPU differs: baseline "a100-80gb ×1 (stated)", candidate "h100-sxm ×1 (stated)"`},
		{rundir.Manifest{GPUStated: "a100-80gb"}, rundir.Manifest{GPUs: h100}, `GPU differs: baseline "a100-80gb ×1 (stated)", candidate "NVIDIA H100 80GB HBM3 ×1"`},
		{rundir.Manifest{GPUStated: "h100-sxmx2"}, rundir.Manifest{GPUs: h100}, `GPU differs: baseline "h100-sxm ×2 (stated)", candidate "NVIDIA H100 80GB HBM3 ×1"`},
		{rundir.Manifest{GPUStated: "h100-sxm"}, rundir.Manifest{GPUs: h100}, ""},
		{rundir.Manifest{GPUStated: "h100-sxm"}, rundir.Manifest{GPUStated: "h100-sxm"}, ""},
		{rundir.Manifest{}, rundir.Manifest{GPUStated: "h100-sxm"}, ""}, // one side unknown: nothing to say
	} {
		tc.base.Target.Model, tc.cand.Target.Model = "m", "m"
		reasons, warnings := Check(MetaOf(&tc.base), MetaOf(&tc.cand))
		var got string
		if len(warnings) > 0 {
			got = strings.Join(warnings, "; ")
		}
		if len(reasons) > 0 || got != tc.want {
			t.Errorf("Check(%s%s, %s%s) = %q, %q; want no reason and warning %q", tc.base.GPUStated, tc.base.GPUs, tc.cand.GPUStated, tc.cand.GPUs, reasons, got, tc.want)
		}
	}
}
