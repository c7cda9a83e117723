package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// writeJSONL writes samples as dir/name, one JSON object a line.
func writeJSONL[S any](t *testing.T, dir, name string, samples []S) {
	t.Helper()
	var b bytes.Buffer
	for _, s := range samples {
		line, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The synthetic runs of base() run level 2 from 0 to about 6.1 s and level
// 8 from 7 s to about 13.1 s (synthRun.write: 200 sends 30 ms apart, 1 s
// between levels).

// clientBusyAt8 is a client.jsonl whose Go scheduler latency p99 is 12 ms
// (past report.ClientSchedBoundMS, 5 ms) from 6.9 s on, 0.5 ms before: the
// load generator near its limit at level 8 only.
func clientBusyAt8() []rundir.ClientSample {
	var out []rundir.ClientSample
	for tns := int64(5e8); tns <= 14e9; tns += 5e8 {
		s := rundir.ClientSample{TNS: tns, CPUSeconds: float64(tns) / 1e9 * 0.2, Cores: 2, SchedLatencyP99MS: 0.5}
		if tns >= 69e8 {
			s.SchedLatencyP99MS = 12
		}
		out = append(out, s)
	}
	return out
}

// mockBehindAt8 is a server.jsonl whose mock counter stays at 1.0 s over
// level 2 and grows 1.0 → 1.58 s between scrapes at 7.1 and 12.9 s: 0.58 s
// of 5.8 s, 10 % of level 8, past report.SimBehindBound (2 %).
func mockBehindAt8() []rundir.ServerSample {
	f := func(v float64) *float64 { return &v }
	return []rundir.ServerSample{
		{TNS: 1e8, Engine: "vllm", SimBehindSecondsTotal: f(1.0)},
		{TNS: 59e8, Engine: "vllm", SimBehindSecondsTotal: f(1.0)},
		{TNS: 71e8, Engine: "vllm", SimBehindSecondsTotal: f(1.0)},
		{TNS: 129e8, Engine: "vllm", SimBehindSecondsTotal: f(1.58)},
	}
}

// The sentences report says of those levels (ClientLevel.Warning,
// SimBehind.Warning), written out here so that a change of either shows.
const (
	wantClientBound = "CLIENT-BOUND: the load generator was near its limit (Go scheduler latency p99 12.0 ms: timestamps late by as much): numbers at this level describe the client, not the server"
	wantMockBehind  = "MOCK-BEHIND: the simulated engine fell 0.58 s (10.0 %) behind its schedule: the host was too busy; its numbers read slower than the profile"
)

// gateDirs writes the baseline base() and a candidate 30 % slower in TTFT
// (a regression of TTFT and E2E p95 at both levels), the candidate with
// the telemetry files extra adds, and returns their directories.
func gateDirs(t *testing.T, ttftMS float64, extra func(dir string)) (string, string) {
	t.Helper()
	dir := t.TempDir()
	b, c := filepath.Join(dir, "base"), filepath.Join(dir, "cand")
	base().write(t, b)
	cs := base()
	cs.seed, cs.ttftMS = 2, ttftMS
	cs.write(t, c)
	// Another run, as a real one's run.json says (its start): synthRun
	// writes one run.json for every seed, and the gate refuses a copy of
	// the candidate as its baseline.
	rundirtest.EditManifest(t, c, func(m *rundir.Manifest) { m.Start = m.Start.Add(time.Hour) })
	if extra != nil {
		extra(c)
	}
	return b, c
}

// gate runs Gate on two run directories (the baseline a run directory) in
// format and returns stdout and its error.
func gate(t *testing.T, baseDir, candDir, format string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Gate(GateOptions{Baseline: baseDir, Candidate: candDir, Format: format, Resamples: 200,
		Resolve: func(b string, c *Run) (Baseline, error) {
			r, err := LoadRun(b, c.SLO)
			if err != nil {
				return Baseline{}, err
			}
			return RunBaseline(r), nil
		}}, &stdout, &stderr)
	return stdout.String(), err
}

// TestGateNamesFlaggedCandidate: a candidate whose level 8 was
// CLIENT-BOUND (client.jsonl) or MOCK-BEHIND (server.jsonl) is named so
// next to level 8's rows in the text, with report's sentence, in the
// verdict, the error the command exits 1 with, the Markdown, the JSON and
// the JUnit; level 2 is not. A candidate with neither says nothing of it.
// The gate's decision is the same in all three: the same rows regress.
func TestGateNamesFlaggedCandidate(t *testing.T) {
	var want []string // the regressions of the unflagged candidate
	for _, tt := range []struct {
		name, kind, warning string
		extra               func(dir string)
	}{
		{"neither", "", "", nil},
		{"client-bound", FlagClientBound, wantClientBound, func(dir string) { writeJSONL(t, dir, rundir.ClientFile, clientBusyAt8()) }},
		{"mock-behind", FlagMockBehind, wantMockBehind, func(dir string) { writeJSONL(t, dir, rundir.ServerFile, mockBehindAt8()) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, c := gateDirs(t, 65, tt.extra)
			text, err := gate(t, b, c, "text")
			re, ok := errors.AsType[*RegressionError](err)
			if !ok {
				t.Fatalf("Gate: %v; want a *RegressionError (exit 1)", err)
			}
			var regs []string
			for _, r := range re.Rows {
				regs = append(regs, Describe(r))
			}
			if want == nil {
				want = regs
			} else if !slices.Equal(regs, want) {
				t.Errorf("regressions %q; unflagged %q: a flag must not change the gate's decision", regs, want)
			}
			if tt.kind == "" {
				for _, word := range []string{"CLIENT-BOUND", "MOCK-BEHIND", "flagged levels", "; flagged level"} {
					if strings.Contains(text, word) || strings.Contains(err.Error(), word) {
						t.Errorf("no flag, but %q said:\n%s\n%v", word, text, err)
					}
				}
				md, _ := gate(t, b, c, "md")
				js, _ := gate(t, b, c, "json")
				if strings.Contains(md, "**Flagged levels**") || strings.Contains(js, `"flags"`) {
					t.Errorf("no flag, but the Markdown or JSON has one:\n%s\n%s", md, js)
				}
				return
			}
			line := "  level 8: candidate " + tt.warning + "\n"
			at := strings.Index(text, line)
			l8, intervals := strings.Index(text, "\nlevel 8 "), strings.Index(text, "\nintervals: ")
			if at < 0 || !(l8 < at && at < intervals) || !strings.Contains(text[l8:at], "error rate (%)") {
				t.Errorf("text lacks %q after level 8's rows:\n%s", line, text)
			}
			if strings.Count(text, tt.kind) != 3 { // the line, and the verdict's two level-8 regressions
				t.Errorf("text names %s %d times; want 3 (level 8 only):\n%s", tt.kind, strings.Count(text, tt.kind), text)
			}
			if !strings.Contains(text, "TTFT p95 at level 8 (candidate "+tt.kind+")") || !strings.Contains(text, "TTFT p95 at level 2, ") ||
				!strings.Contains(text, "\nflagged levels: "+FlagNote+"\nverdict: REGRESSION") {
				t.Errorf("verdict does not name the flag at level 8 alone, or the note is missing:\n%s", text)
			}
			if msg := err.Error(); !strings.Contains(msg, "; flagged level 8: candidate "+tt.kind+": the change may be") {
				t.Errorf("error (stderr): %s; want it to say level 8 was flagged", msg)
			}

			md, _ := gate(t, b, c, "md")
			if !strings.Contains(md, "- level 8: candidate "+tt.kind) || !strings.Contains(md, "limit +10%** (candidate "+tt.kind+")") {
				t.Errorf("markdown lacks the flag:\n%s", md)
			}
			js, _ := gate(t, b, c, "json")
			var back struct {
				Regression bool
				Flags      []LevelFlag
			}
			if err := json.Unmarshal([]byte(js), &back); err != nil || !back.Regression ||
				!slices.Equal(back.Flags, []LevelFlag{{Level: 8, Side: "candidate", Kind: tt.kind, Warning: tt.warning}}) {
				t.Errorf("json: %v, regression %v, flags %+v", err, back.Regression, back.Flags)
			}
			cand, err := loadCandidate(c)
			if err != nil {
				t.Fatal(err)
			}
			base, err := loadCandidate(b)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Compare(RunBaseline(base), cand, Options{Resamples: 200})
			if err != nil {
				t.Fatal(err)
			}
			var junit bytes.Buffer
			if err := WriteJUnit(&junit, res); err != nil {
				t.Fatal(err)
			}
			j := junit.String()
			if !strings.Contains(j, `<property name="flag" value="level 8: candidate `+tt.kind) || strings.Count(j, `name="flag"`) != 1 ||
				!strings.Contains(j, `(level flagged: candidate `+tt.kind+`)" type="regression"`) {
				t.Errorf("junit lacks the level-8 property or failure message:\n%s", j)
			}
		})
	}
}

// TestGateFlagAloneDoesNotFail: a candidate flagged at level 8 with no
// regression (same configuration, another seed) passes the gate and still
// says so: a flag is not a verdict.
func TestGateFlagAloneDoesNotFail(t *testing.T) {
	b, c := gateDirs(t, 50, func(dir string) { writeJSONL(t, dir, rundir.ClientFile, clientBusyAt8()) })
	text, err := gate(t, b, c, "text")
	if err != nil {
		t.Fatalf("Gate: %v; want no regression\n%s", err, text)
	}
	if !strings.Contains(text, "  level 8: candidate "+wantClientBound+"\n") ||
		!strings.HasSuffix(text, "flagged levels: "+FlagNote+"\nverdict: no regression\n") {
		t.Errorf("text:\n%s", text)
	}
}

// TestGateHistoryBaselineFlags: against earlier runs' summaries (the history)
// all flagged at the level (a flagged run is left out of the baseline only
// while unflagged ones remain: TestHistoryLeavesOutFlaggedRuns) the
// baseline's flag counts them (3 of 3 CLIENT-BOUND), the candidate's is
// report's sentence (MOCK-BEHIND, read from its summary), and the verdict
// is the unflagged one's (a regression at 70 against 50, 52, 54); one
// earlier run gives its own sentence.
func TestGateHistoryBaselineFlags(t *testing.T) {
	bound := func(s *report.Summary) *report.Summary {
		s.Levels[0].Client = &report.ClientLevel{Bound: true, Reasons: []string{"client CPU at 95% of its 2 cores"}}
		return s
	}
	sums := []*report.Summary{bound(summaryWith(50)), bound(summaryWith(54)), bound(summaryWith(52))}
	c := base()
	c.levels, c.n, c.ttftMS, c.noiseMS, c.failEvery = []float64{8}, 50, 70, 0, 0
	cand := load(t, c)
	res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	baseFlag := LevelFlag{Level: 8, Side: "baseline", Kind: FlagClientBound, Runs: 3, Of: 3, Warning: "CLIENT-BOUND in 3 of 3 earlier runs at this level"}
	if r := find(t, res, 8, "ttft_p95"); r.Verdict != Regression || !slices.Equal(res.Flags, []LevelFlag{baseFlag}) {
		t.Fatalf("unflagged candidate: ttft_p95 %s, flags %+v; want a regression, the baseline's flag only", r.Verdict, res.Flags)
	}
	sb := &report.SimBehind{S: 0.5, SpanS: 10, Share: 0.05, Flagged: true}
	cand.Summary.Levels[0].Server = &report.ServerLevel{SimBehind: sb}
	res, err = Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []LevelFlag{
		baseFlag,
		{Level: 8, Side: "candidate", Kind: FlagMockBehind, Warning: sb.Warning()},
	}
	if !slices.Equal(res.Flags, want) {
		t.Errorf("flags %+v; want %+v", res.Flags, want)
	}
	if r := find(t, res, 8, "ttft_p95"); r.Verdict != Regression {
		t.Errorf("ttft_p95 %s; want the regression still", r.Verdict)
	}
	var text bytes.Buffer
	if err := WriteText(&text, res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "  level 8: baseline CLIENT-BOUND in 3 of 3 earlier runs at this level\n  level 8: candidate MOCK-BEHIND: the simulated engine fell 0.50 s (5.0 %)") ||
		!strings.Contains(text.String(), "TTFT p95 at level 8 (baseline CLIENT-BOUND (3 of 3 runs), candidate MOCK-BEHIND)") {
		t.Errorf("text:\n%s", text.String())
	}
	res, err = Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums[:1]}, cand, Options{Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Flags) != 2 || res.Flags[0].Warning != sums[0].Levels[0].Client.Warning() || res.Flags[0].Of != 0 {
		t.Errorf("one earlier run: flags %+v; want its own CLIENT-BOUND sentence", res.Flags)
	}
}

// TestHistoryLeavesOutFlaggedRuns: an earlier run CLIENT-BOUND or
// MOCK-BEHIND at a level (numbers of the load generator or the host, not
// the server's) was part of the baseline like any other: two busy nights
// of three (TTFT doubled) widened TTFT p95's interval until +30 % passed
// as noise, which the outlier rule, keeping three values, could not help.
// At that level they are left out, while unflagged runs remain, and a
// warning counts them (not the outlier rule's, which judges values); the
// method follows the runs left (three or more: the prediction interval;
// fewer: the baseline fixed); another level keeps them all.
func TestHistoryLeavesOutFlaggedRuns(t *testing.T) {
	at := func(lv float64, v float64) report.Level {
		return report.Level{Level: lv, Requests: report.Requests{Total: 10, OK: 10}, TTFTMS: report.Dist{N: 10, P50: v, P90: v, P95: v, P99: v}}
	}
	run := func(v float64, busy bool) *report.Summary {
		s := &report.Summary{Levels: []report.Level{at(2, v), at(8, v)}}
		if busy {
			s.Levels[1].Client = &report.ClientLevel{Bound: true, Reasons: []string{"client CPU at 95% of its 2 cores"}}
			s.Levels[1].TTFTMS = report.Dist{N: 10, P50: 2 * v, P90: 2 * v, P95: 2 * v, P99: 2 * v}
		}
		return s
	}
	c := base()
	c.n, c.ttftMS, c.noiseMS, c.failEvery = 50, 65, 0, 0
	cand := load(t, c)
	compareWith := func(sums ...*report.Summary) *Result {
		t.Helper()
		res, err := Compare(Baseline{Label: "h", Meta: cand.Meta, Summaries: sums}, cand, Options{Resamples: 200})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := compareWith(run(50, false), run(51, true), run(49, false), run(52, true), run(50, false))
	r8 := find(t, res, 8, "ttft_p95")
	if r8.Verdict != Regression || r8.N != 3 || r8.Method != MethodHistory || r8.Baseline != 50 {
		t.Errorf("level 8, two of five earlier runs CLIENT-BOUND: %s over %d runs (%s), baseline %g; want a regression over the three unflagged, median 50", r8.Verdict, r8.N, r8.Method, r8.Baseline)
	}
	const w = "level 8: 2 of 5 earlier runs left out of the baseline: CLIENT-BOUND or MOCK-BEHIND at this level (their numbers measure the load generator or the host, not the server)"
	if !slices.Contains(res.Warnings, w) || len(res.Flags) != 0 {
		t.Errorf("warnings %q, flags %+v; want %q and no baseline flag (the flagged runs are out)", res.Warnings, res.Flags, w)
	}
	if r2 := find(t, res, 2, "ttft_p95"); r2.N != 5 {
		t.Errorf("level 2, flagged nowhere: %d runs; want all 5", r2.N)
	}
	// One unflagged run left: it is the baseline, held fixed.
	res = compareWith(run(50, false), run(51, true), run(52, true))
	if r8 := find(t, res, 8, "ttft_p95"); r8.N != 1 || r8.Method != MethodFixedBaseline || r8.Verdict != Regression {
		t.Errorf("one unflagged run of three: %s over %d runs (%s); want a regression against it, fixed", r8.Verdict, r8.N, r8.Method)
	}
}
