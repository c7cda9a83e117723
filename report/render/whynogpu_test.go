package render

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestWhyNoGPU: the report says why a run has no GPU as run.json records
// it, and both possibilities for a run that does not.
func TestWhyNoGPU(t *testing.T) {
	for off, want := range map[string]string{
		"":                                  "a CPU server, or GPU telemetry off",
		rundir.GPUTelemetrySwitchedOff:      "GPU telemetry switched off (--gpu-backend none)",
		"nvml: libnvidia-ml.so.1 not found": "no GPU telemetry on the host that ran the load: nvml: libnvidia-ml.so.1 not found",
	} {
		r := &Run{Manifest: &rundir.Manifest{GPUBackend: "none", GPUTelemetryOff: off}}
		if got := r.whyNoGPU(); got != want {
			t.Errorf("gpu_telemetry_off %q: %q; want %q", off, got, want)
		}
	}
	if got := (&Run{}).whyNoGPU(); got != "a CPU server, or GPU telemetry off" {
		t.Errorf("no run.json: %q", got)
	}
}
