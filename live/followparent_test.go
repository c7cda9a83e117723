package live

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/scenarios"
)

// TestFollowRefusesAParentOfRuns: `watch runs`, the directory that holds
// the runs rather than one of them, is refused at once with the runs it
// holds named. Before, it said "runs has no run.json yet: waiting for a
// run to write it" and waited for ever: no run is ever written there (run
// refuses an --out that holds other files and no run).
func TestFollowRefusesAParentOfRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		parent := t.TempDir()
		for _, name := range []string{"a100-c32", "h100-c32"} {
			d := newRunDir(t, scenarios.SLO{}, 3)
			if err := os.Rename(d.dir, filepath.Join(parent, name)); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		var warned []string
		_, err := NewFollower(ctx, parent, FollowOptions{Warn: func(s string) { warned = append(warned, s) }})
		want := parent + " holds runs, not a run: name one of them (" + filepath.Join(parent, "a100-c32") + ", " + filepath.Join(parent, "h100-c32") + ")"
		if err == nil || err.Error() != want {
			t.Errorf("error %v; want %s", err, want)
		}
		if len(warned) != 0 {
			t.Errorf("warned %q before refusing", warned)
		}
		// A directory that holds one of them, and a run about to be
		// written in it (requests.jsonl first), is a run's: waited for.
		d := newRunDir(t, scenarios.SLO{}, 3)
		if err := os.Remove(filepath.Join(d.dir, "run.json")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(parent, "a100-c32"), filepath.Join(d.dir, "old")); err != nil {
			t.Fatal(err)
		}
		short, cancel2 := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel2()
		if _, err := NewFollower(short, d.dir, FollowOptions{}); err == nil || !strings.Contains(err.Error(), "no run.json yet") {
			t.Errorf("a run being written beside a run directory: %v; want it waited for", err)
		}
	})
}
