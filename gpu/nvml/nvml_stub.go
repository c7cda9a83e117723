//go:build !cgo || !linux

// Package nvml is the NVML backend of gpu.Sampler. This build has neither
// cgo nor linux, which go-nvml needs, so Open always reports NVML
// unavailable; build with CGO_ENABLED=1 on linux for the real backend.
package nvml

import (
	"runtime"

	"github.com/inferbench/inferbench/gpu"
)

// Open reports that NVML is unavailable in this build. The error wraps
// gpu.ErrUnavailable.
func Open() (gpu.Sampler, error) {
	if runtime.GOOS != "linux" {
		return nil, gpu.Unavailable("NVML: none on " + runtime.GOOS + " (go-nvml supports linux only)")
	}
	return nil, gpu.Unavailable("NVML: this build has no cgo (the inferbench-nvml build reads NVML; or the smi backend)")
}
