// Package mock is the gpu.Sampler for inferbench's simulated serving
// engine (package mock). The engine serves its simulated GPUs at
// GET <target-url>/dcgm/metrics in dcgm-exporter's format, so this backend
// is the dcgm scraper pointed there: the telemetry path under test is the
// same one a real remote GPU host uses.
package mock

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/inferbench/inferbench/gpu/dcgm"
)

// MetricsPath is where the mock engine serves its simulated GPUs.
const MetricsPath = "/dcgm/metrics"

// New returns a sampler of the mock engine at targetURL (e.g.
// http://127.0.0.1:8000, with or without a trailing slash or /v1).
func New(targetURL string, client *http.Client) (*dcgm.Scraper, error) {
	if targetURL == "" {
		return nil, fmt.Errorf("gpu mock: no target URL (the mock engine's base URL)")
	}
	base := strings.TrimRight(targetURL, "/")
	base = strings.TrimSuffix(base, "/v1")
	// The engine's power is what NVML reports on the real GPU of its
	// profile's name (mock.Server.gpuStates), so dcgm reads its span from
	// that name, as on a real host.
	return dcgm.New(base+MetricsPath, client)
}
