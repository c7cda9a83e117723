package session

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
)

// TestGPUFailureSaidOnce: GPU telemetry that fails once the run is under
// way (an exporter answering 500 after its first pages) is said once on the
// log, as a failing server-metrics scrape is: each failed reading was only
// a line of gpu.jsonl, and the run said nothing until its report had no
// energy.
func TestGPUFailureSaidOnce(t *testing.T) {
	m, err := mock.New(mock.Config{GPU: "a100-80gb", OutputTokens: 4})
	if err != nil {
		t.Fatal(err)
	}
	var pages atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/dcgm/metrics" && pages.Add(1) > 2 {
			http.Error(w, "exporter down", http.StatusInternalServerError)
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Concurrency: 2, Requests: 16, MaxTokens: 4, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "dcgm", GPUURL: srv.URL + "/dcgm/metrics",
		ServerMetrics: "off", GPUInterval: 20 * time.Millisecond, NoProbe: true}
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if n := strings.Count(log.String(), "inferbench: warning: GPU telemetry: "); n != 1 || !strings.Contains(log.String(), "(said once; each failed reading is in gpu.jsonl)") {
		t.Errorf("said %d times:\n%s", n, log.String())
	}
}
