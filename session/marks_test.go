package session

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestMarkManifest: run.json records the GPU as the user stated it, warns
// when telemetry saw another, and marks the run simulated when the target
// or the GPU telemetry is the mock (issue #20 items 3 and 6).
func TestMarkManifest(t *testing.T) {
	devs, _ := json.Marshal([]rundir.GPUDevice{{Name: "NVIDIA H100 80GB HBM3"}})
	for _, c := range []struct {
		kind, backend, stated string
		devs                  json.RawMessage
		simulated, warn       bool
	}{
		{"vllm", "nvml", "", devs, false, false},
		{"vllm", "mock", "", devs, true, false},
		{"mock", "none", "h100-sxm", nil, true, false},
		{"vllm", "nvml", "a100-80gb", devs, false, true},
		{"vllm", "nvml", "h100-sxm", devs, false, false},
	} {
		m := &rundir.Manifest{GPUBackend: c.backend, GPUs: c.devs}
		var log bytes.Buffer
		markManifest(m, &Options{Kind: c.kind, GPUStated: c.stated}, false, &log)
		if m.Simulated != c.simulated || m.GPUStated != c.stated {
			t.Errorf("%+v: simulated %v, stated %q", c, m.Simulated, m.GPUStated)
		}
		if got := strings.Contains(log.String(), "warning:"); got != c.warn {
			t.Errorf("%+v: log %q; want warning %v", c, log.String(), c.warn)
		}
	}
	if err := checkGPUStated("h100-sxmx8"); err != nil {
		t.Errorf("h100-sxmx8: %v", err)
	}
	if err := checkGPUStated("h100"); err == nil || !strings.Contains(err.Error(), "--gpu") {
		t.Errorf("h100: %v; want an --gpu input error", err)
	}
}
