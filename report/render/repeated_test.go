package render

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// copyWarnings lists the report's warnings that name a run given twice.
func copyWarnings(rep *Report) []string {
	var out []string
	for _, w := range rep.Warnings {
		if strings.Contains(w, " given again") || strings.Contains(w, " is a copy of ") {
			out = append(out, w)
		}
	}
	return out
}

// pairs lists the report's comparisons as candidate/baseline.
func pairs(rep *Report) []string {
	var out []string
	for _, c := range rep.Comparisons {
		out = append(out, c.Candidate+"/"+c.Baseline)
	}
	return out
}

// TestCopyWarningSaysWhatIsDone: a run given twice (a link to its
// directory, or a copy, cp -r) is warned of on the second, naming the
// first, with what the report does with it, which the comparisons bear
// out: without repeats a copy of the first run is compared with itself, a
// copy of another run gives that run's comparison twice; with repeats it
// is in no setup and compared with none. A run with the same start in
// another process (a shard started with --start-at) is no copy. Before,
// every case read "the report compares that run with itself".
func TestCopyWarningSaysWhatIsDone(t *testing.T) {
	t.Parallel()
	a2, sib := rendertest.A100(), rendertest.A100()
	a2.Seed, a2.Start = 11, a2.Start.Add(2*time.Hour)
	sib.Seed = 12
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100(), "h100": rendertest.H100(), "a100-2": a2, "sibling": sib})
	setScenarioSeed(t, filepath.Join(root, "a100-2"), 8)
	for i, n := range []string{"a100", "h100", "sibling"} {
		// A run recorded its pid (the fixture's run.json has none); the
		// sibling started with a100 in another process.
		rundirtest.EditManifest(t, filepath.Join(root, n), func(m *rundir.Manifest) { m.Host.PID = 4242 + i })
	}
	rundirtest.EditManifest(t, filepath.Join(root, "sibling"), func(m *rundir.Manifest) { m.Target.URL = "http://10.0.0.9:8000" })
	if err := os.CopyFS(filepath.Join(root, "h100-copy"), os.DirFS(filepath.Join(root, "h100"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "a100"), filepath.Join(root, "again")); err != nil {
		t.Fatal(err)
	}
	dir := func(n string) string { return filepath.Join(root, n) }
	for _, c := range []struct {
		name  string
		runs  []string
		warn  []string
		pairs []string
	}{{
		name:  "no repeats, the first given again",
		runs:  []string{"a100", "h100", "again", "sibling"},
		warn:  []string{"again: " + dir("again") + " is " + dir("a100") + " given again: the report compares that run with itself"},
		pairs: []string{"h100/a100", "again/a100", "sibling/a100"},
	}, {
		name: "no repeats, a copy of another run",
		runs: []string{"a100", "h100", "h100-copy"},
		warn: []string{"h100-copy: " + dir("h100-copy") + " is a copy of " + dir("h100") +
			" (run.json: the same host, pid, start, end and records): the report compares it with " + dir("a100") + ", as it does " + dir("h100") + ": the same comparison twice"},
		pairs: []string{"h100/a100", "h100-copy/a100"},
	}, {
		name: "repeats",
		runs: []string{"a100", "h100", "a100-2", "again", "h100-copy"},
		warn: []string{
			"again: " + dir("again") + " is " + dir("a100") + " given again: not a repeat (its requests are that run's: no run-to-run variance), so the report puts it in no setup of Repeated runs and compares it with no run",
			"h100-copy: " + dir("h100-copy") + " is a copy of " + dir("h100") + " (run.json: the same host, pid, start, end and records): not a repeat (its requests are that run's: no run-to-run variance), so the report puts it in no setup of Repeated runs and compares it with no run"},
		pairs: []string{"h100/a100"},
	}, {
		name:  "one setup and a copy",
		runs:  []string{"a100", "a100-2", "again"},
		warn:  []string{"again: " + dir("again") + " is " + dir("a100") + " given again: not a repeat (its requests are that run's: no run-to-run variance), so the report puts it in no setup of Repeated runs and compares it with no run"},
		pairs: []string{"a100-2/a100"},
	}} {
		rep := buildRepeats(t, root, c.runs...)
		if got := copyWarnings(rep); !slices.Equal(got, c.warn) {
			t.Errorf("%s: warnings\n%q\nwant\n%q", c.name, got, c.warn)
		}
		if got := pairs(rep); !slices.Equal(got, c.pairs) {
			t.Errorf("%s: comparisons %v; want %v", c.name, got, c.pairs)
		}
	}
	// The terminal prints the warning too, once.
	var stdout, stderr bytes.Buffer
	if err := Command([]string{dir("a100"), dir("h100"), dir("a100-2"), dir("h100-copy")}, "", nil, Options{Version: "test", Resamples: 50}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	want := "inferbench: warning: " + dir("h100-copy") + " is a copy of " + dir("h100") + " (run.json: the same host, pid, start, end and records): not a repeat"
	if n := strings.Count(stderr.String(), want); n != 1 {
		t.Errorf("the terminal's warnings say %d times %q:\n%s", n, want, stderr.String())
	}
}
