package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/backend"
	"github.com/inferbench/inferbench/internal/fixtures"
	"github.com/inferbench/inferbench/rundir"
)

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

func fakeOpen(s gpu.Sampler) func(context.Context, string, backend.Options) (gpu.Sampler, error) {
	return func(context.Context, string, backend.Options) (gpu.Sampler, error) { return s, nil }
}

func TestGPUListTable(t *testing.T) {
	var out bytes.Buffer
	if err := backend.ListCommand(t.Context(), &backend.CommandOptions{Backend: "nvml", Open: fakeOpen(&fakeGPUs{})}, &out); err != nil {
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

func TestGPUWatchFormats(t *testing.T) {
	var out, errOut bytes.Buffer
	o := &backend.CommandOptions{Backend: "nvml", Interval: time.Millisecond, Count: 3, Format: "jsonl", Open: fakeOpen(&fakeGPUs{})}
	if err := backend.WatchCommand(t.Context(), o, &out, &errOut); err != nil {
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
	o = &backend.CommandOptions{Backend: "nvml", Interval: time.Millisecond, Count: 1, Format: "table", Open: fakeOpen(&fakeGPUs{})}
	if err := backend.WatchCommand(t.Context(), o, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	want := `    T(s) GPU UTIL% MEM USED/TOTAL MiB  POWER W     ENERGY J  TEMP SM MHz  CLOCK EVENTS
   0.000   0    99       1024/143771    650.2        123.5    60   1980  sw_power_cap
   0.000   1     -                 -        -            -     -      -  none
`
	// The time column is the wall clock since the watch began: blank it.
	got := regexp.MustCompile(`(?m)^ +[0-9]+\.[0-9]{3} `).ReplaceAllString(out.String(), "   0.000 ")
	if got != want {
		t.Errorf("table watch printed\n%s\nwant\n%s", out.String(), want)
	}
}

// TestGPUListWithoutGPU runs the whole app: with no NVIDIA tool on PATH the
// smi backend prints one clear line and exits non-zero.
func TestGPUListWithoutGPU(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out, errOut bytes.Buffer
	err := newApp(&out, &errOut).RunContext(t.Context(), []string{"inferbench", "gpu", "list", "--backend", "smi"})
	code := exitCode(err, &errOut)
	if code == 0 || !errors.Is(err, gpu.ErrUnavailable) {
		t.Fatalf("gpu list without nvidia-smi: exit %d, err %v; want non-zero and ErrUnavailable", code, err)
	}
	msg := errOut.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "nvidia-smi is not on PATH") {
		t.Errorf("stderr = %q; want one line saying nvidia-smi is not on PATH", msg)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q; want nothing", out.String())
	}
}

func TestGPUListDCGMFixture(t *testing.T) {
	page, err := os.ReadFile(fixtures.Path("dcgm-exporter-h100x8-eks-sampled.txt"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(page) }))
	defer srv.Close()
	var out, errOut bytes.Buffer
	err = newApp(&out, &errOut).RunContext(t.Context(), []string{"inferbench", "gpu", "list", "--backend", "dcgm", "--url", srv.URL + "/metrics"})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 9 || !strings.Contains(lines[8], "GPU-04d228d3-3b5a-3534-f5cf-969706647d56") || !strings.Contains(lines[1], "580.105.08") {
		t.Errorf("gpu list --backend dcgm printed:\n%s", out.String())
	}
}

func TestGPUUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"gpu", "watch", "--format", "csv"},
		{"gpu", "watch", "--interval", "0s"},
		{"gpu", "list", "--backend", "none"},
		{"gpu", "list", "extra"},
	} {
		var out, errOut bytes.Buffer
		err := newApp(&out, &errOut).RunContext(t.Context(), append([]string{"inferbench"}, args...))
		if code := exitCode(err, &errOut); code != exitUsage {
			t.Errorf("inferbench %v: exit %d (%v); want %d", args, code, err, exitUsage)
		}
	}
}
