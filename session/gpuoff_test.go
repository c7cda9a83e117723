package session

import (
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestRunJSONSaysWhyNoGPU: run.json tells GPU telemetry switched off from
// GPU telemetry that was not available where the load ran (auto on a host
// without an NVIDIA driver), which "gpu_backend": "none" alone does not.
func TestRunJSONSaysWhyNoGPU(t *testing.T) {
	for _, backend := range []string{"none", "auto"} {
		var m *rundir.Manifest
		synctest.Test(t, func(t *testing.T) {
			o := adaptiveOptions(t, "http://mock")
			o.Dial = fixedMockBubble(t, 5*time.Millisecond, time.Millisecond, 4)
			o.Precision, o.Requests, o.GPUBackend = 0, 8, backend
			if _, err := Run(t.Context(), t.Context(), o, io.Discard); err != nil {
				t.Fatal(err)
			}
			var err error
			if m, err = rundir.ReadManifest(o.Out); err != nil {
				t.Fatal(err)
			}
		})
		switch {
		case backend == "none" && (m.GPUBackend != "none" || m.GPUTelemetryOff != rundir.GPUTelemetrySwitchedOff):
			t.Errorf("--gpu-backend none: gpu_backend %q, gpu_telemetry_off %q; want none, %q", m.GPUBackend, m.GPUTelemetryOff, rundir.GPUTelemetrySwitchedOff)
		case backend == "auto" && m.GPUBackend == "none" && (m.GPUTelemetryOff == "" || m.GPUTelemetryOff == rundir.GPUTelemetrySwitchedOff):
			t.Errorf("auto without a GPU: gpu_telemetry_off %q; want the backend's reason", m.GPUTelemetryOff)
		case backend == "auto" && m.GPUBackend != "none" && m.GPUTelemetryOff != "":
			t.Errorf("auto with GPU telemetry (%s): gpu_telemetry_off %q; want none", m.GPUBackend, m.GPUTelemetryOff)
		}
	}
}
