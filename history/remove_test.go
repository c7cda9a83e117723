package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

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
		start := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
		root := t.TempDir()
		for day, ttft := range []float64{50, 50, 50, 90, 60, 60} { // #4 a bad night, #5 a new level
			dir := filepath.Join(root, fmt.Sprint("run", day))
			writeRun(t, dir, "nightly", ttft, start.Add(time.Duration(day)*24*time.Hour), uint64(day))
			var out bytes.Buffer
			if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{dir}}, &out, &out); err != nil {
				t.Fatal(err)
			}
		}
		candDir := filepath.Join(root, "cand")
		writeRun(t, candDir, "nightly", 60, start.Add(9*24*time.Hour), 9)
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
