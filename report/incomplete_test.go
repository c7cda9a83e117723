package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestRunPricedLevelSaysAnIncompleteRun: the level cost and crossover price
// carries run.json's word that the run did not complete (its exit state and
// reason, and what that means for its numbers), as the report's note says
// it; a complete run's carries none.
func TestRunPricedLevelSaysAnIncompleteRun(t *testing.T) {
	dir := t.TempDir()
	summary := `{"records":0,"levels":[{"level":4,"output_tokens_per_s":200,"total_tokens_per_s":600,"requests_per_s":2,"window_s":10}]}`
	if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		state  rundir.ExitState
		reason string
		want   string
	}{
		{rundir.ExitComplete, "", ""},
		{rundir.ExitInterrupted, "interrupted by signal", dir + " did not complete (exit state interrupted: interrupted by signal): " + IncompleteCaveat},
	} {
		end := time.Unix(1e9, 0).UTC()
		m := &rundir.Manifest{Tool: "inferbench", Start: end.Add(-time.Minute), End: &end, ExitState: c.state, ExitReason: c.reason}
		if err := rundir.WriteManifest(dir, m); err != nil {
			t.Fatal(err)
		}
		rl, err := RunPricedLevel(dir)
		if err != nil || rl.Incomplete != c.want {
			t.Errorf("exit state %s: RunPricedLevel = %q, %v; want %q", c.state, rl.Incomplete, err, c.want)
		}
		if c.want != "" && !strings.Contains(c.want, "its numbers cover only the requests made before it stopped") {
			t.Errorf("caveat %q", c.want)
		}
	}
}
