//go:build cgo && linux

package nvml

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	nv "github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

const mib = 1 << 20

// load describes what the test's simulated GPUs report at elapsed time t
// since the test began (synctest's fake clock).
type load struct {
	start       time.Time
	powerLimitW uint32
}

// elapsedMS is the fake time since the test began, in milliseconds.
func (l *load) elapsedMS() uint64 { return uint64(time.Since(l.start) / time.Millisecond) }

// instrument sets every device function the sampler calls: utilization
// ramps by 10 points per 100 ms (capped at 100), memory by 1 GiB per 100 ms
// plus the device index in MiB, power 70 W + 1 W per 10 ms, the energy
// counter 1,000,000 mJ + 100 mJ per ms, temperature 30 °C, SM clock
// 1980 MHz, and clock events gpu_idle until 100 ms, then sw_power_cap.
func (l *load) instrument(srv *server.Server) {
	for _, dev := range srv.Devices {
		d := dev.(*server.Device)
		idx := uint64(d.Index)
		total := d.MemoryInfo.Total
		d.GetMemoryInfo_v2Func = func() (nv.Memory_v2, nv.Return) {
			used := l.elapsedMS()/100<<30 + idx*mib
			return nv.Memory_v2{Total: total, Reserved: 479 * mib, Used: used, Free: total - used}, nv.SUCCESS
		}
		d.GetMemoryInfoFunc = func() (nv.Memory, nv.Return) {
			used := l.elapsedMS()/100<<30 + idx*mib
			return nv.Memory{Total: total, Used: used, Free: total - used}, nv.SUCCESS
		}
		d.GetUtilizationRatesFunc = func() (nv.Utilization, nv.Return) {
			u := uint32(min(100, l.elapsedMS()/10))
			return nv.Utilization{Gpu: u, Memory: u / 2}, nv.SUCCESS
		}
		d.GetPowerUsageFunc = func() (uint32, nv.Return) { return uint32(70_000 + l.elapsedMS()*100), nv.SUCCESS }
		d.GetTotalEnergyConsumptionFunc = func() (uint64, nv.Return) { return 1_000_000 + l.elapsedMS()*100, nv.SUCCESS }
		d.GetTemperatureFunc = func(nv.TemperatureSensors) (uint32, nv.Return) { return 30, nv.SUCCESS }
		d.GetClockInfoFunc = func(c nv.ClockType) (uint32, nv.Return) {
			if c != nv.CLOCK_SM {
				return 0, nv.ERROR_INVALID_ARGUMENT
			}
			return 1980, nv.SUCCESS
		}
		d.GetCurrentClocksEventReasonsFunc = func() (uint64, nv.Return) {
			if l.elapsedMS() < 100 {
				return nv.ClocksEventReasonGpuIdle, nv.SUCCESS
			}
			return nv.ClocksEventReasonSwPowerCap, nv.SUCCESS
		}
		d.GetEnforcedPowerLimitFunc = func() (uint32, nv.Return) { return l.powerLimitW * 1000, nv.SUCCESS }
	}
}

