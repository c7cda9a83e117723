// Package gpu defines what inferbench knows about the GPUs behind an
// endpoint: the inventory ([Device]), one reading per device per tick
// ([Sample]), the [Sampler] interface its backends implement, the [Watch]
// loop that samples on a ticker on the run's clock, and the gpu.jsonl codec.
//
// The backends live in subpackages (nvml, dcgm, smi, mock) and are chosen by
// name in gpu/backend, since each backend imports this package. This package
// knows nothing of NVML, HTTP or processes, and needs no cgo.
package gpu

import (
	"context"
	"errors"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// ErrUnavailable is wrapped by every error that says a backend cannot run
// on this host (no library, no tool on PATH, built without cgo). A run that
// gets it can go on with telemetry off.
var ErrUnavailable = errors.New("gpu telemetry unavailable")

// Unavailable returns an error that says why, and only that, and wraps
// ErrUnavailable: the run prints it after "GPU telemetry off: ", where
// ErrUnavailable's own words said it twice.
func Unavailable(why string) error { return unavailable(why) }

type unavailable string

func (e unavailable) Error() string { return string(e) }
func (e unavailable) Unwrap() error { return ErrUnavailable }

// ErrDisabled is returned when telemetry was switched off on purpose
// (backend "none").
var ErrDisabled = errors.New("gpu telemetry disabled")

// A Sampler reads the current state of the GPUs it watches.
//
// Implementations need not be safe for concurrent use: [Watch] calls one
// method at a time. The caller closes the Sampler.
type Sampler interface {
	// Devices returns the inventory, for run.json and `gpu list`.
	Devices(ctx context.Context) ([]rundir.GPUDevice, error)
	// Sample appends one Sample per device to dst and returns it. A field
	// the device does not support is left nil, never zero. On a partial
	// failure it returns the samples it could read together with an error;
	// a device whose read failed in part carries the reason in Sample.Error.
	// Sample leaves TNS zero: Watch stamps it.
	Sample(ctx context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error)
	// Close releases the backend (NVML shutdown, idle connections).
	Close() error
}

// Ptr returns a pointer to v: backends use it to set a present field.
func Ptr[T any](v T) *T { return &v }

// AddError adds msg to what s.Error says, after it ("; " between).
func AddError(s *rundir.GPUSample, msg string) {
	if s.Error != "" {
		msg = s.Error + "; " + msg
	}
	s.Error = msg
}

// PowerWindowOf is the span a GPU's power reading (NVML's power usage,
// DCGM's DCGM_FI_DEV_POWER_USAGE, nvidia-smi's power.draw) is the mean of:
// by its CUDA compute capability major.minor where the driver said it
// (major > 0), else by its name (powerWindowOfName), else 0, unknown.
func PowerWindowOf(major, minor int, name string) time.Duration {
	if major > 0 {
		return powerWindow(major, minor)
	}
	w, _ := powerWindowOfName(name)
	return w
}

// powerWindow is the span of the power reading of a GPU of CUDA compute
// capability major.minor: 1 s on Ampere (except GA100, 8.0) and newer,
// instantaneous (0) on GA100 and older (NVML's nvmlDeviceGetPowerUsage;
// docs/notes/nvml-and-cost.md A.2). An H200 (9.0) read power.draw equal
// to power.draw.average throughout an idle → load → idle transition
// (2026-12-04, report/testdata/h200-transition).
func powerWindow(major, minor int) time.Duration {
	if major > 8 || (major == 8 && minor > 0) {
		return time.Second
	}
	return 0
}
