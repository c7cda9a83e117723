//go:build !cgo || !linux

// Package nvml is the NVML backend of gpu.Sampler. This build has neither
// cgo nor linux, which go-nvml needs, so Open always reports NVML
// unavailable; build with CGO_ENABLED=1 on linux for the real backend.
package nvml

import (
	"fmt"
	"runtime"

	"github.com/inferbench/inferbench/gpu"
)

// Open reports that NVML is unavailable in this build. The error wraps
// gpu.ErrUnavailable.
func Open() (gpu.Sampler, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("nvml: %w: NVML unavailable on %s (go-nvml supports linux only)", gpu.ErrUnavailable, runtime.GOOS)
	}
	return nil, fmt.Errorf("nvml: %w: NVML unavailable (built without cgo; use the inferbench-nvml build, or the smi backend)", gpu.ErrUnavailable)
}
