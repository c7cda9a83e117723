package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateChecksEveryOutputBeforeWritingAny: --junit j.xml --markdown DIR
// (a directory) wrote j.xml, then failed "write DIR: it is a directory",
// leaving a JUnit file of a comparison that exited 2. Every output path is
// checked before anything is written: a directory, a missing parent, either
// flag, and nothing is left.
func TestGateChecksEveryOutputBeforeWritingAny(t *testing.T) {
	base, cand := gateRuns(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "j.out")
	for _, c := range []struct{ junit, md, want string }{
		{good, dir, "--markdown " + dir + ": it is a directory; name a file"},
		{dir, filepath.Join(dir, "m.md"), "--junit " + dir + ": it is a directory; name a file"},
		{good, filepath.Join(dir, "no", "m.md"), "--markdown " + filepath.Join(dir, "no", "m.md") + ": "},
	} {
		var stdout, stderr bytes.Buffer
		err := Gate(GateOptions{Baseline: base, Candidate: cand, Resamples: 50, JUnit: c.junit, Markdown: c.md,
			Resolve: func(b string, c *Run) (Baseline, error) {
				r, err := LoadRun(b, c.SLO)
				return RunBaseline(r), err
			}}, &stdout, &stderr)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || stdout.Len() > 0 {
			t.Errorf("--junit %s --markdown %s: %v, %d bytes of verdict; want refused %q...", c.junit, c.md, err, stdout.Len(), c.want)
		}
		for _, p := range []string{good, filepath.Join(dir, "m.md")} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("--junit %s --markdown %s: wrote %s; want nothing written", c.junit, c.md, p)
				os.Remove(p)
			}
		}
	}
}