func TestDevicesDGX(t *testing.T) {
	tests := []struct {
		name   string
		srv    *server.Server
		limitW uint32
		want   rundir.GPUDevice // of device 0, UUID aside
	}{
		{"dgxh100", dgxh100.New(), 700, rundir.GPUDevice{Index: 0, Name: "NVIDIA H100 80GB HBM3", MemoryTotalBytes: gpu.Ptr[uint64](81920 * mib),
			DriverVersion: "550.54.15", CUDAVersion: "12.4", PowerLimitW: gpu.Ptr(700.0), MIGEnabled: gpu.Ptr(false)}},
		{"dgxa100", dgxa100.New(), 400, rundir.GPUDevice{Index: 0, Name: "Mock NVIDIA A100-SXM4-40GB", MemoryTotalBytes: gpu.Ptr[uint64](40960 * mib),
			DriverVersion: "550.54.15", CUDAVersion: "12.4", PowerLimitW: gpu.Ptr(400.0), MIGEnabled: gpu.Ptr(false)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			(&load{start: time.Now(), powerLimitW: tt.limitW}).instrument(tt.srv)
			s, err := New(tt.srv)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			devs, err := s.Devices(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(devs) != 8 {
				t.Fatalf("Devices() returned %d devices; want 8", len(devs))
			}
			if !strings.HasPrefix(devs[0].UUID, "GPU-") || devs[0].UUID == devs[1].UUID {
				t.Errorf("UUIDs %q, %q; want distinct GPU-… identities", devs[0].UUID, devs[1].UUID)
			}
			tt.want.UUID = devs[0].UUID
			if diff := cmp.Diff(tt.want, devs[0]); diff != "" {
				t.Errorf("Devices()[0] (-want +got):\n%s", diff)
			}
			if devs[7].Index != 7 {
				t.Errorf("Devices()[7].Index = %d; want 7", devs[7].Index)
			}
		})
	}
}

func TestSampleOverTimeWithWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := dgxh100.New()
		l := &load{start: time.Now(), powerLimitW: 700}
		l.instrument(srv)
		s, err := New(srv)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var got []rundir.GPUSample
		err = gpu.Watch(t.Context(), s, l.start, gpu.WatchConfig{Interval: 50 * time.Millisecond, Count: 4}, func(b []rundir.GPUSample) error {
			got = append(got, b...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4*8 {
			t.Fatalf("4 ticks of 8 GPUs gave %d samples; want 32", len(got))
		}
		// Ticks at 0, 50, 100, 150 ms. Device 3 at 150 ms: utilization 15,
		// memory 1 GiB + 3 MiB, power 70 + 15 W, energy 1,000,000 + 15,000 mJ.
		utils := []float64{}
		for _, smp := range got {
			if smp.Index == 0 {
				utils = append(utils, *smp.UtilizationPct)
			}
		}
		if diff := cmp.Diff([]float64{0, 5, 10, 15}, utils); diff != "" {
			t.Errorf("device 0 utilization over ticks (-want +got):\n%s", diff)
		}
		d3 := got[3*8+3]
		want := rundir.GPUSample{
			TNS: int64(150 * time.Millisecond), Index: 3, UUID: srv.Devices[3].(*server.Device).UUID, Name: "NVIDIA H100 80GB HBM3",
			UtilizationPct: gpu.Ptr(15.0), MemoryUtilizationPct: gpu.Ptr(7.0),
			MemoryUsedBytes: gpu.Ptr[uint64](1<<30 + 3*mib), MemoryTotalBytes: gpu.Ptr[uint64](81920 * mib), MemoryReservedBytes: gpu.Ptr[uint64](479 * mib),
			PowerW: gpu.Ptr(85.0), PowerWindowNS: int64(time.Second), EnergyMJ: gpu.Ptr[uint64](1_015_000), TemperatureC: gpu.Ptr(30.0), SMClockMHz: gpu.Ptr(1980.0),
			ClockEventReasons: []string{"sw_power_cap"},
		}
		if diff := cmp.Diff(want, d3); diff != "" {
			t.Errorf("device 3 at 150 ms (-want +got):\n%s", diff)
		}
		if r := got[0].ClockEventReasons; len(r) != 1 || r[0] != "gpu_idle" {
			t.Errorf("device 0 at 0 ms clock events = %v; want [gpu_idle]", r)
		}
	})
}

func TestErrorMidRunIsReportedAndWatchGoesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := dgxa100.New()
		l := &load{start: time.Now(), powerLimitW: 400}
		l.instrument(srv)
		// Device 5 loses power readings at 100 ms and only then.
		d5 := srv.Devices[5].(*server.Device)
		d5.GetPowerUsageFunc = func() (uint32, nv.Return) {
			if l.elapsedMS() == 100 {
				return 0, nv.ERROR_UNKNOWN
			}
			return 250_000, nv.SUCCESS
		}
		s, err := New(srv)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var errTimes []int64
		var d5s []rundir.GPUSample
		cfg := gpu.WatchConfig{Interval: 50 * time.Millisecond, Count: 4, OnError: func(tNS int64, err error) {
			errTimes = append(errTimes, tNS)
			if !errors.Is(err, nv.ERROR_UNKNOWN) {
				t.Errorf("OnError err = %v; want it to wrap ERROR_UNKNOWN", err)
			}
		}}
		err = gpu.Watch(t.Context(), s, l.start, cfg, func(b []rundir.GPUSample) error {
			if len(b) != 8 {
				t.Errorf("tick with %d samples; want 8 (no gap when only one field failed)", len(b))
			}
			d5s = append(d5s, b[5])
			return nil
		})
		if err != nil {
			t.Fatalf("Watch = %v; want nil: an NVML error must not stop the run", err)
		}
		if diff := cmp.Diff([]int64{int64(100 * time.Millisecond)}, errTimes); diff != "" {
			t.Errorf("error tick times (-want +got):\n%s", diff)
		}
		if d5s[2].PowerW != nil || d5s[2].Error != "power: ERROR_UNKNOWN" {
			t.Errorf("device 5 at 100 ms: power %v, error %q; want nil, %q", d5s[2].PowerW, d5s[2].Error, "power: ERROR_UNKNOWN")
		}
		if d5s[2].UtilizationPct == nil || *d5s[2].UtilizationPct != 10 {
			t.Errorf("device 5 at 100 ms lost its utilization too: %v; want 10", d5s[2].UtilizationPct)
		}
		if d5s[3].PowerW == nil || *d5s[3].PowerW != 250 || d5s[3].Error != "" {
			t.Errorf("device 5 at 150 ms: power %v, error %q; want 250 W and no error", d5s[3].PowerW, d5s[3].Error)
		}
	})
}

