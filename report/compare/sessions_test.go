package compare

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

	"github.com/inferbench/inferbench/rundir"
)

// sessionRun describes a synthetic run of multi-turn sessions: per level,
// sessions of turns turns each, interleaved as concurrent users send them
// (session j's turn k is sent after every session's turn k−1), the first
// warmup requests of the level a warm-up, with TTFT ttft(session, turn)
// in ms (turns from 1), 8 output tokens in chunks of 1 or 2, and every
// failEvery-th request failed. Every retryEvery-th request had an attempt
// before it that failed and was sent again (Retried).
type sessionRun struct {
	seed                  uint64
	levels                []float64
	sessions, turns       int
	warmup                int
	failEvery, retryEvery int
	ttft                  func(rng *rand.Rand, session, turn int) float64
}

// write writes the run directory.
func (s sessionRun) write(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]any{"name": "chat-sessions", "workload": map[string]any{"turns": s.turns}, "load": map[string]any{"concurrency": s.sessions}})
	m := &rundir.Manifest{Tool: "inferbench", Version: "v1", Host: rundir.Host{Name: "h"},
		Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}, Scenario: raw, Start: time.Unix(1e9, 0).UTC(),
		ExitState: rundir.ExitComplete}
	m.Load.Seed = int64(s.seed)
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(s.seed, 2))
	var b bytes.Buffer
	put := func(rec rundir.Record) {
		line, _ := json.Marshal(rec)
		b.Write(append(line, '\n'))
	}
	id, t0 := uint64(0), int64(0)
	for li, lv := range s.levels {
		n := 0
		for k := 1; k <= s.turns; k++ {
			for j := range s.sessions {
				sent := t0 + int64(n)*20e6
				rec := rundir.Record{ID: id, Level: lv, Stage: rundir.StageMeasure, SentNS: sent, ScheduledNS: sent,
					Session: uint64(li*s.sessions + j + 1), Turn: k, InputTokens: 100 * k, RequestedInputTokens: 100 * k}
				if n < s.warmup {
					rec.Stage = rundir.StageWarmup
				}
				if s.retryEvery > 0 && n%s.retryEvery == s.retryEvery-1 {
					try := rec
					try.SentNS, try.ScheduledNS = sent-10e6, sent-10e6
					try.Retried, try.EndNS, try.DoneNS = true, sent-9e6, sent-9e6
					try.ErrorClass, try.Error, try.Status = rundir.HTTP5xx, "boom", 503
					put(try)
					rec.Attempt = 1
				}
				ttft := s.ttft(rng, j, k)
				if s.failEvery > 0 && n%s.failEvery == s.failEvery-1 {
					rec.DoneNS, rec.EndNS = sent+5e6, sent+5e6
					rec.ErrorClass, rec.Error, rec.Status = rundir.HTTP5xx, "boom", 503
				} else {
					first := sent + int64(math.Round(ttft*1e6))
					at, tok := first, 0
					for tok < 8 {
						c := int64(1)
						if tok > 0 {
							c = int64(1 + rng.IntN(2))
							at += int64((9 + 2*rng.Float64()) * float64(c) * 1e6)
						}
						rec.Chunks = append(rec.Chunks, [2]int64{at, c})
						tok += int(c)
					}
					rec.FirstByteNS, rec.FirstTokenNS, rec.EndNS, rec.DoneNS = first, first, at, at+1e6
					rec.OutputTokens, rec.OK, rec.Status = tok, true, 200
				}
				put(rec)
				id++
				n++
			}
		}
		t0 += int64(n)*20e6 + 5e9
	}
	if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// load writes s under a temporary directory and loads it as compare's
