//go:build cgo && linux

// Package nvml is the NVML backend of gpu.Sampler, on github.com/NVIDIA/go-nvml.
//
// It needs cgo and linux; elsewhere the package builds to a stub whose Open
// reports NVML unavailable. go-nvml opens libnvidia-ml.so.1 with dlopen at
// Init and leaves every NVML symbol unresolved until first call, so two
// rules keep the process alive (notes/docs/notes/nvml-and-cost.md A.1): no NVML call
// after a failed Init, and no call to an entry point the driver lacks —
// every entry point used here is looked up with LookupSymbol once, at New.
package nvml

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	nv "github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// NVML entry points, by the symbol names libnvidia-ml exports (nvml.h).
const (
	symMemoryInfo        = "nvmlDeviceGetMemoryInfo"
	symMemoryInfoV2      = "nvmlDeviceGetMemoryInfo_v2"
	symUtilization       = "nvmlDeviceGetUtilizationRates"
	symPowerUsage        = "nvmlDeviceGetPowerUsage"
	symTotalEnergy       = "nvmlDeviceGetTotalEnergyConsumption"
	symTemperature       = "nvmlDeviceGetTemperature"
	symClockInfo         = "nvmlDeviceGetClockInfo"
	symClocksEvent       = "nvmlDeviceGetCurrentClocksEventReasons"
	symClocksThrottle    = "nvmlDeviceGetCurrentClocksThrottleReasons"
	symEnforcedPower     = "nvmlDeviceGetEnforcedPowerLimit"
	symMigMode           = "nvmlDeviceGetMigMode"
	symCudaDriverVersion = "nvmlSystemGetCudaDriverVersion"
	symDriverVersion     = "nvmlSystemGetDriverVersion"
	symComputeCap        = "nvmlDeviceGetCudaComputeCapability"
)

// A Sampler reads GPUs through NVML. Its methods are safe for concurrent
// use.
type Sampler struct {
	mu     sync.Mutex // guards closed and the calls into lib
	lib    nv.Interface
	has    map[string]bool // entry points the loaded library exports
	devs   []device
	closed bool
}

// device is one physical GPU and what does not change while it runs.
type device struct {
	h     nv.Device
	index int
	uuid  string
	name  string
	// powerWindow is the span its power reading averages over
	// (gpu.PowerWindowOf its compute capability and name).
	powerWindow time.Duration
}

var _ gpu.Sampler = (*Sampler)(nil)

// Open initializes the system's NVML library (libnvidia-ml.so.1) and returns
// a Sampler over every GPU it lists. When NVML cannot be initialized the
// error wraps gpu.ErrUnavailable, and NVML is not called again.
func Open() (gpu.Sampler, error) {
	s, err := New(nv.New())
	if err != nil {
		return nil, err
	}
	return s, nil
}

// New initializes lib and returns a Sampler over the GPUs it lists. Tests
// pass one of go-nvml's mock servers (mock/dgxa100, mock/dgxh100); Open
// passes the real library. If lib.Init fails, New makes no other call on
// lib and returns an error wrapping gpu.ErrUnavailable.
func New(lib nv.Interface) (*Sampler, error) {
	if ret := lib.Init(); ret != nv.SUCCESS {
		return nil, gpu.Unavailable("NVML: " + initMessage(ret))
	}
	s := &Sampler{lib: lib, has: make(map[string]bool)}
	ext := lib.Extensions()
	for _, sym := range []string{symMemoryInfo, symMemoryInfoV2, symUtilization, symPowerUsage,
		symTotalEnergy, symTemperature, symClockInfo, symClocksEvent, symClocksThrottle,
		symEnforcedPower, symMigMode, symCudaDriverVersion, symDriverVersion, symComputeCap} {
		s.has[sym] = ext.LookupSymbol(sym) == nil
	}
	n, ret := lib.DeviceGetCount()
	if ret != nv.SUCCESS {
		lib.Shutdown()
		return nil, fmt.Errorf("nvml: device count: %w", ret)
	}
	for i := range n {
		h, ret := lib.DeviceGetHandleByIndex(i)
		if ret != nv.SUCCESS {
			lib.Shutdown()
			return nil, fmt.Errorf("nvml: device %d: handle: %w", i, ret)
		}
		d := device{h: h, index: i}
		if u, ret := h.GetUUID(); ret == nv.SUCCESS {
			d.uuid = u
		}
		if name, ret := h.GetName(); ret == nv.SUCCESS {
			d.name = name
		}
		// The compute capability says the span of the power reading; a
		// driver that cannot say leaves it to the name.
		var major, minor int
		if s.has[symComputeCap] {
			if ma, mi, ret := h.GetCudaComputeCapability(); ret == nv.SUCCESS {
				major, minor = ma, mi
			}
		}
		d.powerWindow = gpu.PowerWindowOf(major, minor, d.name)
		s.devs = append(s.devs, d)
	}
	return s, nil
}

