package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render"
)

// TestReportFormatVLLM: --format vllm writes one vLLM result file per run
// and level, with the percentiles asked; a bad percentile is a usage error.
func TestReportFormatVLLM(t *testing.T) {
	a100, _ := reportRuns(t)
	dir := filepath.Join(t.TempDir(), "rep")
	out, _, err := runApp(t, "report", "--out", dir, "--format", "vllm", "--metric-percentiles", "90,99", "--png-dpi", "24", a100)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, render.VLLMDir, "a100-80gb-*.json"))
	if len(files) == 0 {
		t.Fatalf("no vLLM result files in %s; stdout:\n%s", dir, out)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"completed", "duration", "total_token_throughput", "p90_ttft_ms", "p99_itl_ms", "median_e2el_ms"} {
		if _, ok := res[k]; !ok {
			t.Errorf("%s lacks %s", files[0], k)
		}
	}
	if c, _ := res["completed"].(float64); c < 1 {
		t.Errorf("completed = %v", res["completed"])
	}
	_, _, err = runApp(t, "report", "--metric-percentiles", "x", a100)
	if err == nil || !strings.Contains(err.Error(), "metric-percentiles") {
		t.Errorf("bad --metric-percentiles: %v", err)
	}
}