// candidate is.
func (s sessionRun) load(t testing.TB) *Run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("sessions-%d", s.seed))
	s.write(t, dir)
	r, err := loadCandidate(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// noisy is a TTFT of turn 1 around first ms and of later turns around later
// ms, each ±spread of itself (uniform).
func noisy(first, later, spread float64) func(*rand.Rand, int, int) float64 {
	return func(rng *rand.Rand, _, turn int) float64 {
		v := later
		if turn == 1 {
			v = first
		}
		return v * (1 + spread*(2*rng.Float64()-1))
	}
}

// pointEstimatesMatch checks every metric of r's samples against its
// summary's value at each level (TestPointEstimatesMatchSummary): checked
// counts the values compared, none the turns' TTFT metrics neither has (a
// level without sessions), every other metric missing from one side an
// error.
func pointEstimatesMatch(t *testing.T, r *Run) (checked, none int) {
	t.Helper()
	for i := range r.Summary.Levels {
		l := &r.Summary.Levels[i]
		st := newSideStats(Metrics())
		r.levels[l.Level].stats(nil, st)
		for _, m := range Metrics() {
			want, ok := m.Value(l)
			got := st.value(m)
			if !ok {
				if turnIndex(m.field) >= 0 && math.IsNaN(got) {
					none++
					continue
				}
				t.Errorf("level %g %s: no summary value; the requests' %g", l.Level, m.Name, got)
				continue
			}
			if !near(got, want, 1e-9*math.Max(1, math.Abs(want))) {
				t.Errorf("level %g %s = %.12g; summary says %.12g", l.Level, m.Name, got, want)
			}
			checked++
		}
	}
	return checked, none
}

// TestPointEstimatesMatchSummaryWithSessions: on a run of sessions, with
// warm-up turns (whose TTFT the summary leaves out), failed turns and
// retried attempts, the turns' TTFT metrics are the summary's
// FirstTurnTTFTMS and LaterTurnsTTFTMS, as every other metric is its own
// (one definition).
func TestPointEstimatesMatchSummaryWithSessions(t *testing.T) {
	r := sessionRun{seed: 3, levels: []float64{4, 16}, sessions: 37, turns: 4, warmup: 10, failEvery: 11, retryEvery: 13,
		ttft: noisy(300, 60, 0.3)}.load(t)
	for _, l := range r.Summary.Levels {
		if l.Sessions == nil || l.Sessions.FirstTurnTTFTMS.N == 0 || l.Sessions.LaterTurnsTTFTMS.N == 0 {
			t.Fatalf("level %g: sessions %+v; want turn 1 and later turns", l.Level, l.Sessions)
		}
	}
	checked, none := pointEstimatesMatch(t, r)
	if want := 2 * len(Metrics()); checked != want || none != 0 {
		t.Errorf("checked %d values, %d none; want %d and 0", checked, none, want)
	}
	if s := r.Summary.Levels[0].Sessions; s.FirstTurnTTFTMS.N != 37-10-3 || s.LaterTurnsTTFTMS.N != 3*37-10 {
		t.Errorf("fixture: %d turn-1 TTFTs, %d later; want 24 (37 less 10 warm-ups, 3 failed) and 101", s.FirstTurnTTFTMS.N, s.LaterTurnsTTFTMS.N)
	}
}

// rowOf returns res's row of metric name at level lv.
func rowOf(t *testing.T, res *Result, lv float64, name string) Row {
	t.Helper()
	i := slices.IndexFunc(res.Rows, func(r Row) bool { return r.Level == lv && r.Metric == name })
	if i < 0 {
		t.Fatalf("no row %s at level %g", name, lv)
	}
	return res.Rows[i]
}

// TestLaterTurnsRegressionIsGated: a server whose prefix cache stopped
// answering: later turns' TTFT 30 % higher in the candidate, turn 1's as it
// was. Turn 1's TTFT (uncached, 5× a later turn's) is the tail of the whole
// level's, so the gated ttft_p95 does not move past noise, nor does turn
// 1's; the default gate fails on ttft_later_p50 and ttft_later_p90, and
// passed without them (verdict: no regression).
func TestLaterTurnsRegressionIsGated(t *testing.T) {
	run := sessionRun{seed: 1, levels: []float64{16}, sessions: 100, turns: 4, warmup: 16, failEvery: 97, ttft: noisy(400, 80, 0.25)}
	b := run.load(t)
	run.seed, run.ttft = 2, noisy(400, 104, 0.25)
	c := run.load(t)
	res, err := Compare(RunBaseline(b), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var regs []string
	for _, r := range res.Regressions() {
		regs = append(regs, r.Metric)
	}
	if !slices.Equal(regs, []string{"ttft_later_p50", "ttft_later_p90"}) {
		t.Errorf("regressions %v; want ttft_later_p50 and ttft_later_p90", regs)
	}
	for _, name := range []string{"ttft_p50", "ttft_p90", "ttft_p95", "ttft_p99", "ttft_turn1_p50", "ttft_turn1_p90", "ttft_turn1_p95", "ttft_turn1_p99",
		"ttft_later_p50", "ttft_later_p90", "ttft_later_p95", "ttft_later_p99"} {
		r := rowOf(t, res, 16, name)
		t.Logf("%-15s %8.2f → %8.2f ms  %+6.1f%% [%+6.1f%%, %+6.1f%%]  %s", name, r.Baseline, r.Candidate, 100*r.Change, 100*r.CILow, 100*r.CIHigh, r.Verdict)
	}
	for _, name := range []string{"ttft_later_p50", "ttft_later_p90"} {
		r := rowOf(t, res, 16, name)
		if r.Verdict != Regression || !(r.CILow > 0.2 && r.CIHigh < 0.4) {
			t.Errorf("%s: %s %+.3f [%+.3f, %+.3f]; want a regression, its interval around +30%%", name, r.Verdict, r.Change, r.CILow, r.CIHigh)
		}
	}
	for _, name := range []string{"ttft_p95", "ttft_turn1_p50", "ttft_turn1_p90", "ttft_turn1_p95", "ttft_turn1_p99"} {
		r := rowOf(t, res, 16, name)
		if r.Verdict == Regression || math.Abs(r.Change) > 0.05 {
			t.Errorf("%s: %s %+.3f [%+.3f, %+.3f]; want no regression, a change within 5 %%", name, r.Verdict, r.Change, r.CILow, r.CIHigh)
		}
	}
	// The gate before the turns' metrics: the defaults less them.
	old := DefaultThresholds()
	delete(old.Limits, "ttft_later_p50")
	delete(old.Limits, "ttft_later_p90")
	res, err = Compare(RunBaseline(b), c, Options{Thresholds: old})
	if err != nil {
		t.Fatal(err)
	}
	if regs := res.Regressions(); len(regs) != 0 {
		t.Errorf("without the turns' limits: regressions %v; want none (the overall TTFT hides it)", regs)
	}
}

// TestLaterTurnsByHand: two runs that sent the same requests (resampled in
// pairs), 4 sessions of 2 turns, turn 1's TTFTs 100, 200, 300, 400 ms and
// later turns' 10, 20, 30, 40 ms, the candidate's later turns 13, 26, 39,
// 52. By hand (type 7): turn 1 p50 = 200 + 0.5·100 = 250, p90 = 300 +
// 0.7·100 = 370 on both sides; later p50 = 20 + 0.5·10 = 25 → 32.5, p90 =
// 30 + 0.7·10 = 37 → 48.1, +30 % exactly; the level's TTFT p50 over all 8,
// 40 + 0.5·60 = 70 → 52 + 0.5·48 = 76, +8.57 %. Every paired resample
// scales the later turns by 1.3 and leaves turn 1 alone: the later turns'
// intervals are [+30 %, +30 %] (a regression of the gated p50 and p90),
// turn 1's [0, 0] (within noise).
func TestLaterTurnsByHand(t *testing.T) {
	ttft := func(scale float64) func(*rand.Rand, int, int) float64 {
		return func(_ *rand.Rand, session, turn int) float64 {
			if turn == 1 {
				return float64(100 * (session + 1))
			}
			return scale * float64(10*(session+1))
		}
	}
	run := sessionRun{seed: 5, levels: []float64{4}, sessions: 4, turns: 2, ttft: ttft(1)}
	b := run.load(t)
	run.ttft = ttft(1.3)
	c := run.load(t)
	res, err := Compare(RunBaseline(b), c, Options{Resamples: 400})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		base, cand float64
		change     float64
		verdict    Verdict
	}{
		{"ttft_p50", 70, 76, 6.0 / 70, NotGated},
		{"ttft_turn1_p50", 250, 250, 0, NotGated},
		{"ttft_turn1_p90", 370, 370, 0, NotGated},
		{"ttft_later_p50", 25, 32.5, 0.3, Regression},
		{"ttft_later_p90", 37, 48.1, 0.3, Regression},
	} {
		r := rowOf(t, res, 4, tt.name)
		if !near(r.Baseline, tt.base, 1e-9) || !near(r.Candidate, tt.cand, 1e-9) || !near(r.Change, tt.change, 1e-9) || r.Verdict != tt.verdict || r.Method != MethodPaired {
			t.Errorf("%s: %g → %g, %+g, %s (%s); want %g → %g, %+g, %s (%s)", tt.name, r.Baseline, r.Candidate, r.Change, r.Verdict, r.Method,
				tt.base, tt.cand, tt.change, tt.verdict, MethodPaired)
		}
		if tt.name != "ttft_p50" && (!near(r.CILow, tt.change, 1e-9) || !near(r.CIHigh, tt.change, 1e-9)) {
			t.Errorf("%s: interval [%g, %g]; want [%g, %g]", tt.name, r.CILow, r.CIHigh, tt.change, tt.change)
		}
	}
	var text bytes.Buffer
	if err := WriteText(&text, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  TTFT later turns p50 (ms)  25.00     32.50      +30.0%",
		"limits: e2e_p95 +10%, error_rate +1pt, output_tokens_per_s -5%, tpot_p95 +10%, ttft_later_p50 +10%, ttft_later_p90 +10%, ttft_p95 +10%",
		"verdict: REGRESSION in 2 metrics: TTFT later turns p50 at level 4, TTFT later turns p90 at level 4",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
}

// TestTurnsOnOneSide: where one run has sessions and the other none, the
// turns' TTFT is not compared (no row, its limits not listed as applied),
// and the gated ones are named in a warning about the level; runs without
// sessions have no such row, warning or limit.
func TestTurnsOnOneSide(t *testing.T) {
	s := sessionRun{seed: 1, levels: []float64{2, 8}, sessions: 50, turns: 4, failEvery: 25, ttft: noisy(50, 50, 0.2)}.load(t)
	s.Meta.Scenario, s.Meta.Settings = "nightly", nil
	plain := load(t, base())
	for _, tt := range []struct {
		name string
		b, c *Run
		warn string
	}{
		{"sessions in the candidate only", plain, s, "the candidate has requests of such turns, the baseline none"},
		{"sessions in the baseline only", s, plain, "the baseline has requests of such turns, the candidate none"},
		{"no sessions", plain, load(t, base()), ""},
	} {
		res, err := Compare(RunBaseline(tt.b), tt.c, Options{Resamples: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Rows {
			if strings.HasPrefix(r.Metric, "ttft_turn1") || strings.HasPrefix(r.Metric, "ttft_later") {
				t.Errorf("%s: row %s at level %g", tt.name, r.Metric, r.Level)
			}
		}
		if _, ok := res.Thresholds["ttft_later_p50"]; ok || len(res.Thresholds) != 5 {
			t.Errorf("%s: thresholds applied %v; want the 5 of a run without sessions", tt.name, res.Thresholds)
		}
		var warned []string
		for _, w := range res.Warnings {
			if strings.Contains(w, "multi-turn") {
				warned = append(warned, w)
			}
		}
		if tt.warn == "" {
			if len(warned) != 0 {
				t.Errorf("%s: warnings %q; want none of turns", tt.name, warned)
			}
			continue
		}
		want := "level 2: not compared, as only one side has multi-turn sessions' turns of the kind: TTFT later turns (ttft_later_p50, ttft_later_p90 gated): " + tt.warn
		if len(warned) != 2 || warned[0] != want || !strings.HasPrefix(warned[1], "level 8: ") {
			t.Errorf("%s: warnings %q; want 2, the first\n%s", tt.name, warned, want)
		}
	}
}

// TestTurnsAgainstSummaries: a history baseline (one run's summary held
// fixed, or three runs' prediction interval) compares the turns' TTFT by
// the summaries' FirstTurnTTFTMS and LaterTurnsTTFTMS.
func TestTurnsAgainstSummaries(t *testing.T) {
	run := sessionRun{seed: 1, levels: []float64{16}, sessions: 60, turns: 4, ttft: noisy(400, 80, 0.25)}
	var sums []*Run
	for seed := range uint64(3) {
		run.seed = 10 + seed
		sums = append(sums, run.load(t))
	}
	run.seed, run.ttft = 20, noisy(400, 104, 0.25)
	c := run.load(t)
	for _, tt := range []struct {
		runs   int
		method string
	}{{1, MethodFixedBaseline}, {3, MethodHistory}} {
		bl := Baseline{Label: "history", Meta: sums[0].Meta}
		for _, r := range sums[:tt.runs] {
			bl.Summaries = append(bl.Summaries, r.Summary)
		}
		res, err := Compare(bl, c, Options{Resamples: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ttft_turn1_p50", "ttft_later_p50", "ttft_later_p90"} {
			r := rowOf(t, res, 16, name)
			want := "within noise"
			if strings.HasPrefix(name, "ttft_later") {
				want = string(Regression)
			}
			if r.Method != tt.method || (want == string(Regression)) != (r.Verdict == Regression) {
				t.Errorf("%d runs: %s %s %+.3f [%+.3f, %+.3f] (%s); want %s", tt.runs, name, r.Verdict, r.Change, r.CILow, r.CIHigh, r.Method, tt.method)
			}
		}
		if b := rowOf(t, res, 16, "ttft_later_p50").Baseline; tt.runs == 1 && b != sums[0].Summary.Levels[0].Sessions.LaterTurnsTTFTMS.P50 {
			t.Errorf("baseline %g; want the summary's later turns' p50 %g", b, sums[0].Summary.Levels[0].Sessions.LaterTurnsTTFTMS.P50)
		}
	}
}

// TestTurnsThresholdNames: a thresholds file and a scenario's gate take the
// turns' TTFT metrics by name, and a name written wrong is refused with
// the one it is near.
func TestTurnsThresholdNames(t *testing.T) {
	th, err := LoadThresholds("t.yaml", []byte("metrics:\n  ttft_turn1_p95: 15%\n  ttft_later_p90: off\n  ttft_later_p99: 40%\n"))
	if err != nil {
		t.Fatal(err)
	}
	if th.Limits["ttft_turn1_p95"] != 0.15 || th.Limits["ttft_later_p99"] != 0.40 || th.Limits["ttft_later_p50"] != 0.10 {
		t.Errorf("limits %v", th.Limits)
	}
	if _, ok := th.Limits["ttft_later_p90"]; ok {
		t.Errorf("ttft_later_p90: off still gated: %v", th.Limits)
	}
	for name, near := range map[string]string{"ttft_later_p59": "ttft_later_p50", "ttft_turn_p95": "ttft_turn1_p95", "tft_later_p90": "ttft_later_p90"} {
		err := CheckLimit(name, "10%")
		if err == nil || !strings.HasPrefix(err.Error(), "unknown metric, did you mean "+near+"?") {
			t.Errorf("CheckLimit(%s) = %v; want did you mean %s", name, err, near)
		}
	}
	if m, ok := PercentileMetric("ttft_later", 99.9); !ok || m.Name != "ttft_later_p99.9" || m.Title != "TTFT later turns p99.9" {
		t.Errorf("PercentileMetric(ttft_later, 99.9) = %+v, %v", m, ok)
	}
}
