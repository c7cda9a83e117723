package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		root := t.TempDir()
		run := func(name string, ttft float64, day int) string {
			dir := filepath.Join(root, name)
			nightlyOn(t, dir, ttft, day)
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
		for day := range 4 {
			dir := filepath.Join(t.TempDir(), "run")
			nightlyOn(t, dir, 50+10*float64(day/2), day)
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

// TestMarkUnmarkRemove: a stored run is marked a new level by ID (its
// directory may be gone), the mark is taken back, and a run added by
// mistake is removed; each moves the history: baseline as it says. Remove
// is all or none: an unknown ID among several removes nothing. Before,
// none of the three existed: a mark was for good and a bad run could only
// be outvoted.
func TestMarkUnmarkRemove(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx := t.Context()
		s := openStore(t, spec)
		root := t.TempDir()
		for day, ttft := range []float64{50, 50, 50, 90, 60, 60} { // #4 a bad night, #5 a new level
			dir := filepath.Join(root, fmt.Sprint("run", day))
			nightlyOn(t, dir, ttft, day)
			var out bytes.Buffer
			if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{dir}}, &out, &out); err != nil {
				t.Fatal(err)
			}
		}
		candDir := filepath.Join(root, "cand")
		nightlyOn(t, candDir, 60, 9)
		cand, err := compare.LoadRun(candDir, report.SLO{})
		if err != nil {
			t.Fatal(err)
		}
		label := func() string {
			t.Helper()
			b, err := Baseline(ctx, s, "median-of-7", cand)
			if err != nil {
				t.Fatal(err)
			}
			return b.Label
		}
		do := func(run func(context.Context, CommandOptions, io.Writer, io.Writer) error, args ...string) (string, error) {
			var out bytes.Buffer
			err := run(ctx, CommandOptions{Store: spec, Args: args}, &out, &out)
			return out.String(), err
		}
		if l := label(); !strings.Contains(l, "(#6 #5 #4 #3 #2 #1, summaries)") {
			t.Fatalf("baseline %q; want all six", l)
		}
		if out, err := do(RunMark, "#5"); err != nil || !strings.HasPrefix(out, "#5: marked a new level") {
			t.Fatalf("mark #5: %q, %v", out, err)
		}
		if l := label(); !strings.Contains(l, "(#6 #5, summaries; a new level from #5)") {
			t.Errorf("baseline after mark %q; want #6 #5 from #5", l)
		}
		if out, _ := do(RunMark, "5"); out != "#5: already marked a new level\n" {
			t.Errorf("mark #5 again: %q", out)
		}
		if out, err := do(RunUnmark, "5", "3"); err != nil ||
			out != "#5: new-level mark taken back: baselines start from the newest mark left, if any\n#3: not marked a new level; nothing to take back\n" {
			t.Errorf("unmark 5 3: %q, %v", out, err)
		}
		if l := label(); !strings.Contains(l, "(#6 #5 #4 #3 #2 #1, summaries)") {
			t.Errorf("baseline after unmark %q; want all six again", l)
		}
		// An unknown ID: nothing removed, nothing marked.
		for name, run := range map[string]func(context.Context, CommandOptions, io.Writer, io.Writer) error{"remove": RunRemove, "unmark": RunUnmark} {
			if _, err := do(run, "4", "77"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "#77") {
				t.Errorf("%s 4 77: %v; want #77 not found", name, err)
			}
		}
		if _, err := s.Get(ctx, 4); err != nil {
			t.Errorf("#4 after a failed remove: %v; want it still there", err)
		}
		out, err := do(RunRemove, "4", "#4")
		if err != nil || !strings.HasPrefix(out, "#4 removed ("+filepath.Join(root, "run3")+", scenario nightly, model m, started 2026-05-04T02:00:00Z)\n") ||
			strings.Count(out, "removed") != 1 {
			t.Errorf("remove 4 #4: %q, %v; want #4 once", out, err)
		}
		if _, err := s.Get(ctx, 4); !errors.Is(err, ErrNotFound) {
			t.Errorf("#4 after remove: %v; want not found", err)
		}
		if l := label(); !strings.Contains(l, "(#6 #5 #3 #2 #1, summaries)") {
			t.Errorf("baseline after remove %q; want #4 gone", l)
		}
		pts, err := s.Trend(ctx, "ttft_p95", Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pts {
			if p.RunID == 4 {
				t.Errorf("trend still has #4's metrics: %+v", p)
			}
		}
		for _, args := range [][]string{nil, {"x"}, {"0"}, {"5", "6"}} {
			if _, err := do(RunMark, args...); err == nil {
				t.Errorf("mark %q: no error", args)
			}
		}
	})
}