// initMessage says why Init failed without asking NVML: after a failed
// Init not even nvmlErrorString may be safe to call.
func initMessage(ret nv.Return) string {
	switch ret {
	case nv.ERROR_LIBRARY_NOT_FOUND:
		return "libnvidia-ml.so.1 not found (no NVIDIA driver on this host)"
	case nv.ERROR_DRIVER_NOT_LOADED:
		return "the NVIDIA kernel driver is not loaded"
	case nv.ERROR_NO_PERMISSION:
		return "no permission to open the NVIDIA devices"
	case nv.ERROR_LIB_RM_VERSION_MISMATCH:
		return "NVML library and kernel driver versions differ (reload the driver)"
	}
	return fmt.Sprintf("init returned NVML error %d", int32(ret))
}

// Close shuts NVML down. Calls after the first return nil.
func (s *Sampler) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if ret := s.lib.Shutdown(); ret != nv.SUCCESS {
		return fmt.Errorf("nvml: shutdown: %w", ret)
	}
	return nil
}

var errClosed = errors.New("nvml: sampler closed")

// Devices returns the inventory: name, UUID, memory, driver and CUDA
// versions, enforced power limit and MIG mode of every GPU.
func (s *Sampler) Devices(ctx context.Context) ([]rundir.GPUDevice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	var errs []error
	var driver, cuda string
	if s.has[symDriverVersion] {
		v, ret := s.lib.SystemGetDriverVersion()
		if ok(ret, "driver version", &errs) {
			driver = v
		}
	}
	if s.has[symCudaDriverVersion] {
		v, ret := s.lib.SystemGetCudaDriverVersion()
		if ok(ret, "CUDA driver version", &errs) {
			// NVML encodes CUDA 12.4 as 12040 (1000*major + 10*minor).
			cuda = fmt.Sprintf("%d.%d", v/1000, v%1000/10)
		}
	}
	out := make([]rundir.GPUDevice, 0, len(s.devs))
	for _, d := range s.devs {
		var derrs []error
		dev := rundir.GPUDevice{Index: d.index, UUID: d.uuid, Name: d.name, DriverVersion: driver, CUDAVersion: cuda}
		if total, _, _, ok := s.memory(d.h, &derrs); ok {
			dev.MemoryTotalBytes = gpu.Ptr(total)
		}
		if s.has[symEnforcedPower] {
			mw, ret := d.h.GetEnforcedPowerLimit()
			if ok(ret, "power limit", &derrs) {
				dev.PowerLimitW = gpu.Ptr(float64(mw) / 1000)
			}
		}
		if s.has[symMigMode] {
			cur, _, ret := d.h.GetMigMode()
			if ok(ret, "MIG mode", &derrs) {
				dev.MIGEnabled = gpu.Ptr(cur == nv.DEVICE_MIG_ENABLE)
			}
		}
		if len(derrs) > 0 {
			errs = append(errs, fmt.Errorf("device %d: %w", d.index, errors.Join(derrs...)))
		}
		out = append(out, dev)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("nvml: %w", errors.Join(errs...))
	}
	return out, nil
}

