package history

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestNewLevelStartsTheBaseline: a run added with --new-level (a level
// accepted on purpose) starts the history: baselines: median-of-7 leaves
// out the runs before it, whatever their number, and says where it starts.
// Before, a new level took runs added by hand until they were more than
// half the window, each an outlier of the interval until then. A run
// already stored is marked; list and show say which runs are marked.
func TestNewLevelStartsTheBaseline(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx := t.Context()
		s := openStore(t, spec)
		start := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
		root := t.TempDir()
		run := func(name string, ttft float64, day int) string {
			dir := filepath.Join(root, name)
			writeRun(t, dir, "nightly", ttft, start.Add(time.Duration(day)*24*time.Hour), uint64(day))
			return dir
		}
		add := func(dir string, newLevel bool) string {
			var out bytes.Buffer
			if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{dir}, NewLevel: newLevel}, &out, &out); err != nil {
				t.Fatal(err)
			}
			return out.String()
		}
		for day := range 3 {
			add(run(fmt.Sprint("old", day), 50, day), false) // #1–#3
		}
		if out := add(run("new0", 60, 3), true); !strings.Contains(out, "added as #4") || !strings.Contains(out, "marked a new level") {
			t.Errorf("add --new-level: %q", out)
		}
		cand, err := compare.LoadRun(run("cand", 60, 9), report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Baseline(ctx, s, "median-of-7", cand)
		if err != nil || b.Run == nil || !strings.HasSuffix(b.Label, "; a new level from #4)") {
			t.Fatalf("baseline %q (run %v), %v; want #4 alone, its run", b.Label, b.Run != nil, err)
		}
		add(run("new1", 60, 4), false)
		add(run("new2", 60, 5), false)
		b, err = Baseline(ctx, s, "median-of-7", cand)
		if err != nil || len(b.Summaries) != 3 || !strings.Contains(b.Label, "(#6 #5 #4, summaries; a new level from #4)") {
			t.Fatalf("baseline %q over %d summaries, %v; want #6 #5 #4", b.Label, len(b.Summaries), err)
		}
		// Marking an older run moves nothing: the newest mark cuts.
		if out := add(filepath.Join(root, "old1"), true); !strings.Contains(out, "already in the history as #2; marked a new level") {
			t.Errorf("add --new-level of a stored run: %q", out)
		}
		if e, err := s.Get(ctx, 2); err != nil || !e.NewLevel {
			t.Errorf("#2 after marking: %+v, %v; want NewLevel", e, err)
		}
		if b, _ := Baseline(ctx, s, "median-of-7", cand); len(b.Summaries) != 3 {
			t.Errorf("baseline %q; want #6 #5 #4 still", b.Label)
		}
		// Several runs at once: the level starts with the first of them to
		// start (new4, though named last), not with each, which would cut the
		// others off.
		if out := add2(t, spec, run("new5", 60, 8), run("new4", 60, 7)); strings.Count(out, "marked a new level") != 1 ||
			!strings.Contains(out, "new4: added as #8 (scenario nightly, model m, "+s.Backend()+"); marked") {
			t.Errorf("add --new-level of two runs:\n%s\nwant the earlier one (new4) marked only", out)
		}
		if b, _ := Baseline(ctx, s, "median-of-7", cand); !strings.Contains(b.Label, "(#7 #8, summaries; a new level from #8)") {
			t.Errorf("baseline %q; want #7 #8 (new5, new4), from #8", b.Label)
		}
		var list, show bytes.Buffer
		if err := RunList(ctx, CommandOptions{Store: spec}, &list, &list); err != nil {
			t.Fatal(err)
		}
		if err := RunShow(ctx, CommandOptions{Store: spec, Args: []string{"4"}}, &show, &show); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(list.String(), "\n4* ") || !strings.Contains(list.String(), "\n2* ") || !strings.Contains(list.String(), "* a new level") ||
			!strings.Contains(show.String(), "new level") {
			t.Errorf("list:\n%s\nshow:\n%s\nwant #2 and #4 marked", list.String(), show.String())
		}
	})
}

// add2 is history add --new-level of dirs, its output.
func add2(t *testing.T, spec string, dirs ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := RunAdd(t.Context(), CommandOptions{Store: spec, Args: dirs, NewLevel: true}, &out, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestNewLevelInTheTrend: history trend shows where a new level began: its
// table marks the run *, with the footnote, and its plot draws a dashed
// line labelled "new level" at the run's start, so a step in the line
// reads as accepted, not as a regression nobody saw.
func TestNewLevelInTheTrend(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		start := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
		for day := range 4 {
			dir := filepath.Join(t.TempDir(), "run")
			writeRun(t, dir, "nightly", 50+10*float64(day/2), start.Add(time.Duration(day)*24*time.Hour), uint64(day))
			var out bytes.Buffer
			if err := RunAdd(t.Context(), CommandOptions{Store: spec, Args: []string{dir}, NewLevel: day == 2}, &out, &out); err != nil {
				t.Fatal(err)
			}
		}
		var table bytes.Buffer
		if err := RunTrend(t.Context(), CommandOptions{Store: spec, Metric: "ttft_p95"}, &table, &table); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(table.String(), "\n3*  ") || strings.Count(table.String(), "*") != 2 || !strings.Contains(table.String(), newLevelFootnote) {
			t.Errorf("trend table:\n%s\nwant run 3 marked and the footnote", table.String())
		}
		svg := filepath.Join(t.TempDir(), "trend.svg")
		if err := RunTrend(t.Context(), CommandOptions{Store: spec, Metric: "ttft_p95", Out: svg}, &table, &table); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(svg)
		if err != nil || strings.Count(string(b), ">new level<") != 1 {
			t.Errorf("trend plot: %d \"new level\" labels, %v; want 1", strings.Count(string(b), ">new level<"), err)
		}
		os.WriteFile(filepath.Join(t.ArtifactDir(), "trend-new-level.svg"), b, 0o644)
	})
}
