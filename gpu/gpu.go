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
)

// ErrUnavailable is wrapped by every error that says a backend cannot run
// on this host (no library, no tool on PATH, built without cgo). A run that
// gets it can go on with telemetry off.
var ErrUnavailable = errors.New("gpu telemetry unavailable")

// ErrDisabled is returned when telemetry was switched off on purpose
// (backend "none").
var ErrDisabled = errors.New("gpu telemetry disabled")

// A Sampler reads the current state of the GPUs it watches.
//
// Implementations need not be safe for concurrent use: [Watch] calls one
// method at a time. The caller closes the Sampler.
type Sampler interface {
	// Devices returns the inventory, for run.json and `gpu list`.
	Devices(ctx context.Context) ([]Device, error)
	// Sample appends one Sample per device to dst and returns it. A field
	// the device does not support is left nil, never zero. On a partial
	// failure it returns the samples it could read together with an error;
	// a device whose read failed in part carries the reason in Sample.Error.
	// Sample leaves TNS zero: Watch stamps it.
	Sample(ctx context.Context, dst []Sample) ([]Sample, error)
	// Close releases the backend (NVML shutdown, idle connections).
	Close() error
}

// A Device is one GPU of the inventory. Pointer fields are nil when the
// backend cannot tell.
type Device struct {
	// Index is the device's index as the backend numbers it (NVML index,
	// dcgm-exporter's gpu label, nvidia-smi index, amd-smi gpu).
	Index int `json:"index"`
	// UUID is the stable device identity (e.g. "GPU-c4529c8d-…").
	UUID string `json:"uuid,omitempty"`
	// Name is the marketing name (e.g. "NVIDIA H100 80GB HBM3").
	Name string `json:"name,omitempty"`
	// Host is the host name the backend reported, for remote backends.
	Host string `json:"host,omitempty"`
	// MemoryTotalBytes is the device memory in bytes.
	MemoryTotalBytes *uint64 `json:"memory_total_bytes,omitempty"`
	// DriverVersion is the kernel driver version (e.g. "580.105.08").
	DriverVersion string `json:"driver_version,omitempty"`
	// CUDAVersion is the CUDA version the driver supports (e.g. "13.0").
	CUDAVersion string `json:"cuda_version,omitempty"`
	// PowerLimitW is the enforced board power limit in watts.
	PowerLimitW *float64 `json:"power_limit_w,omitempty"`
	// MIGEnabled says whether MIG mode is on; nil when unknown.
	MIGEnabled *bool `json:"mig_enabled,omitempty"`
}

// A Sample is one reading of one device: one line of gpu.jsonl. Pointer
// fields are nil (absent in JSON) when the backend does not report them; a
// zero is a measured zero.
//
// A Sample whose Index is -1 and whose Error is set is a gap: the whole tick
// failed and only TNS and Error mean anything.
type Sample struct {
	// TNS is the time of the reading in nanoseconds from the run's start.
	TNS int64 `json:"t_ns"`
	// Index, UUID and Name identify the device (see [Device]).
	Index int    `json:"index"`
	UUID  string `json:"uuid,omitempty"`
	Name  string `json:"name,omitempty"`
	// UtilizationPct is the percent of the last sample period during which
	// a kernel was running (NVML's duty cycle, not SM occupancy), 0–100.
	UtilizationPct *float64 `json:"utilization_pct,omitempty"`
	// MemoryUtilizationPct is the percent of time device memory was read or
	// written, 0–100.
	MemoryUtilizationPct *float64 `json:"memory_utilization_pct,omitempty"`
	// MemoryUsedBytes and MemoryTotalBytes are device memory in bytes.
	MemoryUsedBytes  *uint64 `json:"memory_used_bytes,omitempty"`
	MemoryTotalBytes *uint64 `json:"memory_total_bytes,omitempty"`
	// MemoryReservedBytes is memory reserved by the driver and firmware,
	// when the backend reports it separately (NVML memory info v2).
	MemoryReservedBytes *uint64 `json:"memory_reserved_bytes,omitempty"`
	// PowerW is the board power draw in watts.
	PowerW *float64 `json:"power_w,omitempty"`
	// EnergyMJ is the device's energy counter in millijoules since the
	// driver loaded (NVML) or the host booted (DCGM). Only differences mean
	// anything.
	EnergyMJ *uint64 `json:"energy_mj,omitempty"`
	// TemperatureC is the GPU core temperature in degrees Celsius.
	TemperatureC *float64 `json:"temperature_c,omitempty"`
	// SMClockMHz is the current SM clock in MHz.
	SMClockMHz *float64 `json:"sm_clock_mhz,omitempty"`
	// ClockEventReasons names the active clock-event (throttle) reasons, as
	// [ClockEventReasons] spells them. Nil (absent) when the backend does not
	// report them; empty (present as []) when none is active.
	ClockEventReasons []string `json:"clock_event_reasons,omitzero"`
	// Error says why this device's reading failed, in part or whole.
	Error string `json:"error,omitempty"`
}

// IsGap reports whether s records a failed tick rather than a reading.
func (s *Sample) IsGap() bool { return s.Index < 0 && s.Error != "" }

// Ptr returns a pointer to v: backends use it to set a present field.
func Ptr[T any](v T) *T { return &v }