// Sample appends one reading per GPU. A field whose entry point the driver
// lacks, or that answers NOT_SUPPORTED (utilization under MIG, energy
// before Volta), is left nil; any other NVML error leaves the field nil,
// is added to that Sample's Error (gpu.AddError), and is returned joined
// with the others.
func (s *Sampler) Sample(ctx context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return dst, errClosed
	}
	var errs []error
	for _, d := range s.devs {
		smp, readErrs := s.read(d)
		for _, err := range readErrs {
			gpu.AddError(&smp, err.Error())
		}
		if len(readErrs) > 0 {
			errs = append(errs, fmt.Errorf("device %d: %w", d.index, errors.Join(readErrs...)))
		}
		dst = append(dst, smp)
	}
	if len(errs) > 0 {
		return dst, fmt.Errorf("nvml: %w", errors.Join(errs...))
	}
	return dst, nil
}

// read takes one reading of d, and the error of each field that failed.
func (s *Sampler) read(d device) (rundir.GPUSample, []error) {
	var errs []error
	smp := rundir.GPUSample{Index: d.index, UUID: d.uuid, Name: d.name}
	h := d.h
	if total, used, reserved, ok := s.memory(h, &errs); ok {
		smp.MemoryTotalBytes, smp.MemoryUsedBytes, smp.MemoryReservedBytes = gpu.Ptr(total), gpu.Ptr(used), reserved
	}
	if s.has[symUtilization] {
		u, ret := h.GetUtilizationRates()
		if ok(ret, "utilization", &errs) {
			smp.UtilizationPct, smp.MemoryUtilizationPct = gpu.Ptr(float64(u.Gpu)), gpu.Ptr(float64(u.Memory))
		}
	}
	if s.has[symPowerUsage] {
		mw, ret := h.GetPowerUsage()
		if ok(ret, "power", &errs) {
			smp.PowerW = gpu.Ptr(float64(mw) / 1000)
			smp.PowerWindowNS = int64(d.powerWindow)
		}
	}
	if s.has[symTotalEnergy] {
		mj, ret := h.GetTotalEnergyConsumption()
		if ok(ret, "energy", &errs) {
			smp.EnergyMJ = gpu.Ptr(mj)
		}
	}
	if s.has[symTemperature] {
		c, ret := h.GetTemperature(nv.TEMPERATURE_GPU)
		if ok(ret, "temperature", &errs) {
			smp.TemperatureC = gpu.Ptr(float64(c))
		}
	}
	if s.has[symClockInfo] {
		mhz, ret := h.GetClockInfo(nv.CLOCK_SM)
		if ok(ret, "SM clock", &errs) {
			smp.SMClockMHz = gpu.Ptr(float64(mhz))
		}
	}
	// The clocks-event call replaced the throttle-reasons one in R535;
	// older drivers only export the latter. Both return the same mask.
	var mask uint64
	ret := nv.ERROR_NOT_SUPPORTED
	switch {
	case s.has[symClocksEvent]:
		mask, ret = h.GetCurrentClocksEventReasons()
	case s.has[symClocksThrottle]:
		mask, ret = h.GetCurrentClocksThrottleReasons()
	}
	if ok(ret, "clock event reasons", &errs) {
		smp.ClockEventReasons = gpu.ClockEventReasons(mask)
	}
	return smp, errs
}

// memory returns total, used and (v2 only) reserved memory in bytes. It
// uses memory info v2 where the driver has it (R510+).
func (s *Sampler) memory(h nv.Device, errs *[]error) (total, used uint64, reserved *uint64, good bool) {
	switch {
	case s.has[symMemoryInfoV2]:
		m, ret := h.GetMemoryInfo_v2()
		if ok(ret, "memory", errs) {
			return m.Total, m.Used, gpu.Ptr(m.Reserved), true
		}
	case s.has[symMemoryInfo]:
		m, ret := h.GetMemoryInfo()
		if ok(ret, "memory", errs) {
			return m.Total, m.Used, nil, true
		}
	}
	return 0, 0, nil, false
}

// ok reports whether ret is SUCCESS. NOT_SUPPORTED means the field is
// absent on this device and is no error; any other code is appended to errs
// as "what: code".
func ok(ret nv.Return, what string, errs *[]error) bool {
	switch ret {
	case nv.SUCCESS:
		return true
	case nv.ERROR_NOT_SUPPORTED:
		return false
	}
	*errs = append(*errs, fmt.Errorf("%s: %w", what, ret))
	return false
}