func TestNotSupportedFieldsAreAbsent(t *testing.T) {
	srv := dgxa100.New()
	(&load{start: time.Now(), powerLimitW: 400}).instrument(srv)
	for _, dev := range srv.Devices {
		d := dev.(*server.Device)
		// As on a MIG-enabled A100: no utilization; and no energy counter.
		d.GetUtilizationRatesFunc = func() (nv.Utilization, nv.Return) { return nv.Utilization{}, nv.ERROR_NOT_SUPPORTED }
		d.GetTotalEnergyConsumptionFunc = func() (uint64, nv.Return) { return 0, nv.ERROR_NOT_SUPPORTED }
		d.GetMigModeFunc = func() (int, int, nv.Return) { return nv.DEVICE_MIG_ENABLE, nv.DEVICE_MIG_ENABLE, nv.SUCCESS }
	}
	s, err := New(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Sample(t.Context(), nil)
	if err != nil {
		t.Fatalf("Sample = %v; want nil: NOT_SUPPORTED is not an error", err)
	}
	for _, smp := range got {
		if smp.UtilizationPct != nil || smp.MemoryUtilizationPct != nil || smp.EnergyMJ != nil || smp.Error != "" {
			t.Errorf("device %d: util %v, mem util %v, energy %v, error %q; want all absent", smp.Index, smp.UtilizationPct, smp.MemoryUtilizationPct, smp.EnergyMJ, smp.Error)
		}
		if smp.PowerW == nil || smp.MemoryUsedBytes == nil {
			t.Errorf("device %d: power and memory must still be present", smp.Index)
		}
	}
	devs, err := s.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if devs[0].MIGEnabled == nil || !*devs[0].MIGEnabled {
		t.Errorf("Devices()[0].MIGEnabled = %v; want true", devs[0].MIGEnabled)
	}
}

func TestMissingSymbolsAreNeverCalled(t *testing.T) {
	// An R470-era driver: no memory info v2, no clocks-event entry point.
	// Their mock funcs stay nil, so calling them would panic the test.
	srv := dgxh100.New()
	(&load{start: time.Now(), powerLimitW: 700}).instrument(srv)
	for _, dev := range srv.Devices {
		d := dev.(*server.Device)
		d.GetMemoryInfo_v2Func = nil
		d.GetCurrentClocksEventReasonsFunc = nil
		d.GetCurrentClocksThrottleReasonsFunc = func() (uint64, nv.Return) {
			return nv.ClocksThrottleReasonHwThermalSlowdown | nv.ClocksThrottleReasonGpuIdle, nv.SUCCESS
		}
	}
	srv.LookupSymbolFunc = func(sym string) error {
		if sym == "nvmlDeviceGetMemoryInfo_v2" || sym == "nvmlDeviceGetCurrentClocksEventReasons" {
			return errors.New("undefined symbol: " + sym)
		}
		return nil
	}
	s, err := New(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].MemoryUsedBytes == nil || got[0].MemoryReservedBytes != nil {
		t.Errorf("memory used %v, reserved %v; want used from v1 and no reserved", got[0].MemoryUsedBytes, got[0].MemoryReservedBytes)
	}
	if diff := cmp.Diff([]string{"gpu_idle", "hw_thermal_slowdown"}, got[0].ClockEventReasons); diff != "" {
		t.Errorf("clock event reasons via the throttle-reasons fallback (-want +got):\n%s", diff)
	}
}

func TestInitFailureMakesNoOtherCall(t *testing.T) {
	// Only Init is set: any other call on lib panics.
	lib := &mock.Interface{InitFunc: func() nv.Return { return nv.ERROR_LIBRARY_NOT_FOUND }}
	s, err := New(lib)
	if s != nil || !errors.Is(err, gpu.ErrUnavailable) {
		t.Fatalf("New(lib without NVML) = %v, %v; want nil and an error wrapping gpu.ErrUnavailable", s, err)
	}
	if !strings.Contains(err.Error(), "libnvidia-ml.so.1 not found") {
		t.Errorf("error %q does not say the library is missing", err)
	}
	if n := len(lib.InitCalls()); n != 1 {
		t.Errorf("Init called %d times; want 1", n)
	}
}

func TestCloseShutsDownOnce(t *testing.T) {
	srv := dgxh100.New()
	(&load{start: time.Now(), powerLimitW: 700}).instrument(srv)
	s, err := New(srv)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.ShutdownCalls()); n != 1 {
		t.Errorf("Shutdown called %d times; want 1", n)
	}
	if _, err := s.Sample(context.Background(), nil); err == nil {
		t.Error("Sample after Close = nil error; want one")
	}
}

