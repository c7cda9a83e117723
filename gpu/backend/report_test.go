package backend

import (
	"testing"

	"github.com/inferbench/inferbench/report"
)

// TestMockBackendNameMatchesReport: the report recognises the mock's
// telemetry by run.json's gpu_backend; the two names must stay one.
func TestMockBackendNameMatchesReport(t *testing.T) {
	if Mock != report.MockGPUBackend {
		t.Errorf("backend.Mock %q, report.MockGPUBackend %q", Mock, report.MockGPUBackend)
	}
}
