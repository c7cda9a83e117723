package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestServerMetrics404SaidOnce: a metrics URL that answers 404 on every
// scrape is said once on stderr, and run.json and summary.json say that no
// scrape succeeded (issue #20 item 24).
func TestServerMetrics404SaidOnce(t *testing.T) {
	srv := newMock(t)
	dir := filepath.Join(t.TempDir(), "run")
	out, errOut, err := runApp(t, "run", "--target", "vllm", "--url", srv.URL, "--model", "m", "-c", "2", "-n", "20",
		"--warmup", "0", "--gpu-backend", "none", "--gpu-interval", "20ms", "--server-metrics", srv.URL+"/no-metrics", "--out", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if n := strings.Count(errOut, "HTTP 404"); n != 1 {
		t.Errorf("stderr names the 404 %d times; want once:\n%s", n, errOut)
	}
	if !strings.Contains(out, "server  all ") {
		t.Errorf("the table does not say the server metrics failed:\n%s", out)
	}
	var m rundir.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, rundir.ManifestFile))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.ServerMetricsError, "scrapes of the server's metrics failed") || !strings.Contains(m.ServerMetricsError, "HTTP 404") {
		t.Errorf("run.json server_metrics_error = %q", m.ServerMetricsError)
	}
	var sum report.Summary
	b, _ = os.ReadFile(filepath.Join(dir, rundir.SummaryFile))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.ServerMetricsError, "HTTP 404") {
		t.Errorf("summary.json server_metrics_error = %q", sum.ServerMetricsError)
	}
}
