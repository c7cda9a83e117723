package history

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// ageSummary rewrites entry id's stored summary as an inferbench of before
// 2026-12-03 stored it: its rates over the whole window (no steady state,
// no window_* fields), its output tokens/s scale times today's. A closed
// loop of 4 on the mock (0b68f40's run, reported by today's binary) read
// 297.3 output tok/s then and 326.8 now: scale 0.91.
func ageSummary(t *testing.T, s *Store, id int64, scale float64) {
	t.Helper()
	e, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(e.Summary)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, l := range m["levels"].([]any) {
		l := l.(map[string]any)
		delete(l, "steady")
		delete(l, "window_output_tokens_per_s")
		delete(l, "window_requests_per_s")
		l["output_tokens_per_s"] = l["output_tokens_per_s"].(float64) * scale
	}
	raw, _ = json.Marshal(m)
	if _, err := s.db.ExecContext(t.Context(), s.d.bind(`UPDATE runs SET summary = ? WHERE id = ?`), string(raw), id); err != nil {
		t.Fatal(err)
	}
}

// TestBaselineRecomputesStoredSummaries: a history outlives the binary that
// filled it. A median-of-3 baseline used the summaries as stored, computed
// by the definitions of the inferbench that added them: runs added before
// the steady state (2026-12-03) kept their rates over the whole window,
// 9 % under tonight's closed loop at 4 and 7–10 % under an open loop at
// 16 req/s (whose fill changed on 2026-12-05), so a 9 % drop of tonight's
// server read as no change, and nothing said so. A run whose directory is
// still there, unchanged, is summarized again by today's definitions (and
// the candidate's SLO, as a baseline of one run already was); one whose
// directory is gone is used as stored, and a stored summary of window
// rates gives no rate to the baseline, said in a warning.
func TestBaselineRecomputesStoredSummaries(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	var dirs []string
	for day := 1; day <= 3; day++ {
		dir := dayRun(t, root, "night"+string(rune('0'+day)), day, nil)
		addRun(t, s, dir)
		dirs = append(dirs, dir)
		ageSummary(t, s, int64(day), 0.91)
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Summaries) != 3 {
		t.Fatalf("baseline %q over %d summaries; want 3", b.Label, len(b.Summaries))
	}
	for i, sum := range b.Summaries {
		fresh, _, err := report.SummarizeRun(dirs[2-i], cand.SLO)
		if err != nil {
			t.Fatal(err)
		}
		got, want := sum.Levels[0].OutputTokensPerS, fresh.Levels[0].OutputTokensPerS
		if got != want {
			t.Errorf("baseline run %s: output tok/s %g; want %g, its records summarized by today's definitions (as stored: %g)", dirs[2-i], got, want, want*0.91)
		}
	}

	// Night 1's directory is gone: its window rates cannot be made steady.
	if err := os.RemoveAll(dirs[0]); err != nil {
		t.Fatal(err)
	}
	b, err = Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	res, err := compare.Compare(b, cand, compare.Options{Resamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(res.Warnings, "\n")
	if !strings.Contains(w, "#1") || !strings.Contains(w, "whole window") {
		t.Errorf("warnings:\n%s\nwant one naming #1, whose stored rates are over the whole window", w)
	}
	for _, sum := range b.Summaries {
		if v, ok := compare.OutputTokensPerS().Value(&sum.Levels[0]); ok && v != b.Summaries[0].Levels[0].OutputTokensPerS && v != b.Summaries[1].Levels[0].OutputTokensPerS {
			t.Errorf("a baseline summary gives output tok/s %g: the stored window rate of the run that is gone", v)
		}
	}
	if _, ok := compare.OutputTokensPerS().Value(&b.Summaries[2].Levels[0]); ok {
		t.Errorf("#1's stored summary gives an output tok/s (%g) to a baseline of steady-state rates", b.Summaries[2].Levels[0].OutputTokensPerS)
	}
	if _, ok := compare.Metrics()[2].Value(&b.Summaries[2].Levels[0]); !ok {
		t.Errorf("#1's stored summary lost its latencies (%s); only its rates are of another definition", compare.Metrics()[2].Name)
	}
}

// TestTrendSaysWhichRatesAreOverTheWindow: a trend of a rate over runs
// stored before the steady state and after reads the change of definition
// as a step of the stack (+10 % at a closed loop of 4 on the mock, the
// night the nightly job's inferbench was upgraded), and said nothing. It
// names the runs whose rates are over their whole window.
func TestTrendSaysWhichRatesAreOverTheWindow(t *testing.T) {
	root := t.TempDir()
	path := root + "/h.db"
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 3; day++ {
		addRun(t, s, dayRun(t, root, "night"+string(rune('0'+day)), day, nil))
	}
	ageSummary(t, s, 1, 0.91)
	ageSummary(t, s, 2, 0.91)
	s.Close()
	for _, tc := range []struct {
		metric string
		warn   bool
	}{{"output_tokens_per_s", true}, {"goodput_rps", true}, {"ttft_p95", false}} {
		var stdout, stderr strings.Builder
		if err := RunTrend(t.Context(), CommandOptions{Store: path, Metric: tc.metric}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		said := strings.Contains(stderr.String(), "#1 #2") && strings.Contains(stderr.String(), "whole window")
		if said != tc.warn {
			t.Errorf("history trend --metric %s warned:\n%s\nwant a warning naming #1 #2 (window rates): %v", tc.metric, stderr.String(), tc.warn)
		}
	}
}

// TestListAndShowSayWhichRatesAreOverTheWindow: list's OUT tok/s and
// show's rates of a run stored before the steady state are its whole
// window's (297 where today's definitions read 327 of the same mock run),
// beside later runs' steady-state rates, and nothing told them apart.
func TestListAndShowSayWhichRatesAreOverTheWindow(t *testing.T) {
	root := t.TempDir()
	path := root + "/h.db"
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 2; day++ {
		addRun(t, s, dayRun(t, root, "night"+string(rune('0'+day)), day, nil))
	}
	ageSummary(t, s, 1, 0.91)
	s.Close()
	var list, show, show2, stderr strings.Builder
	if err := RunList(t.Context(), CommandOptions{Store: path}, &list, &stderr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(list.String(), "\n")
	if len(lines) < 4 || !strings.Contains(lines[2], "†") || strings.Contains(lines[1], "†") || !strings.Contains(list.String(), "† ") || !strings.Contains(list.String(), "whole window") {
		t.Errorf("history list:\n%s\nwant #1's OUT tok/s marked † with a footnote (whole window), #2's not", list.String())
	}
	if err := RunShow(t.Context(), CommandOptions{Store: path, Args: []string{"1"}}, &show, &stderr); err != nil {
		t.Fatal(err)
	}
	if err := RunShow(t.Context(), CommandOptions{Store: path, Args: []string{"2"}}, &show2, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(show.String(), "whole window") || strings.Contains(show2.String(), "whole window") {
		t.Errorf("history show 1:\n%s\nshow 2:\n%s\nwant #1's rates said to be over the whole window, #2's not", show.String(), show2.String())
	}
}

// TestBaselineKeepsStoredSummaryOfACutRun: a run whose requests.jsonl was
// cut short after it was added (a copy cut short, a clean-up) keeps its
// run.json, so its fingerprint matched and it was summarized again from
// the records left, its few records read as the whole run. It is refused
// as the run is when added (compare.CheckRecords), and its stored summary
// stands.
func TestBaselineKeepsStoredSummaryOfACutRun(t *testing.T) {
	s, root := testStore(t), t.TempDir()
	var dirs []string
	for day := 1; day <= 3; day++ {
		name := "night" + string(rune('0'+day))
		dir := dayRun(t, root, name, day, func(m *rundir.Manifest) {
			// As a run writes it: the records it wrote.
			b, err := os.ReadFile(filepath.Join(root, name, rundir.RecordsFile))
			if err != nil {
				t.Fatal(err)
			}
			m.Records = int64(strings.Count(string(b), "\n"))
		})
		addRun(t, s, dir)
		dirs = append(dirs, dir)
	}
	path := filepath.Join(dirs[1], rundir.RecordsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if err := os.WriteFile(path, []byte(strings.Join(lines[:len(lines)/2], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, nil), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	base, err := Baseline(t.Context(), s, "median-of-3", cand)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.Get(t.Context(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := base.Summaries[1].Records, stored.Summary.Records; got != want {
		t.Errorf("night 2, its records cut in half: the baseline read %d records; want the %d stored", got, want)
	}
}