// TestOpenOnThisHost runs the real dlopen path. Without an NVIDIA driver it
// must fail cleanly (not kill the process); with one it must list devices.
func TestOpenOnThisHost(t *testing.T) {
	s, err := Open()
	if err != nil {
		if !errors.Is(err, gpu.ErrUnavailable) {
			t.Fatalf("Open() = %v; want an error wrapping gpu.ErrUnavailable", err)
		}
		t.Logf("no NVML here: %v", err)
		return
	}
	defer s.Close()
	devs, err := s.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("NVML devices: %+v", devs)
}

// TestPowerWindowFromComputeCapability: NVML's power is the mean over the
// last second on Ampere (except GA100) and newer, instantaneous on GA100:
// each sample says which, from the device's compute capability (an H100's
// 9.0, an A100's 8.0), so that energy integrated from power is placed right
// (report.SummarizeGPU).
func TestPowerWindowFromComputeCapability(t *testing.T) {
	for _, tt := range []struct {
		name string
		srv  *server.Server
		want int64
	}{{"dgxh100", dgxh100.New(), int64(time.Second)}, {"dgxa100", dgxa100.New(), 0}} {
		l := &load{start: time.Now(), powerLimitW: 400}
		l.instrument(tt.srv)
		s, err := New(tt.srv)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Sample(t.Context(), nil)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, smp := range got {
			if smp.PowerW == nil || smp.PowerWindowNS != tt.want {
				t.Errorf("%s device %d: power %v over %d ns; want a reading over %d ns", tt.name, smp.Index, smp.PowerW, smp.PowerWindowNS, tt.want)
			}
		}
	}
}

// TestPowerWindowFromTheNameWithoutACapability: a driver that cannot say
// a device's compute capability leaves its name to say the span of its
// power: an H100's read as instantaneous before (0), now 1 s, and an
// A100's stays instantaneous.
func TestPowerWindowFromTheNameWithoutACapability(t *testing.T) {
	for _, tt := range []struct {
		name string
		srv  *server.Server
		want int64
	}{{"dgxh100", dgxh100.New(), int64(time.Second)}, {"dgxa100", dgxa100.New(), 0}} {
		l := &load{start: time.Now(), powerLimitW: 400}
		l.instrument(tt.srv)
		for _, dev := range tt.srv.Devices {
			dev.(*server.Device).GetCudaComputeCapabilityFunc = func() (int, int, nv.Return) { return 0, 0, nv.ERROR_NOT_SUPPORTED }
		}
		s, err := New(tt.srv)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Sample(t.Context(), nil)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, smp := range got {
			if smp.PowerW == nil || smp.PowerWindowNS != tt.want {
				t.Errorf("%s device %d (%s): power %v over %d ns; want a reading over %d ns", tt.name, smp.Index, smp.Name, smp.PowerW, smp.PowerWindowNS, tt.want)
			}
		}
	}
}
