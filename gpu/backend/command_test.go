package backend

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// The output of `gpu list` and `gpu watch` on a fake sampler; the command
// line's own tests (cmd/inferbench/gpu_test.go) run the whole app.

// fakeGPUs is a two-GPU sampler whose second tick fails.
type fakeGPUs struct{ ticks int }

func (f *fakeGPUs) Devices(context.Context) ([]rundir.GPUDevice, error) {
	return []rundir.GPUDevice{
		{Index: 0, UUID: "GPU-a", Name: "NVIDIA H200", MemoryTotalBytes: gpu.Ptr[uint64](143771 << 20), DriverVersion: "580.95.05",
			CUDAVersion: "13.0", PowerLimitW: gpu.Ptr(700.0), MIGEnabled: gpu.Ptr(false)},
		{Index: 1, UUID: "GPU-b", Name: "NVIDIA H200"},
	}, nil
}

func (f *fakeGPUs) Sample(_ context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	f.ticks++
	if f.ticks == 2 {
		return dst, errors.New("scrape timeout")
	}
	return append(dst,
		rundir.GPUSample{Index: 0, UtilizationPct: gpu.Ptr(99.0), MemoryUsedBytes: gpu.Ptr[uint64](1024 << 20), MemoryTotalBytes: gpu.Ptr[uint64](143771 << 20),
			PowerW: gpu.Ptr(650.25), EnergyMJ: gpu.Ptr[uint64](123456), TemperatureC: gpu.Ptr(60.0), SMClockMHz: gpu.Ptr(1980.0), ClockEventReasons: []string{"sw_power_cap"}},
		rundir.GPUSample{Index: 1, ClockEventReasons: []string{}}), nil
}

func (f *fakeGPUs) Close() error { return nil }

func fakeOpen(s gpu.Sampler) func(context.Context, string, Options) (gpu.Sampler, error) {
	return func(context.Context, string, Options) (gpu.Sampler, error) { return s, nil }
}

func TestListCommandTable(t *testing.T) {
	var out bytes.Buffer
	if err := ListCommand(t.Context(), &CommandOptions{Backend: "nvml", Open: fakeOpen(&fakeGPUs{})}, &out); err != nil {
		t.Fatal(err)
	}
	want := `INDEX  NAME         UUID   MEMORY      DRIVER     CUDA  POWER LIMIT  MIG  HOST
0      NVIDIA H200  GPU-a  143771 MiB  580.95.05  13.0  700 W        off  -
1      NVIDIA H200  GPU-b  -           -          -     -            -    -
`
	if out.String() != want {
		t.Errorf("gpu list printed\n%s\nwant\n%s", out.String(), want)
	}
}

func TestWatchCommandFormats(t *testing.T) {
	var out, errOut bytes.Buffer
	o := &CommandOptions{Backend: "nvml", Interval: time.Millisecond, Count: 3, Format: "jsonl", Open: fakeOpen(&fakeGPUs{})}
	if err := WatchCommand(t.Context(), o, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 || !strings.Contains(lines[2], `"index":-1,"error":"scrape timeout"`) || !strings.Contains(lines[0], `"power_w":650.25`) {
		t.Errorf("jsonl watch printed %d lines:\n%s\nwant 2 + gap + 2", len(lines), out.String())
	}
	if !strings.Contains(errOut.String(), "scrape timeout") {
		t.Errorf("stderr %q does not report the failed tick", errOut.String())
	}

	out.Reset()
	o = &CommandOptions{Backend: "nvml", Interval: time.Millisecond, Count: 1, Format: "table", Open: fakeOpen(&fakeGPUs{})}
	if err := WatchCommand(t.Context(), o, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	want := `    T(s) GPU UTIL% MEM USED/TOTAL MiB  POWER W     ENERGY J TEMP C SM MHz  CLOCK EVENTS
   0.000   0    99        1024/143771    650.2        123.5     60   1980  sw_power_cap
   0.000   1     -                  -        -            -      -      -  none
`
	// The time column is the wall clock since the watch began: blank it.
	got := regexp.MustCompile(`(?m)^ +[0-9]+\.[0-9]{3} `).ReplaceAllString(out.String(), "   0.000 ")
	if got != want {
		t.Errorf("table watch printed\n%s\nwant\n%s", out.String(), want)
	}
}
