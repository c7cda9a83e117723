package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateRefusesOneFileForJUnitAndMarkdown: --junit and --markdown naming
// one file (by one spelling or another) wrote the JUnit and then the
// Markdown over it, so the CI step that publishes the JUnit read
// Markdown (a parse error, or no test report) while compare exited by its
// verdict. It is refused before a run is read, and nothing is written.
func TestGateRefusesOneFileForJUnitAndMarkdown(t *testing.T) {
	base, cand := gateRuns(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "compare.out")
	for _, md := range []string{out, dir + "/./compare.out", dir + "//compare.out"} {
		os.Remove(out)
		var stdout, stderr bytes.Buffer
		err := Gate(GateOptions{Baseline: base, Candidate: cand, Resamples: 50, JUnit: out, Markdown: md,
			Resolve: func(b string, c *Run) (Baseline, error) {
				r, err := LoadRun(b, c.SLO)
				return RunBaseline(r), err
			}}, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "the same file") || stdout.Len() > 0 {
			t.Errorf("--junit %s --markdown %s: %v, %d bytes of verdict; want them refused as one file", out, md, err, stdout.Len())
		}
		if data, _ := os.ReadFile(out); len(data) > 0 {
			t.Errorf("--junit %s --markdown %s: wrote %d bytes; want nothing written", out, md, len(data))
		}
	}
}
