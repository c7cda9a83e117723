package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTrendSaysWhenItsRunsRanOnOtherGPUs: history trend of a store that
// holds runs of one scenario and model on an A100 and on an H100 (a shared
// store; a runner moved to new hardware) drew them as one line a level,
// so the H100's numbers read as an improvement of the stack, or the
// A100's as a regression, with nothing in the table to tell them apart
// (compare gates each against its own GPU's runs). The table has a GPU
// column then, and a warning says the trend spans GPUs.
func TestTrendSaysWhenItsRunsRanOnOtherGPUs(t *testing.T) {
	root := t.TempDir()
	spec := filepath.Join(root, "h.db")
	s := openStore(t, spec)
	day := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	for i, gpu := range []string{"NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB"} {
		dir := filepath.Join(root, "run"+string(rune('a'+i)))
		writeRunOn(t, dir, gpu, 1, day.Add(time.Duration(i)*24*time.Hour), uint64(i+1))
		addRun(t, s, dir)
	}
	var stdout, stderr bytes.Buffer
	if err := RunTrend(t.Context(), CommandOptions{Store: spec, Metric: "ttft_p50"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(stdout.String(), "\n")
	if !strings.Contains(lines[0], "  GPU  ") || !strings.Contains(lines[1], "H100") || !strings.Contains(lines[3], "A100") {
		t.Errorf("trend of runs on two GPUs:\n%s\nwant a GPU column naming each run's", stdout.String())
	}
	if !strings.Contains(stderr.String(), "2 GPUs") {
		t.Errorf("stderr %q; want a warning that the trend spans 2 GPUs", stderr.String())
	}
	// One GPU: no column, no warning.
	stdout.Reset()
	stderr.Reset()
	if err := RunTrend(t.Context(), CommandOptions{Store: spec, Metric: "ttft_p50", Filter: Filter{Limit: 2}}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "GPU") || stderr.Len() > 0 {
		t.Errorf("trend of runs on one GPU: %q, stderr %q; want no GPU column and no warning", stdout.String(), stderr.String())
	}
}
